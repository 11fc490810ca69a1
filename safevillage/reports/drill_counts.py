"""The count of a figure's records, read from the summaries it came from.

A report figure links to the register filtered to the records it counts (``trace``). That
list need not count them again, reading every index entry of a province or a quarter: the
summaries the figure was read from hold the count, kept with the records in the same
transactions (``check_summaries`` recounts them from the register). Only the shapes of the
figures' own links are recognised, a place, a period, a category or the crimes, and either the
records counted (every one but withdrawn ones) or those closed with one outcome; any other
parameter, and the list counts as usual."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet, Sum

from safevillage.accounts.scoping import can
from safevillage.core.periods import Period, PeriodError
from safevillage.incidents.filters import FILTER_PARAMS
from safevillage.incidents.models import Outcome
from safevillage.places.codes import under
from safevillage.policy.models import Category
from safevillage.reports.figures import VILLAGE_CODE_LENGTH, case_counts, grain_for
from safevillage.reports.models import Basis, CaseSummary, CrimeSummary

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

_READ = {"place", "period", "category", "crime", "status", "outcome"}


def known_count(user: AnyUser, params: Mapping[str, str], errors: Mapping[str, str]) -> int | None:
    """The count of the records a register list (or the API's) shows for these parameters,
    from the summaries, when the reader's jurisdiction covers the whole place (the summaries
    know no jurisdiction: the list then holds exactly the records they count). None: the
    list counts its records itself."""
    if errors or not can(user, "incidents.view", params.get("place", "").strip()):
        return None
    return summary_count(params)


def summary_count(params: Mapping[str, str]) -> int | None:
    """The number of records the register holds for these parameters, from the summaries;
    None when the summaries do not answer this selection."""
    given = {name: value for name in FILTER_PARAMS if (value := params.get(name, "").strip())}
    if not set(given) <= _READ or "period" not in given:
        return None
    status, outcome = given.get("status"), given.get("outcome", "")
    if status == "counted" and not outcome:
        measure = "reported"
    elif status == "closed" and outcome in Outcome.values:
        measure = outcome
    else:
        return None
    place = given.get("place", "")
    if place and (not place.isdigit() or len(place) not in (2, 4, 6, 8)):
        return None
    try:
        period = Period.parse(given["period"])
    except PeriodError:
        return None
    code, crime = given.get("category"), given.get("crime")
    if crime and crime.lower() not in ("1", "true", "yes", "on"):
        return None
    if crime and not code and measure in ("reported", "solved") and len(place) != VILLAGE_CODE_LENGTH:
        # The crimes of a place: one crime summary row per commune, not one per crime category.
        return _sum(CrimeSummary.objects.all(), place, period, measure)
    categories = Category.objects.all()
    if code:
        categories = categories.filter(code=code)
    if crime:
        categories = categories.filter(is_crime=True)
    if len(place) == VILLAGE_CODE_LENGTH:
        # Below the commune grain: the village's own records (reports.figures).
        by_category = case_counts(place, [period], Basis.OCCURRED)[period]
        wanted = set(categories.values_list("id", flat=True))
        return sum(getattr(counts, measure) for category, counts in by_category.items() if category in wanted)
    rows = CaseSummary.objects.filter(basis=Basis.OCCURRED)
    if code or crime:
        rows = rows.filter(category__in=categories)
    return _sum(rows, place, period, measure)


def _sum(rows: QuerySet[Any], place: str, period: Period, measure: str) -> int:
    """One measure of the summary rows of a place and period, added up in the database."""
    grain, first, last = grain_for(place, period)
    rows = rows.filter(grain=grain, period_key__gte=first, period_key__lte=last)
    if place:
        rows = rows.filter(under("place_code", place))
    return int(rows.aggregate(n=Sum(measure))["n"] or 0)
