"""Communes ranked by crimes per 10,000 residents, and by the share of those crimes solved,
for a period — read from the summaries, never from the register, so that a national ranking
costs the same at any size of register.

Crimes are records of the categories marked "is a crime" that occurred in the period
(withdrawn records excluded), as in the result report; "solved" is the report's own
indicator (offences of the period closed as solved by now). A commune's population is its
own figure, else the sum of its villages' when every village has one; a commune without a
population has no rate and is listed after the ranked ones, never ranked as zero. Ranks are
competition ranks (1, 2, 2, 4): communes with the same rate share a rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import Substr

from safevillage.core.periods import Period
from safevillage.places.codes import under
from safevillage.places.models import Level, Place
from safevillage.policy.models import Category
from safevillage.reports.figures import grain_for
from safevillage.reports.indicators import per_10000, ratio
from safevillage.reports.models import Basis, CaseSummary


@dataclass(frozen=True)
class CommuneRank:
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
    """Crimes and solved crimes of the period per commune code, in one query."""
    # A month reads the commune x month grain, any longer period commune x quarter (figures.grain_for).
    grain, first, last = grain_for(place_code, period)
    rows = CaseSummary.objects.filter(
        basis=Basis.OCCURRED,
        grain=grain,
        period_key__gte=first,
        period_key__lte=last,
        category__in=Category.objects.filter(is_crime=True),
    )
    if place_code:
        rows = rows.filter(under("place_code", place_code))
    # Both grains are by commune: the summary's place is the commune.
    totals = rows.values("place_code").annotate(crimes=Sum("reported"), solved=Sum("solved"))
    return {row["place_code"]: (int(row["crimes"] or 0), int(row["solved"] or 0)) for row in totals.order_by()}


def _populations(place_code: str, communes: dict[str, int | None]) -> dict[str, int | None]:
    """Each commune's own population, else its villages' total when every village has one."""
    missing = [code for code, population in communes.items() if population is None]
    if not missing:
        return communes
    villages = (
        Place.objects.current()
        .filter(under("code", place_code), level=Level.VILLAGE)
        .annotate(commune=Substr("code", 1, 6))
        .values("commune")
        .annotate(total=Sum("population"), villages=Count("id"), known=Count("population"))
        .order_by()
    )
    summed = {row["commune"]: row["total"] for row in villages if row["villages"] and row["known"] == row["villages"]}
    return {code: population if population is not None else summed.get(code) for code, population in communes.items()}


def _competition_ranks(values: dict[str, Decimal]) -> dict[str, int]:
    """Highest value first; equal values share a rank (1, 2, 2, 4)."""
    ordered = sorted(values.items(), key=lambda item: (-item[1], item[0]))
    ranks: dict[str, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (code, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[code] = rank
    return ranks


def commune_ranking(period: Period, place_code: str = "") -> list[CommuneRank]:
    """The current communes under ``place_code`` ("" for the whole country), highest crime
    rate first; communes without a population last, by code. The caller has checked that
    the reader may see ``place_code``'s reports."""
    places = (
        Place.objects.current()
        .filter(under("code", place_code), level=Level.COMMUNE)
        .order_by("code")
        .values_list("code", "name_km", "name_latin", "population")
    )
    names = {code: (name_km, name_latin) for code, name_km, name_latin, _population in places}
    populations = _populations(place_code, {code: population for code, _km, _latin, population in places})
    counts = _crime_counts(place_code, period)
    rates: dict[str, Decimal] = {}
    shares: dict[str, Decimal] = {}
    for code in names:
        crimes, solved = counts.get(code, (0, 0))
        rate = per_10000(crimes, populations[code])
        share = ratio(solved, crimes)
        if rate is not None:
            rates[code] = rate
        if share is not None:
            shares[code] = share
    rate_ranks = _competition_ranks(rates)
    solved_ranks = _competition_ranks(shares)
    ranking = [
        CommuneRank(
            code=code,
            name_km=name_km,
            name_latin=name_latin,
            population=populations[code],
            crimes=counts.get(code, (0, 0))[0],
            solved=counts.get(code, (0, 0))[1],
            rate=rates.get(code),
            solved_share=shares.get(code),
            rate_rank=rate_ranks.get(code),
            solved_rank=solved_ranks.get(code),
        )
        for code, (name_km, name_latin) in names.items()
    ]
    # Ranked communes by rank, then the unranked ones (no population) by code.
    return sorted(ranking, key=lambda row: (row.rate_rank is None, row.rate_rank or 0, row.code))
