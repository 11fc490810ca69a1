"""A commune's safety classification as the public may read it: the verdict of each
criterion and why, in words without the figures behind it. The stored explanation
(``safety/explain.py``) quotes exact counts ("Offences recorded: 3"), which the portal never
publishes below 5; the thresholds are policy, not counts, and are shown as they are."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from safevillage.safety import explain
from safevillage.safety.models import Overall, SafetyDecision
from safevillage.safety.rules import Reason

REASONS = {
    Reason.NO_REPORT: _(
        "The commune's report for the period has not been submitted, so its figures are not confirmed."
    ),
    Reason.NO_POPULATION: _("The number of residents is not known, so the rate of offences cannot be checked."),
    Reason.NO_OFFENCES: _("No offences were recorded."),
    Reason.FEW_SUPPRESSED: _("Very few offences, all solved."),
    Reason.TOO_MANY: _("More offences than the threshold allows."),
    Reason.NOT_SUPPRESSED: _("Not enough of the offences were solved."),
    Reason.NONE_RECORDED: _("No records of this point in the period."),
    Reason.HANDLED_IN_TIME: _("No record left open past a deadline."),
    Reason.OVERDUE: _("Some records were left open past a deadline."),
    Reason.TRAFFIC_WITHIN: _("Traffic accidents within the threshold."),
    Reason.TRAFFIC_TOO_MANY: _("More traffic accidents than the threshold allows."),
    Reason.TRAFFIC_DEATHS: _("More deaths in traffic accidents than the threshold allows."),
    Reason.FORUMS_HELD: _("A public forum was held in every quarter of the period."),
    Reason.FORUMS_MISSED: _("A public forum was not held in every quarter of the period."),
    Reason.FORUMS_NOT_RECORDED: _("Public forums were not recorded yet, so this point cannot be judged."),
}

OVERALL_LABELS = dict(Overall.choices)


@dataclass(frozen=True)
class Criterion:
    number: int
    name: str
    verdict: str
    verdict_label: str
    why: str


@dataclass(frozen=True)
class Classification:
    overall: str
    overall_label: str
    criteria: list[Criterion]
    thresholds: str


def classification(code: str, period_id: str, framework: str) -> Classification | None:
    """The commune's current decision for the period and framework, or None if none is stored."""
    decision = (
        SafetyDecision.objects.current()
        .filter(place_code=code, period_id=period_id, framework__code=framework)
        .select_related("framework")
        .first()
    )
    if decision is None:
        return None
    names = explain.criterion_names(decision)
    criteria = [
        Criterion(
            number=item["number"],
            name=names[item["number"]].name if item["number"] in names else "",
            verdict=item["verdict"],
            verdict_label=str(explain.VERDICT_LABELS[item["verdict"]]),
            why=" ".join(str(REASONS[Reason(r)]) for r in item["reasons"] if r in Reason.__members__.values()),
        )
        for item in decision.criteria
    ]
    return Classification(
        overall=decision.overall,
        overall_label=str(OVERALL_LABELS[decision.overall]),
        criteria=criteria,
        thresholds=explain.thresholds_text(decision.inputs["thresholds"]),
    )
