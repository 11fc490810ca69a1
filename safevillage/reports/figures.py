"""Reading counters for a place and periods from the summaries (never from the register),
plus the two things summaries cannot hold: population, and records overdue *now*.

A place is a code prefix ("" is the whole country). Months read the commune x month grain,
quarters, semesters and years the commune x quarter grain; a village, below both grains, is
read from the register with the summaries' own rules (``rebuild.village_cases``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Count, Q, Sum

from safevillage.core.periods import Period, PeriodKind
from safevillage.places.codes import under
from safevillage.places.models import Level, Place
from safevillage.reports.models import MEASURES, Basis, CaseSummary, ChannelSummary, Grain, OpenDeadline
from safevillage.reports.rebuild import village_cases, village_channels
from safevillage.reports.summary import quarter_key

VILLAGE_CODE_LENGTH = 8


@dataclass
class Counts:
    reported: int = 0
    open: int = 0
    closed: int = 0
    solved: int = 0
    solved_by_arrest: int = 0
    mediated: int = 0
    referred: int = 0
    transferred: int = 0
    unfounded: int = 0
    resolved: int = 0
    unresolved: int = 0
    arrests: int = 0
    deaths: int = 0
    injuries: int = 0
    closed_in_time: int = 0
    answered: int = 0
    satisfied: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


def grain_for(place_code: str, period: Period) -> tuple[Grain, int, int]:
    """The summary grain that answers (place, period), and the range of period keys to read."""
    if period.kind == PeriodKind.MONTH or len(place_code) == VILLAGE_CODE_LENGTH:
        return Grain.MONTH, period.first_month, period.last_month
    return Grain.QUARTER, quarter_key(period.first_month), quarter_key(period.last_month)


def _period_filter(place_code: str, periods: list[Period]) -> tuple[Grain, Q, dict[int, list[Period]]]:
    """A filter selecting every key of ``periods`` (all of one kind) and which periods each key
    belongs to."""
    owners: dict[int, list[Period]] = defaultdict(list)
    q = Q()
    grain = Grain.MONTH
    for period in dict.fromkeys(periods):  # previous and year-earlier coincide for a year
        grain, first, last = grain_for(place_code, period)
        q |= Q(period_key__gte=first, period_key__lte=last)
        step_keys = range(first, last + 1)
        for key in step_keys:
            owners[key].append(period)
    return grain, q, owners


def case_counts(place_code: str, periods: list[Period], basis: Basis) -> dict[Period, dict[int, Counts]]:
    """Counters by category for each period, in one query."""
    grain, period_q, owners = _period_filter(place_code, periods)
    totals: Iterable[dict[str, Any]]
    if len(place_code) == VILLAGE_CODE_LENGTH:
        first, last = min(owners), max(owners)
        totals = [
            {"period_key": row["k_period"], "category_id": row["category_id"], **{f"s_{m}": row[m] for m in MEASURES}}
            for row in village_cases(place_code, basis, first, last)
        ]
    else:
        rows = CaseSummary.objects.filter(period_q, basis=basis, grain=grain)
        if place_code:
            rows = rows.filter(under("place_code", place_code))
        totals = rows.values("period_key", "category_id").annotate(**{f"s_{m}": Sum(m) for m in MEASURES}).order_by()
    out: dict[Period, dict[int, Counts]] = {period: {} for period in periods}
    for row in totals:
        counts = Counts(**{m: int(row[f"s_{m}"] or 0) for m in MEASURES})
        for period in owners.get(row["period_key"], []):
            by_category = out[period]
            by_category[row["category_id"]] = by_category.get(row["category_id"], Counts()) + counts
    return out


def channel_counts(place_code: str, periods: list[Period]) -> dict[Period, dict[str, int]]:
    grain, period_q, owners = _period_filter(place_code, periods)
    totals: Iterable[dict[str, Any]]
    if len(place_code) == VILLAGE_CODE_LENGTH:
        totals = [
            {"period_key": row["k_period"], "channel": row["channel"], "n": row["reported"]}
            for row in village_channels(place_code, min(owners), max(owners))
        ]
    else:
        rows = ChannelSummary.objects.filter(period_q, grain=grain)
        if place_code:
            rows = rows.filter(under("place_code", place_code))
        totals = rows.values("period_key", "channel").annotate(n=Sum("reported")).order_by()
    out: dict[Period, dict[str, int]] = {period: {} for period in periods}
    for row in totals:
        for period in owners.get(row["period_key"], []):
            out[period][row["channel"]] = out[period].get(row["channel"], 0) + int(row["n"] or 0)
    return out


def overdue_counts(place_code: str, period: Period, now: datetime.datetime) -> dict[int, int]:
    """Open records of the period past a deadline at ``now``, by category: the place's
    communes' ``OpenDeadline`` rows with an overdue instant before ``now``, which select
    exactly the records of the product's one rule (``deadlines.overdue_q``), so that the
    figure, its link and the overdue page agree. A province reads its own open records'
    rows, never the country's."""
    if len(place_code) == VILLAGE_CODE_LENGTH:
        # Below the commune grain: the village's own few records, from the register.
        return _village_overdue(place_code, period, now)
    rows = OpenDeadline.objects.filter(
        period_month__gte=period.first_month, period_month__lte=period.last_month, due_at__lt=now
    )
    if place_code:
        rows = rows.filter(under("place_code", place_code))
    return {row["category_id"]: row["n"] for row in rows.values("category_id").annotate(n=Sum("n")).order_by()}


def _village_overdue(village_code: str, period: Period, now: datetime.datetime) -> dict[int, int]:
    from safevillage.incidents.models import Incident

    records = Incident.objects.overdue(now).filter(
        place_code=village_code, period_month__gte=period.first_month, period_month__lte=period.last_month
    )
    return {row["category_id"]: row["n"] for row in records.values("category_id").annotate(n=Count("id")).order_by()}


@dataclass(frozen=True)
class Population:
    value: int
    year: str
    source: str  # a PopulationSource value, or "mixed"


def population_of(place_code: str) -> Population | None:
    """The residents of a place with the source and year of the figure: the place's own, or
    else the sum of its direct children's when every child has one (the whole country: the
    provinces)."""
    if place_code:
        own = Place.objects.filter(code=place_code).values("population", "population_year", "population_source").first()
        if own and own["population"] is not None:
            return Population(own["population"], str(own["population_year"]), own["population_source"])
        children = Place.objects.current().filter(parent__code=place_code)
    else:
        children = Place.objects.current().filter(level=Level.PROVINCE)
    rows = list(children.values_list("population", "population_year", "population_source"))
    if not rows or any(population is None for population, _, _ in rows):
        return None
    years = sorted({year for _, year, _ in rows if year is not None})
    sources = {source for _, _, source in rows}
    year = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return Population(
        sum(p for p, _, _ in rows if p is not None), year, sources.pop() if len(sources) == 1 else "mixed"
    )
