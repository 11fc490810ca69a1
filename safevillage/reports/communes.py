"""Every commune under a place x every category, for a period and the same period a year
earlier: the table a secretariat downloads to compare its communes (``communes.csv``).

A quarter is read as stored: the commune x quarter summary already holds one row per
commune, quarter and category, so the table *is* those rows, selected by their period keys
through the summary's (basis, grain, period_key) index, not a regrouping of them. A month
is read as stored from the commune x month grain in the same way. A semester or a year adds
up its quarters in the database.

Rows come in the long form analysts pivot (one row per commune, category and period), with
the counters of ``models.MEASURES`` by month of occurrence, the basis of the report's
"reported" figures. Communes without a record of a category in a period have no row.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, Sum, Value, When

from safevillage.core.periods import Period, PeriodKind
from safevillage.places.codes import under
from safevillage.reports.figures import VILLAGE_CODE_LENGTH, grain_for
from safevillage.reports.models import MEASURES, Basis, CaseSummary

# (commune code, category id, period id, *MEASURES)
CommuneRow = tuple[Any, ...]


def commune_table(place_code: str, period: Period) -> list[CommuneRow]:
    """The rows of ``period`` and of the same period a year earlier for every commune under
    ``place_code`` ("" for the whole country, or a province, district or commune)."""
    if len(place_code) == VILLAGE_CODE_LENGTH:
        raise ValueError("a village is below the communes this table lists")
    earlier = period.year_earlier()
    rows = CaseSummary.objects.filter(basis=Basis.OCCURRED, reported__gt=0)
    if place_code:
        rows = rows.filter(under("place_code", place_code))
    grain, first, last = grain_for(place_code, period)
    _grain, earlier_first, earlier_last = grain_for(place_code, earlier)
    if period.kind in (PeriodKind.MONTH, PeriodKind.QUARTER):
        # One stored key per period: the rows as they are.
        labels = {first: period.id, earlier_first: earlier.id}
        stored = rows.filter(grain=grain, period_key__in=list(labels)).values_list(
            "place_code", "category_id", "period_key", *MEASURES
        )
        return [(place, category, labels[key], *counters) for place, category, key, *counters in stored]
    # A semester or a year: its quarters added up, each period told apart by its key range.
    which = Case(
        When(period_key__gte=first, period_key__lte=last, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    summed = (
        rows.filter(
            Q(period_key__gte=first, period_key__lte=last)
            | Q(period_key__gte=earlier_first, period_key__lte=earlier_last),
            grain=grain,
        )
        .annotate(which=which)
        .values("place_code", "category_id", "which")
        .annotate(**{f"s_{m}": Sum(m) for m in MEASURES})
        .order_by()
        .values_list("place_code", "category_id", "which", *[f"s_{m}" for m in MEASURES])
    )
    ids = (period.id, earlier.id)
    return [(place, category, ids[which], *counters) for place, category, which, *counters in summed]
