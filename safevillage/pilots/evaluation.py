"""What a pilot changed: its places against comparable places of the same province, before
and after the start, read from the summaries (commune x quarter), never from the register.

- The window: up to ``PRE_QUARTERS`` quarters before the quarter of the start (none before
  the first quarter with any figure in the province: the system was not in use), and the
  ended quarters from the start, up to ``POST_QUARTERS``. A start after the first day of
  its quarter makes that quarter a transition, left out of both sides.
- The comparison places: places of the pilot's level in the same province, neither a pilot
  place nor inside or around one (of any pilot), with a population; for each pilot place the
  ``COMPARISONS_PER_PLACE`` nearest by offence rate before the start.
- Three outcomes: offences (records of the crime categories) per 1,000 residents a year,
  the share of those offences solved (in %), and complaints (records of the complaint
  categories) per 1,000 residents a year. ``did.estimate`` does the arithmetic.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safevillage.core.periods import Period, PeriodKind, local_date
from safevillage.pilots import did
from safevillage.pilots.models import Pilot, PilotPlace
from safevillage.places.codes import under
from safevillage.places.models import Level, Place
from safevillage.policy.models import ClosureKind
from safevillage.reports.models import Basis, CaseSummary, CrimeSummary, Grain
from safevillage.reports.ranking import commune_populations
from safevillage.reports.trace import trace_url

PRE_QUARTERS = 8
POST_QUARTERS = 8
# Ten neighbours per pilot place: enough spread to measure chance with, few enough to stay
# comparable within one province (Prey Veng has 116 communes, 13 districts).
COMPARISONS_PER_PLACE = 10
QUARTERS_A_YEAR = 4


class Outcome(StrEnum):
    OFFENCES = "offences"
    SOLVED = "solved"
    COMPLAINTS = "complaints"


OUTCOME_LABELS: dict[Outcome, Promise] = {
    Outcome.OFFENCES: _("Offences per 1,000 residents a year"),
    Outcome.SOLVED: _("Share of offences solved (%)"),
    Outcome.COMPLAINTS: _("Complaints per 1,000 residents a year"),
}


class Status(StrEnum):
    READY = "ready"
    TOO_EARLY = "too_early"  # no quarter since the start has ended
    NO_HISTORY = "no_history"  # no quarter with figures before the start
    NO_POPULATION = "no_population"  # no pilot place has a population to divide by
    NO_COMPARISON = "no_comparison"  # fewer than two comparable places


STATUS_TEXT: dict[Status, Promise] = {
    Status.READY: _("Evaluated."),
    Status.TOO_EARLY: _("No quarter since the start has ended yet: there is nothing to compare."),
    Status.NO_HISTORY: _("There are no figures for the quarters before the start: there is nothing to compare."),
    Status.NO_POPULATION: _("No pilot place has a known population: rates cannot be computed."),
    Status.NO_COMPARISON: _("Fewer than two comparable places in the province: no comparison is possible."),
}


def quarter_key(period: Period) -> int:
    return period.year * 10 + period.index


@dataclass(frozen=True)
class Window:
    start: Period  # the quarter of the start date
    transition: Period | None  # left out: the pilot ran during part of it only
    pre: tuple[Period, ...]
    post: tuple[Period, ...]


def window(starts_on: datetime.date, today: datetime.date, earliest: Period | None) -> Window:
    start = Period.containing(starts_on, PeriodKind.QUARTER)
    transition = None if starts_on == start.start else start
    pre: list[Period] = []
    quarter = start
    for _i in range(PRE_QUARTERS):
        quarter = quarter.previous()
        if earliest is None or quarter < earliest:
            break
        pre.insert(0, quarter)
    post: list[Period] = []
    quarter = start if transition is None else start.next()
    while len(post) < POST_QUARTERS and quarter.has_ended(today):
        post.append(quarter)
        quarter = quarter.next()
    return Window(start, transition, tuple(pre), tuple(post))


@dataclass
class PlaceFigures:
    code: str
    name_km: str
    name_latin: str
    population: int | None
    is_pilot: bool
    crimes: dict[int, int] = field(default_factory=dict)  # quarter key -> records
    solved: dict[int, int] = field(default_factory=dict)
    complaints: dict[int, int] = field(default_factory=dict)
    distance: float | None = None  # comparison: offence-rate gap to its nearest pilot place, before

    def _rate(self, counts: dict[int, int], quarters: tuple[Period, ...]) -> float | None:
        if not self.population or not quarters:
            return None
        total = sum(counts.get(quarter_key(q), 0) for q in quarters)
        return total * 1000 * QUARTERS_A_YEAR / (self.population * len(quarters))

    def _share(self, quarters: tuple[Period, ...]) -> float | None:
        crimes = sum(self.crimes.get(quarter_key(q), 0) for q in quarters)
        if not crimes:
            return None
        return 100 * sum(self.solved.get(quarter_key(q), 0) for q in quarters) / crimes

    def value(self, outcome: Outcome, quarters: tuple[Period, ...]) -> float | None:
        if outcome == Outcome.OFFENCES:
            return self._rate(self.crimes, quarters)
        if outcome == Outcome.COMPLAINTS:
            return self._rate(self.complaints, quarters)
        return self._share(quarters)

    def total(self, counts: str, quarters: tuple[Period, ...]) -> int:
        stored: dict[int, int] = getattr(self, counts)
        return sum(stored.get(quarter_key(q), 0) for q in quarters)

    def links(self, quarter: Period) -> dict[str, str]:
        """The register lists of the records a quarter's figures count (complaints have none:
        the register is not filtered by how a category is closed)."""
        base = {"place": self.code, "period": quarter.id, "crime": "true"}
        return {
            "crimes": trace_url({**base, "status": "counted"}),
            "solved": trace_url({**base, "status": "closed", "outcome": "solved"}),
        }


@dataclass
class Evaluation:
    pilot: Pilot
    window: Window
    status: Status
    level: int
    pilots: list[PlaceFigures]
    comparisons: list[PlaceFigures]
    results: dict[Outcome, did.Estimate | None]
    # Pilot places left out of the comparison, for want of a population.
    left_out: list[str] = field(default_factory=list)

    @property
    def status_text(self) -> str:
        return str(STATUS_TEXT[self.status])


def _earliest(provinces: set[str]) -> Period | None:
    keys = [
        CrimeSummary.objects.filter(under("place_code", p), grain=Grain.QUARTER).order_by("period_key").first()
        for p in provinces
    ]
    found = [row.period_key for row in keys if row is not None]
    complaints = [
        CaseSummary.objects.filter(under("place_code", p), grain=Grain.QUARTER, basis=Basis.OCCURRED)
        .order_by("period_key")
        .values_list("period_key", flat=True)
        .first()
        for p in provinces
    ]
    found += [key for key in complaints if key is not None]
    if not found:
        return None
    key = min(found)
    return Period(key // 10, PeriodKind.QUARTER, key % 10)


def _units(provinces: set[str], level: int) -> dict[str, PlaceFigures]:
    """Every current place of ``level`` in the provinces, with the population rates divide by."""
    out: dict[str, PlaceFigures] = {}
    for province in sorted(provinces):
        communes = commune_populations(province)
        places = Place.objects.current().filter(under("code", province), level=level)
        for code, name_km, name_latin, own in places.values_list("code", "name_km", "name_latin", "population"):
            population = own
            if level == Level.COMMUNE:
                population = communes.get(code, own)
            elif population is None:
                # A district's population is its communes', when every one of them is known.
                inside = [n for c, n in communes.items() if c.startswith(code)]
                known = [n for n in inside if n is not None]
                population = sum(known) if inside and len(known) == len(inside) else None
            out[code] = PlaceFigures(code, name_km, name_latin, population, is_pilot=False)
    return out


def _read_counts(units: dict[str, PlaceFigures], provinces: set[str], first: int, last: int, length: int) -> None:
    for province in provinces:
        crimes = CrimeSummary.objects.filter(
            under("place_code", province), grain=Grain.QUARTER, period_key__gte=first, period_key__lte=last
        ).values_list("place_code", "period_key", "reported", "solved")
        for code, key, reported, solved in crimes:
            unit = units.get(code[:length])
            if unit is not None:
                unit.crimes[key] = unit.crimes.get(key, 0) + reported
                unit.solved[key] = unit.solved.get(key, 0) + solved
        complaints = (
            CaseSummary.objects.filter(
                under("place_code", province),
                basis=Basis.OCCURRED,
                grain=Grain.QUARTER,
                period_key__gte=first,
                period_key__lte=last,
                category__closure_kind=ClosureKind.COMPLAINT,
            )
            .values("place_code", "period_key")
            .annotate(n=Sum("reported"))
            .order_by()
            .values_list("place_code", "period_key", "n")
        )
        for code, key, n in complaints:
            unit = units.get(code[:length])
            if unit is not None:
                unit.complaints[key] = unit.complaints.get(key, 0) + int(n or 0)


def _is_pilot_area(code: str, pilot_codes: list[str]) -> bool:
    return any(code.startswith(p) or p.startswith(code) for p in pilot_codes)


def _nearest(pilots: list[PlaceFigures], candidates: list[PlaceFigures], pre: tuple[Period, ...]) -> list[PlaceFigures]:
    chosen: dict[str, PlaceFigures] = {}
    for pilot in pilots:
        target = pilot.value(Outcome.OFFENCES, pre)
        if target is None:
            continue
        ranked = []
        for candidate in candidates:
            rate = candidate.value(Outcome.OFFENCES, pre)
            if candidate.code[:2] == pilot.code[:2] and rate is not None:
                ranked.append((abs(rate - target), candidate.code, candidate))
        for distance, code, candidate in sorted(ranked, key=lambda row: (row[0], row[1]))[:COMPARISONS_PER_PLACE]:
            if code not in chosen or (chosen[code].distance or 0) > distance:
                candidate.distance = distance
                chosen[code] = candidate
    return [chosen[code] for code in sorted(chosen)]


def evaluate(pilot: Pilot, today: datetime.date | None = None) -> Evaluation:
    today = today or local_date(timezone.now())
    pilot_places = list(pilot.places.select_related("place"))
    level = pilot_places[0].place.level if pilot_places else Level.COMMUNE
    length = 2 * level
    provinces = {row.place_code[:2] for row in pilot_places}
    span = window(pilot.starts_on, today, _earliest(provinces))
    units = _units(provinces, level)
    pilot_codes = [row.place_code for row in pilot_places]
    all_pilot_codes = list(PilotPlace.objects.values_list("place_code", flat=True).distinct())
    quarters = span.pre + span.post
    if quarters:
        _read_counts(units, provinces, quarter_key(quarters[0]), quarter_key(quarters[-1]), length)
    treated = []
    for code in pilot_codes:
        unit = units.get(code) or PlaceFigures(code, "", "", None, True)
        unit.is_pilot = True
        treated.append(unit)
    usable = [unit for unit in treated if unit.population]
    candidates = [unit for code, unit in units.items() if not _is_pilot_area(code, all_pilot_codes) and unit.population]
    comparisons = _nearest(usable, candidates, span.pre) if span.pre else []
    status = Status.READY
    if not span.post:
        status = Status.TOO_EARLY
    elif not span.pre:
        status = Status.NO_HISTORY
    elif not usable:
        status = Status.NO_POPULATION
    elif len(comparisons) < 2:
        status = Status.NO_COMPARISON
    results: dict[Outcome, did.Estimate | None] = dict.fromkeys(Outcome)
    if status == Status.READY:
        for outcome in Outcome:
            results[outcome] = did.estimate(
                [_series(unit, outcome, span) for unit in usable],
                [_series(unit, outcome, span) for unit in comparisons],
            )
    return Evaluation(
        pilot=pilot,
        window=span,
        status=status,
        level=level,
        pilots=treated,
        comparisons=comparisons,
        results=results,
        left_out=[unit.code for unit in treated if not unit.population],
    )


def _series(unit: PlaceFigures, outcome: Outcome, span: Window) -> did.PlaceSeries:
    return did.PlaceSeries(
        unit.code,
        unit.value(outcome, span.pre),
        unit.value(outcome, span.post),
        tuple(unit.value(outcome, (q,)) for q in span.pre),
    )


def by_quarter(units: list[PlaceFigures], span: Window) -> dict[str, list[dict[str, object]]]:
    """Each place's records per quarter of the window, with the register links (the page's
    drill-down)."""
    out: dict[str, list[dict[str, object]]] = defaultdict(list)
    for unit in units:
        for quarter in span.pre + span.post:
            key = quarter_key(quarter)
            out[unit.code].append(
                {
                    "quarter": quarter,
                    "after": quarter in span.post,
                    "crimes": unit.crimes.get(key, 0),
                    "solved": unit.solved.get(key, 0),
                    "complaints": unit.complaints.get(key, 0),
                    "links": unit.links(quarter),
                }
            )
    return out
