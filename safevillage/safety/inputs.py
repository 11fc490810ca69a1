"""The figures a classification reads, for every place of one level under a prefix at once.

A commune's figures come from the case summaries (commune by month or quarter), so that a
national run reads a few thousand counters whatever the size of the register; a village's
come from the register itself, grouped in one query through its (place_code, period_month)
index (there is no village grain: ``reports/models.py``). Records overdue are read from the
register's open records with the product's one rule, as the result report reads them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from safevillage.core.periods import Period
from safevillage.incidents.models import Incident
from safevillage.places.codes import under
from safevillage.places.models import Level, Place
from safevillage.policy.models import Category, FrameworkVersion
from safevillage.reports.figures import grain_for
from safevillage.reports.models import Basis, CaseSummary, ReportStatus, ResultReport
from safevillage.reports.ranking import commune_populations
from safevillage.reports.rebuild import _by_basis
from safevillage.safety.rules import Figures

SUBMITTED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.ACCEPTED)
_FIELDS = ("reported", "solved", "open", "mediated", "deaths", "injuries")


@dataclass
class PlaceFigures:
    code: str
    place_id: int
    population: int | None
    report_submitted: bool
    by_criterion: dict[int, Figures] = field(default_factory=dict)


def criterion_of_category(framework: FrameworkVersion) -> dict[int, int]:
    """Category id → the number of its criterion in ``framework`` (categories under none are left out)."""
    out: dict[int, int] = {}
    rows = Category.objects.values_list(
        "id", "criterion_2010__framework_id", "criterion_2010__number", "point_2021__framework_id", "point_2021__number"
    )
    for category_id, fw_2010, n_2010, fw_2021, n_2021 in rows:
        if fw_2010 == framework.pk:
            out[category_id] = n_2010
        elif fw_2021 == framework.pk:
            out[category_id] = n_2021
    return out


def _submitted_communes(prefix: str, period: Period) -> set[str]:
    """Communes whose submitted reports (submitted, approved or accepted; not returned) cover
    every month of the period: the period's own report, or reports of shorter periods."""
    covered: dict[str, set[int]] = defaultdict(set)
    reports = ResultReport.objects.filter(
        under("place_code", prefix),
        place__level=Level.COMMUNE,
        status__in=SUBMITTED,
        first_month__lte=period.last_month,
        last_month__gte=period.first_month,
    ).values_list("place_code", "first_month", "last_month")
    for code, first, last in reports:
        covered[code].update(m for m in period.months if first <= m <= last)
    need = set(period.months)
    return {code for code, months in covered.items() if months >= need}


def _add(target: dict[str, dict[int, Figures]], code: str, number: int, figures: Figures) -> None:
    current = target[code].get(number)
    target[code][number] = figures if current is None else current + figures


FORUM_POINT_2021 = 5


def _forum_quarters(prefix: str, period: Period, level: int) -> tuple[dict[str, int], int]:
    """For each place of ``level`` under ``prefix``, the quarters of ``period`` in which it held
    a forum of its own, and how many quarters the period covers. A month is too short to
    hold its own quarter: it counts one, held when a forum fell within the 92 days to its end
    (the guideline's "at least every three months", as forums/compliance.py reads it)."""
    from safevillage.forums.compliance import OVERDUE_AFTER_DAYS
    from safevillage.forums.models import Forum

    forums = Forum.objects.filter(under("place__code", prefix), place__level=level)
    quarters = period.quarters()
    if not quarters:
        start = period.end - datetime.timedelta(days=OVERDUE_AFTER_DAYS)
        held = forums.filter(held_on__gt=start, held_on__lte=period.end).values_list("place__code", flat=True)
        return dict.fromkeys(held, 1), 1
    seen: dict[str, set[int]] = defaultdict(set)
    rows = forums.filter(held_on__gte=period.start, held_on__lte=period.end).values_list("place__code", "held_on")
    for code, held_on in rows:
        seen[code].add((held_on.month - 1) // 3)
    return {code: len(found) for code, found in seen.items()}, len(quarters)


def _add_forums(
    by_code: dict[str, dict[int, Figures]], codes: set[str], prefix: str, period: Period, level: int
) -> None:
    held, quarters = _forum_quarters(prefix, period, level)
    for code in codes:
        _add(by_code, code, FORUM_POINT_2021, Figures(forum_quarters=held.get(code, 0), quarters=quarters))


def _overdue(prefix: str, period: Period, now: datetime.datetime, length: int) -> dict[tuple[str, int], int]:
    records = Incident.objects.overdue(now).filter(
        under("place_code", prefix), period_month__gte=period.first_month, period_month__lte=period.last_month
    )
    out: dict[tuple[str, int], int] = defaultdict(int)
    for code, category_id, n in records.values_list("place_code", "category_id").annotate(n=Count("id")).order_by():
        out[(code[:length], category_id)] += n
    return out


def commune_figures(
    prefix: str, period: Period, framework: FrameworkVersion, now: datetime.datetime
) -> dict[str, PlaceFigures]:
    """Every current commune under ``prefix`` ("" for the country), from the summaries."""
    criteria = criterion_of_category(framework)
    populations = commune_populations(prefix[:6])
    places = Place.objects.current(on=period.end).filter(under("code", prefix), level=Level.COMMUNE)
    submitted = _submitted_communes(prefix, period)
    out = {
        code: PlaceFigures(code, place_id, populations.get(code), code in submitted)
        for code, place_id in places.values_list("code", "id")
    }
    by_code: dict[str, dict[int, Figures]] = defaultdict(dict)
    grain, first, last = grain_for(prefix[:6], period)
    rows = CaseSummary.objects.filter(
        under("place_code", prefix[:6]), basis=Basis.OCCURRED, grain=grain, period_key__gte=first, period_key__lte=last
    )
    summed = rows.values("place_code", "category_id").annotate(**{f: Sum(f) for f in _FIELDS}).order_by()
    for row in summed:
        number = criteria.get(row["category_id"])
        if number is not None:
            _add(by_code, row["place_code"], number, Figures(**{f: int(row[f] or 0) for f in _FIELDS}))
    for (code, category_id), n in _overdue(prefix[:6], period, now, 6).items():
        number = criteria.get(category_id)
        if number is not None:
            _add(by_code, code, number, Figures(overdue=n))
    if framework.code == "2021":
        _add_forums(by_code, set(out), prefix, period, Level.COMMUNE)
    for code, figures in by_code.items():
        if code in out:
            out[code].by_criterion = figures
    return out


def village_figures(
    prefix: str, period: Period, framework: FrameworkVersion, now: datetime.datetime
) -> dict[str, PlaceFigures]:
    """Every current village under ``prefix``, from the register; a village's report is its
    commune's (villages do not report on their own)."""
    criteria = criterion_of_category(framework)
    places = Place.objects.current(on=period.end).filter(under("code", prefix), level=Level.VILLAGE)
    submitted = _submitted_communes(prefix[:6], period)
    out = {
        code: PlaceFigures(code, place_id, population, code[:6] in submitted)
        for code, place_id, population in places.values_list("code", "id", "population")
    }
    by_code: dict[str, dict[int, Figures]] = defaultdict(dict)
    # The summaries' own counters (reports/rebuild.py), grouped by village instead of commune.
    records, _month, aggregates = _by_basis(Basis.OCCURRED)
    grouped = (
        records.filter(
            under("place_code", prefix), period_month__gte=period.first_month, period_month__lte=period.last_month
        )
        .values("place_code", "category_id")
        .annotate(**{f: aggregates[f] for f in _FIELDS})
        .order_by()
    )
    for row in grouped:
        number = criteria.get(row["category_id"])
        if number is not None:
            _add(by_code, row["place_code"], number, Figures(**{f: int(row[f] or 0) for f in _FIELDS}))
    for (code, category_id), n in _overdue(prefix, period, now, 8).items():
        number = criteria.get(category_id)
        if number is not None:
            _add(by_code, code, number, Figures(overdue=n))
    if framework.code == "2021":
        _add_forums(by_code, set(out), prefix, period, Level.VILLAGE)
    for code, figures in by_code.items():
        if code in out:
            out[code].by_criterion = figures
    return out
