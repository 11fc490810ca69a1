"""The classification rule, as pure functions of the figures: the same figures and thresholds
always give the same decision (nothing here reads the database or the clock).

Each criterion (2010) or point (2021) is judged on its own evidence:

- offences (2010 criteria 1-5; 2021 points 2 and 4): no offences → pass; very few offences
  (at most the threshold per 1,000 residents a year, pro rata for the period) all suppressed
  (at least the threshold share solved) → pass; otherwise fail;
- service (2021 points 1, 6, 7: public-service complaints, hygiene complaints, disasters and
  epidemics): pass when no record of the point is still open past a deadline (the register's
  one overdue rule), fail otherwise;
- traffic (2021 point 3): accidents per 1,000 residents a year and deaths within thresholds;
- forums (2021 point 5, public forums and out-of-court dispute resolution): the place held a
  forum of its own in every quarter the period covers (for a month: within the 92 days to its
  end), as the guideline asks (III.B.4); the civil disputes of the register are shown as context.

A place without a submitted report for the period, or (for rates) without a known
population, has insufficient data, which is never shown as safe. The place is safe only when
every criterion passes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from safevillage.safety.models import Overall, Verdict


class Kind(StrEnum):
    OFFENCES = "offences"
    SERVICE = "service"
    TRAFFIC = "traffic"
    FORUMS = "forums"


# The 2021 points that are not crimes; every other criterion is judged on its offences.
KINDS_2021 = {1: Kind.SERVICE, 3: Kind.TRAFFIC, 5: Kind.FORUMS, 6: Kind.SERVICE, 7: Kind.SERVICE}


def kind_of(framework: str, number: int) -> Kind:
    if framework == "2021":
        return KINDS_2021.get(number, Kind.OFFENCES)
    return Kind.OFFENCES


class Reason(StrEnum):
    NO_REPORT = "no_report"
    NO_POPULATION = "no_population"
    NO_OFFENCES = "no_offences"
    FEW_SUPPRESSED = "few_suppressed"
    TOO_MANY = "too_many"
    NOT_SUPPRESSED = "not_suppressed"
    NONE_RECORDED = "none_recorded"
    HANDLED_IN_TIME = "handled_in_time"
    OVERDUE = "overdue"
    TRAFFIC_WITHIN = "traffic_within"
    TRAFFIC_TOO_MANY = "traffic_too_many"
    TRAFFIC_DEATHS = "traffic_deaths"
    FORUMS_NOT_RECORDED = "forums_not_recorded"  # decisions made before forums were recorded
    FORUMS_HELD = "forums_held"
    FORUMS_MISSED = "forums_missed"


@dataclass(frozen=True)
class Figures:
    """One criterion's records of the period at one place (withdrawn records excluded)."""

    reported: int = 0
    solved: int = 0
    open: int = 0
    mediated: int = 0
    overdue: int = 0
    deaths: int = 0
    injuries: int = 0
    # 2021 point 5: the quarters of the period with a forum at the place, of those it covers.
    forum_quarters: int = 0
    quarters: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(**{k: v + getattr(other, k) for k, v in vars(self).items()})


@dataclass(frozen=True)
class Thresholds:
    max_offences_per_1000_year: Decimal
    min_solved_percent: Decimal
    max_traffic_accidents_per_1000_year: Decimal
    max_traffic_deaths: int
    max_overdue: int


@dataclass(frozen=True)
class Judgement:
    number: int
    kind: Kind
    verdict: Verdict
    reasons: list[Reason]
    figures: Figures
    # The most records the thresholds allow in the period (offences or accidents), or None.
    allowed: Decimal | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "kind": self.kind.value,
            "verdict": self.verdict.value,
            "reasons": [r.value for r in self.reasons],
            # vars, not dataclasses.asdict: a national run builds thousands of these.
            "evidence": dict(vars(self.figures)),
            "allowed": None if self.allowed is None else str(self.allowed),
        }


TENTH = Decimal("0.1")


def allowed_in_period(per_1000_year: Decimal, population: int, months: int) -> Decimal:
    """The most records a rate per 1,000 residents a year allows over ``months``, to a tenth
    (shown beside the decision; the comparison itself is exact, ``within_rate``)."""
    return (per_1000_year * population * months / 12000).quantize(TENTH, rounding=ROUND_HALF_UP)


def within_rate(count: int, per_1000_year: Decimal, population: int, months: int) -> bool:
    # count / population * 1,000 * 12 / months <= rate, multiplied out: exact in Decimal.
    return Decimal(count) * 12000 <= per_1000_year * population * months


def judge(
    framework: str,
    number: int,
    figures: Figures,
    *,
    thresholds: Thresholds,
    population: int | None,
    months: int,
    report_submitted: bool,
) -> Judgement:
    kind = kind_of(framework, number)

    def verdict(v: Verdict, *reasons: Reason, allowed: Decimal | None = None) -> Judgement:
        return Judgement(number, kind, v, list(reasons), figures, allowed)

    missing = []
    if not report_submitted:
        missing.append(Reason.NO_REPORT)
    if population is None and kind in (Kind.OFFENCES, Kind.TRAFFIC):
        missing.append(Reason.NO_POPULATION)
    if missing:
        return verdict(Verdict.INSUFFICIENT, *missing)

    if kind == Kind.FORUMS:
        if figures.forum_quarters >= figures.quarters:
            return verdict(Verdict.PASS, Reason.FORUMS_HELD)
        return verdict(Verdict.FAIL, Reason.FORUMS_MISSED)

    if kind == Kind.SERVICE:
        if figures.reported == 0:
            return verdict(Verdict.PASS, Reason.NONE_RECORDED)
        if figures.overdue <= thresholds.max_overdue:
            return verdict(Verdict.PASS, Reason.HANDLED_IN_TIME)
        return verdict(Verdict.FAIL, Reason.OVERDUE)

    assert population is not None  # noqa: S101  # nosec B101 - checked above, for the type checker
    if kind == Kind.TRAFFIC:
        rate = thresholds.max_traffic_accidents_per_1000_year
        allowed = allowed_in_period(rate, population, months)
        failures = []
        if not within_rate(figures.reported, rate, population, months):
            failures.append(Reason.TRAFFIC_TOO_MANY)
        if figures.deaths > thresholds.max_traffic_deaths:
            failures.append(Reason.TRAFFIC_DEATHS)
        if failures:
            return verdict(Verdict.FAIL, *failures, allowed=allowed)
        if figures.reported == 0:
            return verdict(Verdict.PASS, Reason.NONE_RECORDED, allowed=allowed)
        return verdict(Verdict.PASS, Reason.TRAFFIC_WITHIN, allowed=allowed)

    rate = thresholds.max_offences_per_1000_year
    allowed = allowed_in_period(rate, population, months)
    if figures.reported == 0:
        return verdict(Verdict.PASS, Reason.NO_OFFENCES, allowed=allowed)
    failures = []
    if not within_rate(figures.reported, rate, population, months):
        failures.append(Reason.TOO_MANY)
    # solved ÷ reported ≥ the least share, multiplied out.
    if Decimal(figures.solved) * 100 < thresholds.min_solved_percent * figures.reported:
        failures.append(Reason.NOT_SUPPRESSED)
    if failures:
        return verdict(Verdict.FAIL, *failures, allowed=allowed)
    return verdict(Verdict.PASS, Reason.FEW_SUPPRESSED, allowed=allowed)


def overall(judgements: list[Judgement]) -> Overall:
    """Safe only when every criterion passes; one failure makes the place not safe; otherwise
    (some insufficient data) insufficient, never safe."""
    verdicts = {j.verdict for j in judgements}
    if Verdict.FAIL in verdicts:
        return Overall.NOT_SAFE
    if verdicts == {Verdict.PASS}:
        return Overall.SAFE
    return Overall.INSUFFICIENT
