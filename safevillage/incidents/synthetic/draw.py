"""Drawing the records: month by month, in time order, from one seeded stream, as rows
ready for the database (timestamps already in the text each database reads).

This is the generator's hottest code, so every law is prepared once as a table read with a
few random bits: a weighted choice or a duration is ``table[bits]`` (BITS of a draw that
serves several laws), where a uniform draw with a bisect or a logarithm would cost several
calls; a village is the slot of a table that names it, or a bisect when the slot straddles
two villages. Records are drawn to the minute, and the cyclic garbage collector is paused
while a month is drawn."""

from __future__ import annotations

import bisect
import datetime
import functools
import gc
import itertools
import math
import operator
import random
import statistics
import zoneinfo
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.utils.translation import gettext as _

from safevillage.incidents.models import Incident
from safevillage.incidents.synthetic.calibration import (
    ACKNOWLEDGE_HOURS,
    ACTION_SHARE,
    ARREST_CLEARANCE,
    CATEGORY_MIX,
    CHANNELS,
    CLOSE_MEDIAN_DAYS,
    CLOSE_SIGMA,
    DAY,
    DESCRIPTION_PREFIX,
    EXCEPTIONAL_REASONS,
    EXTRA_ARRESTS,
    FLAT,
    GROUP_PER_YEAR,
    HOUR,
    HOURS,
    NEVER_CLOSED,
    NEW_YEAR_SHARE,
    NOTES,
    OUTCOME_OVERRIDES,
    OUTCOMES,
    RECLOSED,
    REOPENED,
    REOPENING_DAYS,
    REPORT_DELAY_HOURS,
    SEASON,
    SITUATIONS,
    TRAFFIC_DEATHS,
    TRAFFIC_INJURIES,
    WITHDRAWAL_DAYS,
    WITHDRAWAL_REASONS,
    WITHDRAWN,
    group_weight,
)
from safevillage.incidents.synthetic.inputs import CategoryInfo, Village
from safevillage.incidents.synthetic.plan import Plan, SyntheticError

T = TypeVar("T", bound=Hashable)

# Tables of 2**BITS entries: weights are kept to within 1/16,384, and a duration takes one of
# 16,384 quantiles of its law (minutes apart around the median).
BITS = 14
SIZE = 1 << BITS
# Times are minutes: the strings of a day's 1,440 minutes stay in the processor's cache,
# those of its 86,400 seconds do not.
MINUTE = 60
DAY_MINUTES = DAY // MINUTE
HOUR_MINUTES = HOUR // MINUTE
# Villages and times of the month are drawn with 30 random bits each.
VILLAGE_BITS = 30


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _table(weights: dict[T, float]) -> list[T]:
    """Each value repeated in proportion to its weight over SIZE entries (largest remainder),
    so that ``table[rng.getrandbits(BITS)]`` is a weighted choice."""
    items = [(k, w) for k, w in weights.items() if w > 0]
    total = sum(w for _k, w in items)
    exact = [w * SIZE / total for _k, w in items]
    counts = [int(x) for x in exact]
    for i in sorted(range(len(items)), key=lambda i: counts[i] - exact[i])[: SIZE - sum(counts)]:
        counts[i] += 1
    return [k for (k, _w), count in zip(items, counts, strict=True) for _ in range(count)]


@functools.cache
def _unit_exponential() -> list[float]:
    """The SIZE quantiles (at the middle of each slice) of an exponential of mean 1."""
    return [-math.log(1.0 - (i + 0.5) / SIZE) for i in range(SIZE)]


@functools.cache
def _unit_lognormal() -> list[float]:
    """The SIZE quantiles of a log-normal of median 1 and the closure's sigma."""
    normal = statistics.NormalDist()
    return [math.exp(CLOSE_SIGMA * normal.inv_cdf((i + 0.5) / SIZE)) for i in range(SIZE)]


def _poisson_cdf(mean: float) -> list[float]:
    """P(X <= k) for k = 0, 1, ..., until the rest is negligible: ``bisect(cdf, u)`` draws X."""
    cdf, p, k = [], math.exp(-mean), 0
    total = p
    while total < 1.0 - 1e-12 and k < 100:
        cdf.append(total)
        k += 1
        p *= mean / k
        total += p
    cdf.append(total)
    return cdf


@dataclass
class VillagePick:
    """A village in proportion to its weight: exactly ``values[bisect(cumulative, b * scale)]``
    for ``b`` of VILLAGE_BITS random bits, but read from the slot of ``b``'s top bits when
    the slot lies within one village (nine slots in ten for the national gazetteer)."""

    slots: list[Any]
    shift: int
    scale: float
    cumulative: list[float]
    values: list[Any]

    @classmethod
    def of(cls, weights: Sequence[float], values: list[Any]) -> VillagePick:
        cumulative = _cumulative(weights)
        slot_bits = min(VILLAGE_BITS, max(8, (8 * len(cumulative)).bit_length()))
        shift = VILLAGE_BITS - slot_bits
        scale = cumulative[-1] / (1 << VILLAGE_BITS)
        # The weight at each slot's first b, then at the very last b.
        edges = list(map(operator.mul, range(0, 1 << VILLAGE_BITS, 1 << shift), itertools.repeat(scale)))
        edges.append(((1 << VILLAGE_BITS) - 1) * scale)
        # The village of a slot's first b is the number of villages whose upper weight is at or
        # below it; a slot where that number moves on by the next edge straddles villages.
        bounds = list(map(bisect.bisect_left, itertools.repeat(edges), cumulative))
        moves = [0] * len(edges)
        for bound in bounds:
            if bound < len(edges):
                moves[bound] += 1
        slots: list[Any] = list(map(values.__getitem__, itertools.accumulate(moves[:-1])))
        for bound in bounds:
            if 0 < bound < len(edges):
                slots[bound - 1] = None
        return cls(slots, shift, scale, cumulative, values)


@dataclass
class Formatter:
    """The text the database reads for an aware datetime, as the string of its day plus the
    string of its minute: Django's SQLite form ("2026-04-14 03:05:00", naive UTC), or a
    timestamptz literal for COPY. Built once: formatting is the generator's hottest path."""

    first_day: int
    suffix: str
    days: list[str] = field(default_factory=list)
    minutes: list[str] = field(default_factory=list)
    # YYYYMM of each day, by the same index: the local month of a UTC minute t (from the first
    # day) is months[(t + local offset) // DAY_MINUTES].
    months: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.minutes = [f"{m // 60:02d}:{m % 60:02d}:00{self.suffix}" for m in range(DAY_MINUTES)]

    def extend(self, last_day: int) -> None:
        start = self.first_day + len(self.days)
        for day in range(start, last_day + 1):
            date = datetime.datetime.fromtimestamp(day * DAY, datetime.UTC)
            self.days.append(date.strftime("%Y-%m-%d "))
            self.months.append(date.year * 100 + date.month)


# The columns written; the rest keep their default (NULL, or the db_default of a later field).
VARIABLE_COLUMNS = [
    "reference",
    "channel",
    "category_id",
    "village_id",
    "place_code",
    "occurred_at",
    "period_month",
    "reported_at",
    "description",
    "status",
    "outcome",
    "clearance",
    "exceptional_reason",
    "outcome_note",
    "arrests",
    "version",
    "acknowledge_due_at",
    "action_due_at",
    "close_due_at",
    "acknowledged_at",
    "first_action_at",
    "closed_at",
    "closed_month",
    "reopened_count",
    "withdrawn_reason",
    "created_at",
    "updated_at",
]
CONSTANT_COLUMNS = {"submission_hash": "", "complainant_name": "", "complainant_phone": ""}
CASUALTY_COLUMNS = ["deaths", "injuries"]


def casualty_columns() -> list[str]:
    """Deaths and injuries are written when the register has those columns."""
    names = {f.name for f in Incident._meta.concrete_fields}
    return [name for name in CASUALTY_COLUMNS if name in names]


@dataclass(slots=True)
class Pending:
    """A record drawn but not yet numbered: its row, and the key of its reference counter."""

    reported: int
    district: str
    year: int
    row: list[Any]


_REPORTED = operator.attrgetter("reported")
_FIRST = operator.itemgetter(0)


class Generator:
    """Draws the records month by month, in time order, from one seeded stream."""

    def __init__(
        self,
        plan: Plan,
        categories: list[CategoryInfo],
        villages: list[Village],
        rng: random.Random,
        as_of: datetime.datetime,
        formatter: Formatter,
        casualties: list[str],
    ) -> None:
        self.plan, self.categories, self.villages, self.rng = plan, categories, villages, rng
        self.as_of = int(as_of.timestamp())
        self.fmt = formatter
        self.casualties = bool(casualties)
        self.zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        # A multiplier per province, and per province and kind of case.
        provinces = sorted({v.province for v in villages})
        overall = {p: rng.lognormvariate(0.0, 0.25) for p in provinces}
        by_group = {(p, g): overall[p] * rng.lognormvariate(0.0, 0.35) for g in GROUP_PER_YEAR for p in provinces}
        places = [(v.id, v.code, v.code[:4]) for v in villages]
        self.village_pick = {
            g: VillagePick.of([v.weight * by_group[(v.province, g)] for v in villages], places) for g in GROUP_PER_YEAR
        }
        # Minutes of the day: each hour as often as its weight, every minute alike.
        self.clock = {
            g: [h * HOUR_MINUTES + m for h, weight in enumerate(w) for _ in range(weight) for m in range(HOUR_MINUTES)]
            for g, w in HOURS.items()
        }
        # Durations in minutes: exponential, and closures log-normal around the median.
        exponential, lognormal = _unit_exponential(), _unit_lognormal()
        self.report_delays = {
            g: [int(hours * HOUR_MINUTES * e) for e in exponential] for g, hours in REPORT_DELAY_HOURS.items()
        }
        self.acknowledge_delays = [int(ACKNOWLEDGE_HOURS * HOUR_MINUTES * e) for e in exponential]
        self.action_delays = {
            d: [int(max(d, 1) * ACTION_SHARE * DAY_MINUTES * e) for e in exponential]
            for d in {c.days[1] for c in categories}
        }
        self.close_delays = {
            g: [int(days * DAY_MINUTES * x) for x in lognormal] for g, days in CLOSE_MEDIAN_DAYS.items()
        }
        self.arrests = {g: _poisson_cdf(mean) for g, mean in EXTRA_ARRESTS.items()}
        self.deaths, self.injuries = _poisson_cdf(TRAFFIC_DEATHS), _poisson_cdf(TRAFFIC_INJURIES)
        self.channels = {}
        self.outcomes = {}
        for c in categories:
            channels = dict(CHANNELS[c.group])
            if c.sensitive:
                channels.pop("public_web", None)  # sensitive matters are not taken on the public site
            self.channels[c.code] = _table(channels)
            outcomes = dict(OUTCOME_OVERRIDES.get(c.code, OUTCOMES[c.group]))
            if not c.mediation:
                outcomes.pop("mediated", None)
            self.outcomes[c.code] = _table(self._closings(outcomes, ARREST_CLEARANCE.get(c.group, 0.0)))
        self.descriptions = {
            c.code: _table({f"{DESCRIPTION_PREFIX}: {s}.": 1.0 for s in SITUATIONS.get(c.code, ("generated case",))})
            for c in categories
        }
        # The strings of each minute of the day, and of the days shifted by a deadline's days
        # (built on first use).
        self.minutes = formatter.minutes
        self.due: dict[int, list[str]] = {}
        # Minutes from UTC to the reporting time zone, for closed_month. Asia/Phnom_Penh has
        # kept UTC+7 all year since 1979; a test compares every closed_month with closed_at.
        utc_offset = self.zone.utcoffset(as_of)
        self.local_offset = int(utc_offset.total_seconds()) // MINUTE if utc_offset else 0

    @staticmethod
    def _closings(outcomes: dict[str, float], by_arrest: float) -> dict[tuple[str, str, str, str], float]:
        """(outcome, clearance, exceptional reason, note) of a closure, with its weight: solved
        crimes are cleared by arrest, or else by exceptional means for one of the reasons."""
        reasons = sum(EXCEPTIONAL_REASONS.values())
        closings: dict[tuple[str, str, str, str], float] = {}
        for outcome, weight in outcomes.items():
            note = NOTES.get(outcome, "")
            if outcome == "solved":
                closings[(outcome, "arrest", "", note)] = weight * by_arrest
                for reason, share in EXCEPTIONAL_REASONS.items():
                    closings[(outcome, "exceptional", reason, note)] = weight * (1.0 - by_arrest) * share / reasons
            else:
                closings[(outcome, "", "", note)] = weight
        return closings

    def _due(self, days: int) -> list[str]:
        shifted = self.due.get(days)
        if shifted is None:
            shifted = self.due[days] = self.fmt.days[days:]
        return shifted

    # -- volumes ------------------------------------------------------------------------

    def months(self) -> list[tuple[int, int, int, int]]:
        """(year, month, start, end) in epoch seconds for each month up to ``as_of``."""
        out = []
        for year in range(self.plan.first_year, self.plan.end_year + 1):
            for month in range(1, 13):
                start = int(datetime.datetime(year, month, 1, tzinfo=self.zone).timestamp())
                nxt = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=self.zone)
                end = min(int(nxt.timestamp()), self.as_of)
                if end > start:
                    out.append((year, month, start, end))
        return out

    def allocation(self) -> list[tuple[tuple[int, int, int, int], CategoryInfo, int]]:
        """How many records each (month, category) gets: expected volumes with a little noise
        per cell, scaled to the total asked and rounded by largest remainder (exact total)."""
        months = self.months()
        if not months:
            raise SyntheticError(_("The years asked for lie in the future."))
        codes = [c.code for c in self.categories]
        group_total = {g: sum(CATEGORY_MIX[c][1] for c in codes if CATEGORY_MIX[c][0] == g) for g in GROUP_PER_YEAR}
        cells = []
        for month in months:
            year, m, start, end = month
            for c in self.categories:
                group, share = CATEGORY_MIX[c.code]
                volume = group_weight(group, year, self.plan.end_year) * share / group_total[group]
                volume *= SEASON.get(c.code, FLAT)[m - 1] * (end - start) / (365.25 * DAY)
                cells.append((month, c, volume * self.rng.lognormvariate(0.0, 0.08)))
        total = sum(v for _m, _c, v in cells)
        exact = [v * self.plan.incidents / total for _m, _c, v in cells]
        counts = [int(x) for x in exact]
        short = self.plan.incidents - sum(counts)
        for i in sorted(range(len(cells)), key=lambda i: counts[i] - exact[i])[:short]:
            counts[i] += 1
        return [(m, c, n) for (m, c, _v), n in zip(cells, counts, strict=True) if n]

    # -- records ------------------------------------------------------------------------

    def records(self) -> Iterator[list[Pending]]:
        """The records of each month, sorted by report time."""
        by_month: dict[tuple[int, int, int, int], list[tuple[CategoryInfo, int]]] = {}
        for month, category, n in self.allocation():
            by_month.setdefault(month, []).append((category, n))
        for month, cells in by_month.items():
            # A month's records are lists and objects without cycles that all live on until
            # written: the cyclic collector would only walk them again and again (a fifth of
            # the drawing time). It is back on before the month is handed over.
            collecting = gc.isenabled()
            gc.disable()
            try:
                batch: list[Pending] = []
                for category, n in cells:
                    batch += self._draw(month, category, n)
                batch.sort(key=_REPORTED)  # merges the categories' runs, each already in order
            finally:
                if collecting:
                    gc.enable()
            yield batch

    def _days(self, month: tuple[int, int, int, int], c: CategoryInfo) -> list[int]:
        """The offsets (minutes) of the days a record of ``c`` occurs on in ``month``, each as
        often as it is likely: a share of April's road accidents fall on Khmer New Year."""
        _year, m, start, end = month
        days_in_month = max(1, (end - start) // DAY)
        if c.code != "traffic_accident" or m != 4:
            return [d * DAY_MINUTES for d in range(days_in_month)]
        new_year = [d for d in range(12, 16) if d < days_in_month]
        share = NEW_YEAR_SHARE if new_year else 0.0
        weights = {d * DAY_MINUTES: (1.0 - share) / days_in_month for d in range(days_in_month)}
        for d in new_year:
            weights[d * DAY_MINUTES] += share / len(new_year)
        return _table(weights)

    def _draw(self, month: tuple[int, int, int, int], c: CategoryInfo, n: int) -> list[Pending]:
        """``n`` records of category ``c`` in ``month``, read from the tables prepared once.
        Times are minutes from the first formatted day, so that a time's text is
        ``days[t // DAY_MINUTES] + minutes[t % DAY_MINUTES]``. The records closed by ``as_of``
        in the ordinary way (most) and those still open are drawn inline; the few withdrawn or
        reopened, by ``_Life.settle``."""
        year, m, start, end = month
        bits = self.rng.getrandbits
        rand = self.rng.random
        search = bisect.bisect
        pending = Pending
        days, minutes = self.fmt.days, self.minutes
        local_months, local_offset = self.fmt.months, self.local_offset
        per_day = DAY_MINUTES
        base = self.fmt.first_day * DAY
        start, end, as_of = (start - base) // MINUTE, (end - base) // MINUTE, (self.as_of - base) // MINUTE
        group = c.group
        pick = self.village_pick[group]
        slots, cumulative, places, scale = pick.slots, pick.cumulative, pick.values, pick.scale
        slot_shift = VILLAGE_BITS + pick.shift
        when_mask = (1 << VILLAGE_BITS) - 1
        day_starts = [start + offset for offset in self._days(month, c)]
        clock = self.clock[group]
        clock_span = len(clock)
        span = len(day_starts) * clock_span
        reports = self.report_delays[group]
        acknowledges = self.acknowledge_delays
        actions = self.action_delays[c.days[1]]
        closes_after = self.close_delays[group]
        channels = self.channels[c.code]
        outcomes = self.outcomes[c.code]
        descriptions = self.descriptions[c.code]
        acknowledge_due, action_due, close_due = (self._due(d) for d in c.days)
        arrest_cdf = self.arrests.get(group, [1.0])
        deaths, injuries = self.deaths, self.injuries
        category_id = c.id
        period_month = year * 100 + m
        # A record of December reported in January takes a number of the new year.
        next_year = (int(datetime.datetime(year + 1, 1, 1, tzinfo=self.zone).timestamp()) - base) // MINUTE
        # Deaths and injuries: drawn for road accidents, one death per homicide. Rows are built
        # with both (one list of the right size) and cut short when the register lacks them.
        traffic = c.code == "traffic_accident"
        dead, injured = (1, 0) if c.code == "homicide" else (0, 0)
        cut = None if self.casualties else len(VARIABLE_COLUMNS)
        life = _Life(
            self.rng,
            as_of,
            round(NEVER_CLOSED[group] * SIZE),
            group in ("crime", "drug"),
            closes_after,
            outcomes,
            arrest_cdf,
            days,
            minutes,
            local_months,
            local_offset,
        )
        settle = life.settle
        never_closed, rare_below, is_crime = life.never_closed, life.rare_below, life.is_crime
        # Random bits are drawn for several laws at once and cut into fields of BITS.
        mask, second, third, fourth, four = SIZE - 1, BITS, 2 * BITS, 3 * BITS, 4 * BITS
        width, where_and_when, seconds = VILLAGE_BITS, 2 * VILLAGE_BITS, MINUTE
        out: list[Pending] = []
        append = out.append
        acknowledged_text: str | None
        acted_text: str | None
        closed_text: str | None
        closed_month: int | None
        # First where, when and when reported; then the rest in order of report time, so that
        # the records lie in memory in the order they are handed over and freed (in the order
        # drawn, writing and freeing them would jump all over memory).
        drawn: list[tuple[int, int, tuple[int, str, str], int]] = []
        add = drawn.append
        for _record in itertools.repeat(None, n):
            # A village, a day of the month and a minute of the day, from one draw.
            b = bits(where_and_when)
            place = slots[b >> slot_shift]
            if place is None:
                place = places[search(cumulative, (b >> width) * scale)]
            k = (b & when_mask) * span >> width
            occurred = day_starts[k // clock_span] + clock[k % clock_span]
            if occurred >= end:
                occurred = end - 1
            # The record's life: report, then acknowledgement, first action and closure.
            b = bits(four)
            reported = occurred + reports[b & mask]
            if reported > as_of:
                reported = as_of
            add((reported, occurred, place, b))
        drawn.sort(key=_FIRST)
        for reported, occurred, place, b in drawn:
            village_id, code, district = place
            acknowledged = reported + acknowledges[b >> second & mask]
            acted = acknowledged + actions[b >> third & mask]
            closes = reported + closes_after[b >> fourth]
            # Reported time and the three deadlines share their time of day.
            day = reported // per_day
            time_of_day = minutes[reported % per_day]
            reported_text = days[day] + time_of_day
            # Its fate, outcome, channel and description.
            b = bits(four)
            fate = b >> fourth
            if fate >= rare_below and closes <= as_of:
                # Most: closed by ``as_of``, after acknowledgement and first action.
                if acted > closes:
                    acted = closes
                if acknowledged > acted:
                    acknowledged = acted
                status, version, reopened, withdrawn_reason = "closed", 4, 0, ""
                outcome, clearance, reason, note = outcomes[b >> third & mask]
                arrests = 1 + search(arrest_cdf, rand()) if clearance == "arrest" else 0
                acknowledged_text = days[acknowledged // per_day] + minutes[acknowledged % per_day]
                acted_text = days[acted // per_day] + minutes[acted % per_day]
                closed_text = updated_text = days[closes // per_day] + minutes[closes % per_day]
                closed_month = local_months[(closes + local_offset) // per_day]
            elif never_closed <= fate < rare_below:
                # Withdrawn or reopened.
                (
                    status,
                    outcome,
                    clearance,
                    reason,
                    note,
                    arrests,
                    version,
                    acknowledged_text,
                    acted_text,
                    closed_text,
                    closed_month,
                    reopened,
                    withdrawn_reason,
                    updated_text,
                ) = settle(fate, reported, acknowledged, acted, closes)
            else:
                # Never closed, or not yet: received, acknowledged, or (crimes) under
                # investigation by ``as_of``.
                outcome = clearance = reason = note = withdrawn_reason = ""
                arrests = reopened = 0
                closed_text = closed_month = None
                if acknowledged > as_of:
                    status, version, acknowledged_text, acted_text = "received", 1, None, None
                    updated_text = reported_text
                else:
                    acknowledged_text = days[acknowledged // per_day] + minutes[acknowledged % per_day]
                    if is_crime and acted <= as_of:
                        status, version = "investigating", 3
                        acted_text = updated_text = days[acted // per_day] + minutes[acted % per_day]
                    else:
                        status, version, acted_text = "acknowledged", 2, None
                        updated_text = acknowledged_text
            if traffic:
                dead, injured = search(deaths, rand()), search(injuries, rand())
            row = [
                "",  # reference: numbered when the chunk is written
                channels[b & mask],
                category_id,
                village_id,
                code,
                days[occurred // per_day] + minutes[occurred % per_day],
                period_month,
                reported_text,
                descriptions[b >> second & mask],
                status,
                outcome,
                clearance,
                reason,
                note,
                arrests,
                version,
                acknowledge_due[day] + time_of_day,
                action_due[day] + time_of_day,
                close_due[day] + time_of_day,
                acknowledged_text,
                acted_text,
                closed_text,
                closed_month,
                reopened,
                withdrawn_reason,
                reported_text,
                updated_text,
                dead,
                injured,
            ]
            if cut:
                del row[cut:]
            append(pending(base + reported * seconds, district, year if reported < next_year else year + 1, row))
        return out


@dataclass(slots=True)
class _Life:
    """The rare records of a cell, withdrawn or reopened, and what of their life has happened
    by ``as_of``. Times are minutes, as in ``Generator._draw``; ``fate`` is a draw of BITS:
    never closed below ``never_closed``, then withdrawn, then reopened below ``rare_below``."""

    rng: random.Random
    as_of: int
    never_closed: int
    is_crime: bool
    closes_after: list[int]
    outcomes: list[tuple[str, str, str, str]]
    arrest_cdf: list[float]
    days: list[str]
    minutes: list[str]
    local_months: list[int]
    local_offset: int
    withdrawn_below: int = 0
    rare_below: int = 0

    def __post_init__(self) -> None:
        self.withdrawn_below = self.never_closed + round(WITHDRAWN * SIZE)
        self.rare_below = self.withdrawn_below + round(REOPENED * SIZE)

    def text(self, t: int) -> str:
        return self.days[t // DAY_MINUTES] + self.minutes[t % DAY_MINUTES]

    def settle(
        self, fate: int, reported: int, acknowledged: int, acted: int, closes_at: int
    ) -> tuple[str, str, str, str, str, int, int, str | None, str | None, str | None, int | None, int, str, str]:
        """status, outcome, clearance, exceptional reason, note, arrests, version, the texts of
        acknowledgement, first action and closure, the local month of closure, reopenings,
        withdrawal reason, and the text of the last change."""
        rand, as_of = self.rng.random, self.as_of
        closes: int | None = closes_at
        if acted > closes_at:
            acted = closes_at
        if acknowledged > acted:
            acknowledged = acted
        status, outcome, clearance, reason, note = "received", "", "", "", ""
        arrests = reopened = 0
        withdrawn_reason = ""
        closed_at = None
        updated = reported
        version = 1
        if fate < self.withdrawn_below:
            withdrawn = reported - int(WITHDRAWAL_DAYS * DAY_MINUTES * math.log(1.0 - rand()))
            if withdrawn <= as_of:
                status, updated, version = "withdrawn", withdrawn, 2
                withdrawn_reason = WITHDRAWAL_REASONS[int(rand() * len(WITHDRAWAL_REASONS))]
                closes = None
                acknowledged = acted = as_of + 1
        elif closes_at <= as_of:
            # Closed, reopened by a supervisor, and perhaps closed again.
            reopened_at = closes_at - int(REOPENING_DAYS * DAY_MINUTES * math.log(1.0 - rand()))
            if reopened_at <= as_of:
                reopened = 1
                closes = reopened_at + self.closes_after[self.rng.getrandbits(BITS)] if rand() < RECLOSED else None
                version += 2
                updated = reopened_at
        if closes is not None and closes <= as_of:
            status = "closed"
            closed_at = updated = closes
            version += 3
            outcome, clearance, reason, note = self.outcomes[self.rng.getrandbits(BITS)]
            if clearance == "arrest":
                arrests = 1 + bisect.bisect(self.arrest_cdf, rand())
        elif status != "withdrawn":
            if reopened:
                status = "under_review"
            elif acted <= as_of and self.is_crime:
                status, updated, version = "investigating", acted, version + 2
            elif acknowledged <= as_of:
                status, updated, version = "acknowledged", acknowledged, version + 1
        shown = closed_at is not None or reopened or self.is_crime
        return (
            status,
            outcome,
            clearance,
            reason,
            note,
            arrests,
            version,
            self.text(acknowledged) if acknowledged <= updated and acknowledged <= as_of else None,
            self.text(acted) if acted <= updated and acted <= as_of and shown else None,
            self.text(closed_at) if closed_at is not None else None,
            self.local_months[(closed_at + self.local_offset) // DAY_MINUTES] if closed_at is not None else None,
            reopened,
            withdrawn_reason,
            self.text(updated),
        )
