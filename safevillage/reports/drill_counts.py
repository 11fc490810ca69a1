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
from typing import TYPE_CHECKING

from safevillage.accounts.scoping import can
from safevillage.core.periods import Period, PeriodError
from safevillage.incidents.filters import FILTER_PARAMS
from safevillage.incidents.models import Outcome
from safevillage.policy.models import Category
from safevillage.reports.figures import case_counts
from safevillage.reports.models import Basis

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
    categories = Category.objects.all()
    if code := given.get("category"):
        categories = categories.filter(code=code)
    if crime := given.get("crime"):
        if crime.lower() not in ("1", "true", "yes", "on"):
            return None
        categories = categories.filter(is_crime=True)
    wanted = set(categories.values_list("id", flat=True))
    by_category = case_counts(place, [period], Basis.OCCURRED)[period]
    return sum(getattr(counts, measure) for category, counts in by_category.items() if category in wanted)
