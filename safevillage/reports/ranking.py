"""Communes ranked by crimes per 10,000 residents, and by the share of those crimes solved,
for a period — read from the crime summary (one row per commune), never from the register,
so that a national ranking costs the same at any size of register.

Crimes are records of the categories marked "is a crime" that occurred in the period
(withdrawn records excluded), as in the result report; "solved" is the report's own
indicator (offences of the period closed as solved by now). A commune's population is its
own figure, else the sum of its villages' when every village has one; a commune without a
population has no rate and is listed after the ranked ones, never ranked as zero. Ranks are
competition ranks (1, 2, 2, 4): communes with the same rate share a rank.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Sum

from safevillage.core.periods import Period
from safevillage.places.codes import under
from safevillage.places.models import Level, Place
from safevillage.reports.figures import grain_for
from safevillage.reports.indicators import from_hundredths, hundredths
from safevillage.reports.models import CrimeSummary

# Sorts after every rank.
UNRANKED = 1 << 62


class CommuneRank(NamedTuple):
    code: str
    name_km: str
    name_latin: str
    population: int | None
    crimes: int
    solved: int
    # Crimes per 10,000 residents, and solved crimes as a percentage (None: no population, no crime).
    rate: Decimal | None
    solved_share: Decimal | None
    rate_rank: int | None
    solved_rank: int | None


def _crime_counts(place_code: str, period: Period) -> dict[str, tuple[int, int]]:
    """Crimes and solved crimes of the period per commune code, from the crime summary: one
    row per commune for a month or a quarter, added up for longer periods."""
    # A month reads the commune x month grain, any longer period commune x quarter (figures.grain_for).
    grain, first, last = grain_for(place_code, period)
    rows = CrimeSummary.objects.filter(grain=grain, period_key__gte=first, period_key__lte=last)
    if place_code:
        rows = rows.filter(under("place_code", place_code))
    if first == last:
        stored = rows.values_list("place_code", "reported", "solved")
    else:
        stored = (
            rows.values("place_code").annotate(r=Sum("reported"), s=Sum("solved")).values_list("place_code", "r", "s")
        )
    return {code: (crimes, solved) for code, crimes, solved in stored.order_by()}


def _populations(communes: dict[str, tuple[int, int | None]]) -> dict[str, int | None]:
    """Each commune's own population, else its villages' total when every village has one
    (``communes``: code -> (id, own population)). A village's parent is the commune of its
    code (the gazetteer importers load it so)."""
    missing = {place_id: code for code, (place_id, population) in communes.items() if population is None}
    summed: dict[str, int] = {}
    if missing:
        villages = (
            Place.objects.current()
            .filter(parent_id__in=list(missing))
            .values("parent_id")
            .annotate(total=Sum("population"), villages=Count("id"), known=Count("population"))
            .order_by()
        )
        summed = {missing[row["parent_id"]]: row["total"] for row in villages if row["known"] == row["villages"]}
    return {
        code: population if population is not None else summed.get(code) for code, (_id, population) in communes.items()
    }


def _competition_ranks(values: list[int | None]) -> list[int | None]:
    """Highest value first; equal values share a rank (1, 2, 2, 4); None stays unranked."""
    rank_of: dict[int, int] = {}
    for position, value in enumerate(sorted((v for v in values if v is not None), reverse=True), start=1):
        rank_of.setdefault(value, position)
    return [None if value is None else rank_of[value] for value in values]


def commune_populations(place_code: str = "") -> dict[str, int | None]:
    """The population the ranking divides by, for every current commune under ``place_code``."""
    places = Place.objects.current().filter(under("code", place_code), level=Level.COMMUNE)
    return _populations(
        {code: (place_id, own) for code, place_id, own in places.values_list("code", "id", "population")}
    )


def commune_ranking(period: Period, place_code: str = "") -> list[CommuneRank]:
    """The current communes under ``place_code`` ("" for the whole country), highest crime
    rate first; communes without a population last, by code. The caller has checked that
    the reader may see ``place_code``'s reports."""
    places = (
        Place.objects.current()
        .filter(under("code", place_code), level=Level.COMMUNE)
        .order_by("code")
        .values_list("code", "id", "name_km", "name_latin", "population")
    )
    communes = list(places)
    populations = _populations({code: (place_id, own) for code, place_id, _km, _latin, own in communes})
    counts = _crime_counts(place_code, period)
    # Rates and shares in whole hundredths (indicators.hundredths): exact, as the report's
    # Decimals, and ranked as integers, which is several times cheaper for 1,652 communes.
    rows: list[tuple[str, str, str, int | None, int, int]] = []
    rates: list[int | None] = []
    shares: list[int | None] = []
    for code, _id, name_km, name_latin, _own in communes:
        crimes, solved = counts.get(code, (0, 0))
        population = populations[code]
        rows.append((code, name_km, name_latin, population, crimes, solved))
        rates.append(hundredths(crimes * 10000, population) if population else None)
        shares.append(hundredths(solved * 100, crimes) if crimes else None)
    rate_ranks, solved_ranks = _competition_ranks(rates), _competition_ranks(shares)
    # In CommuneRank's field order.
    ranking = [
        CommuneRank(
            *row,
            None if rate is None else from_hundredths(rate),
            None if share is None else from_hundredths(share),
            rate_rank,
            solved_rank,
        )
        for row, rate, share, rate_rank, solved_rank in zip(rows, rates, shares, rate_ranks, solved_ranks, strict=True)
    ]
    # Ranked communes by rank, then the unranked ones (no population); the sort is stable,
    # so communes keep the order of their codes within a rank and among the unranked.
    return sorted(ranking, key=lambda row: UNRANKED if row.rate_rank is None else row.rate_rank)
