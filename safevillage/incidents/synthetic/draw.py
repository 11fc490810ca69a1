"""Drawing the records: month by month, in time order, from one seeded stream, as rows
ready for the database (timestamps already in the text each database reads)."""

from __future__ import annotations

import bisect
import datetime
import itertools
import math
import random
import zoneinfo
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from safevillage.incidents.models import Incident
from safevillage.incidents.synthetic.calibration import (
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
    REPORT_DELAY_HOURS,
    SEASON,
    SITUATIONS,
    TRAFFIC_DEATHS,
    TRAFFIC_INJURIES,
    WITHDRAWAL_REASONS,
    WITHDRAWN,
    group_weight,
)
from safevillage.incidents.synthetic.inputs import CategoryInfo, Village
from safevillage.incidents.synthetic.plan import Plan, SyntheticError


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for the small means used here.
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


@dataclass
class Lookup:
    """Weighted choices prepared once: ``pick(u)`` maps a uniform draw to a value."""

    values: list[Any]
    cumulative: list[float]

    @classmethod
    def of(cls, weights: dict[Any, float]) -> Lookup:
        items = [(k, w) for k, w in weights.items() if w > 0]
        return cls([k for k, _w in items], _cumulative([w for _k, w in items]))

    def pick(self, u: float) -> Any:
        return self.values[bisect.bisect(self.cumulative, u * self.cumulative[-1])]


@dataclass
class Formatter:
    """Epoch seconds (UTC) to the text the database reads for an aware datetime: Django's
    SQLite form ("2026-04-14 03:05:00", naive UTC), or a timestamptz literal for COPY.
    Strings per day and per second of the day, built once: formatting is the generator's
    hottest path."""

    first_day: int
    suffix: str
    days: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.times = [f"{s // HOUR:02d}:{s // 60 % 60:02d}:{s % 60:02d}{self.suffix}" for s in range(DAY)]

    def extend(self, last_day: int) -> None:
        start = self.first_day + len(self.days)
        for day in range(start, last_day + 1):
            self.days.append(datetime.datetime.fromtimestamp(day * DAY, datetime.UTC).strftime("%Y-%m-%d "))

    def __call__(self, ts: int) -> str:
        return self.days[ts // DAY - self.first_day] + self.times[ts % DAY]


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


@dataclass
class Pending:
    """A record drawn but not yet numbered: its row, and the key of its reference counter."""

    reported: int
    district: str
    year: int
    row: list[Any]


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
        self.village_pick = {
            g: _cumulative([v.weight * by_group[(v.province, g)] for v in villages]) for g in GROUP_PER_YEAR
        }
        self.hours = {g: Lookup.of(dict(enumerate(map(float, w)))) for g, w in HOURS.items()}
        self.channels = {}
        self.outcomes = {}
        for c in categories:
            channels = dict(CHANNELS[c.group])
            if c.sensitive:
                channels.pop("public_web", None)  # sensitive matters are not taken on the public site
            self.channels[c.code] = Lookup.of(channels)
            outcomes = dict(OUTCOME_OVERRIDES.get(c.code, OUTCOMES[c.group]))
            if not c.mediation:
                outcomes.pop("mediated", None)
            self.outcomes[c.code] = Lookup.of(outcomes)
        self.reasons = Lookup.of(EXCEPTIONAL_REASONS)
        self.descriptions = {
            c.code: [f"{DESCRIPTION_PREFIX}: {situation}." for situation in SITUATIONS.get(c.code, ("generated case",))]
            for c in categories
        }

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
            batch: list[Pending] = []
            for category, n in cells:
                batch.extend(self._draw(month, category, n))
            batch.sort(key=lambda p: p.reported)
            yield batch

    def _draw(self, month: tuple[int, int, int, int], c: CategoryInfo, n: int) -> list[Pending]:
        """``n`` records of category ``c`` in ``month``. The hottest code of the generator:
        draws are inlined and timestamps formatted from per-day and per-second tables."""
        year, m, start, end = month
        rng = self.rng
        rand = rng.random
        gauss = rng.gauss
        log, exp = math.log, math.exp
        days, times, first_day = self.fmt.days, self.fmt.times, self.fmt.first_day
        as_of = self.as_of
        group = c.group
        villages = self.villages
        chosen = rng.choices(range(len(villages)), cum_weights=self.village_pick[group], k=n)
        hours = self.hours[group]
        channels = self.channels[c.code]
        outcomes = self.outcomes[c.code]
        descriptions = self.descriptions[c.code]
        ack_days, action_days, close_days = c.days
        report_mean = REPORT_DELAY_HOURS[group] * HOUR
        ack_mean = 6 * HOUR
        action_mean = max(action_days, 1) * 0.3 * DAY
        close_mu = log(CLOSE_MEDIAN_DAYS[group] * DAY)
        never_closed = NEVER_CLOSED[group]
        arrest_clearance = ARREST_CLEARANCE.get(group, 0.0)
        extra_arrests = EXTRA_ARRESTS.get(group, 0.0)
        is_crime = group in ("crime", "drug")
        casualties = self.casualties
        traffic = c.code == "traffic_accident"
        homicide = c.code == "homicide"
        new_year = traffic and m == 4
        days_in_month = max(1, (end - start) // DAY)
        period_month = year * 100 + m
        # A record of December reported in January takes a number of the new year.
        next_year = int(datetime.datetime(year + 1, 1, 1, tzinfo=self.zone).timestamp())
        out = []
        for index in chosen:
            village = villages[index]
            # When: a day of the month (Khmer New Year for a share of April's accidents), an hour.
            day = 12 + int(rand() * 4) if new_year and rand() < NEW_YEAR_SHARE else int(rand() * days_in_month)
            occurred = start + day * DAY + hours.pick(rand()) * HOUR + int(rand() * 60) * 60
            if occurred >= end:
                occurred = end - 60
            # Exponential delays by inversion (-mean * log(1 - u)), to the minute.
            reported = min(occurred - int(report_mean * log(1.0 - rand())) // 60 * 60, as_of)
            # The record's life, then what of it has happened by ``as_of``.
            acknowledged = reported - int(ack_mean * log(1.0 - rand()))
            acted = acknowledged - int(action_mean * log(1.0 - rand()))
            closes = None if rand() < never_closed else reported + int(exp(close_mu + CLOSE_SIGMA * gauss()))
            if closes is not None and acted > closes:
                acted = closes
            if acknowledged > acted:
                acknowledged = acted
            status, outcome, clearance, reason, note = "received", "", "", "", ""
            arrests = reopened = 0
            withdrawn_reason = ""
            closed_at = None
            updated = reported
            version = 1
            u = rand()
            if u < WITHDRAWN:
                withdrawn = reported - int(2 * DAY * log(1.0 - rand()))
                if withdrawn <= as_of:
                    status, updated, version = "withdrawn", withdrawn, 2
                    withdrawn_reason = WITHDRAWAL_REASONS[int(rand() * len(WITHDRAWAL_REASONS))]
                    closes = None
                    acknowledged = acted = as_of + 1
            if closes is not None and u > 1.0 - REOPENED and closes <= as_of:
                # Closed, reopened by a supervisor, and perhaps closed again.
                reopened_at = closes - int(10 * DAY * log(1.0 - rand()))
                if reopened_at <= as_of:
                    reopened = 1
                    again = rand() < RECLOSED
                    closes = reopened_at + int(exp(close_mu + CLOSE_SIGMA * gauss())) if again else None
                    version += 2
                    updated = reopened_at
            if closes is not None and closes <= as_of:
                status = "closed"
                closed_at = updated = closes
                version += 3
                outcome = outcomes.pick(rand())
                if outcome == "solved":
                    if rand() < arrest_clearance:
                        clearance = "arrest"
                        arrests = 1 + _poisson(rng, extra_arrests)
                    else:
                        clearance = "exceptional"
                        reason = self.reasons.pick(rand())
                note = NOTES.get(outcome, "")
            elif status != "withdrawn":
                if reopened:
                    status = "under_review"
                elif acted <= as_of and is_crime:
                    status, updated, version = "investigating", acted, version + 2
                elif acknowledged <= as_of:
                    status, updated, version = "acknowledged", acknowledged, version + 1
            # Reported time and the three deadlines share their time of day.
            tod = times[reported % DAY]
            rday = reported // DAY - first_day
            reported_text = days[rday] + tod
            row = [
                "",  # reference: numbered when the chunk is written
                channels.pick(rand()),
                c.id,
                village.id,
                village.code,
                days[occurred // DAY - first_day] + times[occurred % DAY],
                period_month,
                reported_text,
                descriptions[int(rand() * len(descriptions))],
                status,
                outcome,
                clearance,
                reason,
                note,
                arrests,
                version,
                days[rday + ack_days] + tod,
                days[rday + action_days] + tod,
                days[rday + close_days] + tod,
                (
                    days[acknowledged // DAY - first_day] + times[acknowledged % DAY]
                    if acknowledged <= updated and acknowledged <= as_of
                    else None
                ),
                (
                    days[acted // DAY - first_day] + times[acted % DAY]
                    if acted <= updated and acted <= as_of and (is_crime or closed_at or reopened)
                    else None
                ),
                days[closed_at // DAY - first_day] + times[closed_at % DAY] if closed_at is not None else None,
                reopened,
                withdrawn_reason,
                reported_text,
                reported_text if updated == reported else days[updated // DAY - first_day] + times[updated % DAY],
            ]
            if casualties:
                if traffic:
                    row += [_poisson(rng, TRAFFIC_DEATHS), _poisson(rng, TRAFFIC_INJURIES)]
                elif homicide:
                    row += [1, 0]
                else:
                    row += [0, 0]
            out.append(Pending(reported, village.code[:4], year if reported < next_year else year + 1, row))
        return out
