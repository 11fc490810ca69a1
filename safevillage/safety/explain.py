"""A stored decision in plain words, in the active language, with the register links of its
evidence. Decisions store reason codes and figures, not sentences: the page and the API say
them in Khmer or English from the same data (``translation.override`` for both at once)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from safevillage.policy.models import Criterion
from safevillage.reports.trace import trace_url
from safevillage.safety.models import SafetyDecision, Verdict
from safevillage.safety.rules import Reason


def number(value: Any) -> str:
    """A stored decimal as people write it: 100.00 → 100, 5.60 → 5.6, 2.50 → 2.5."""
    if not isinstance(value, str):
        return str(value)
    try:
        return format(Decimal(value).normalize(), "f")
    except InvalidOperation:
        return value


def _sentence(reason: str, ev: dict[str, Any], allowed: str | None, limits: dict[str, Any], village: bool) -> str:
    values = {**ev, "allowed": number(allowed or ""), **{k: number(v) for k, v in limits.items()}}
    texts = {
        Reason.NO_REPORT: (
            _("The commune has not submitted its report for this period, so its figures are not confirmed.")
            if village
            else _("No report was submitted for this period, so the figures are not confirmed.")
        ),
        Reason.NO_POPULATION: _("The number of residents is not known, so the rate of offences cannot be checked."),
        Reason.NO_OFFENCES: _("No offences were recorded."),
        Reason.FEW_SUPPRESSED: _(
            "Offences recorded: %(reported)d, at most %(allowed)s allowed; solved: %(solved)d. "
            "Very few, all suppressed."
        ),
        Reason.TOO_MANY: _("Offences recorded: %(reported)d, more than the %(allowed)s allowed."),
        Reason.NOT_SUPPRESSED: _(
            "Solved: %(solved)d of %(reported)d; still open: %(open)d. "
            "At least %(min_solved_percent)s%% must be solved."
        ),
        Reason.NONE_RECORDED: _("No records of this point in the period."),
        Reason.HANDLED_IN_TIME: _("Records: %(reported)d; none left open past a deadline."),
        Reason.OVERDUE: _("Records still open past a deadline: %(overdue)d of %(reported)d."),
        Reason.TRAFFIC_WITHIN: _(
            "Traffic accidents: %(reported)d, at most %(allowed)s allowed; killed: %(deaths)d, injured: %(injuries)d."
        ),
        Reason.TRAFFIC_TOO_MANY: _("Traffic accidents: %(reported)d, more than the %(allowed)s allowed."),
        Reason.TRAFFIC_DEATHS: _(
            "People killed in traffic accidents: %(deaths)d; at most %(max_traffic_deaths)s allowed."
        ),
        Reason.FORUMS_HELD: _(
            "A public forum was held in each of the %(quarters)d quarter(s) of the period. Civil disputes "
            "recorded: %(reported)d; mediated: %(mediated)d."
        ),
        Reason.FORUMS_MISSED: _(
            "A public forum was held in %(forum_quarters)d of the %(quarters)d quarter(s) of the period: "
            "at least one a quarter is required. Civil disputes recorded: %(reported)d; mediated: %(mediated)d."
        ),
        Reason.FORUMS_NOT_RECORDED: _(
            "Public forums and out-of-court dispute resolution are not recorded yet, so this point "
            "cannot be judged and never counts as a pass. Civil disputes recorded: %(reported)d; "
            "mediated: %(mediated)d."
        ),
    }
    return texts[Reason(reason)] % values


def thresholds_text(thresholds: dict[str, Any]) -> str:
    return _(
        "Thresholds %(version)s, from %(valid_from)s: very few means at most %(max_offences_per_1000_year)s "
        "offences of a criterion per 1,000 residents a year; suppressed means at least %(min_solved_percent)s%% "
        "of them solved; traffic: at most %(max_traffic_accidents_per_1000_year)s accidents per 1,000 residents "
        "a year and %(max_traffic_deaths)s killed; records open past a deadline: at most %(max_overdue)s."
    ) % {k: number(v) for k, v in thresholds.items()}


def explanation(decision: SafetyDecision, item: dict[str, Any]) -> str:
    village = len(decision.place_code) == 8
    limits = decision.inputs["thresholds"]
    return " ".join(_sentence(r, item["evidence"], item["allowed"], limits, village) for r in item["reasons"])


def links(decision: SafetyDecision, item: dict[str, Any]) -> dict[str, str]:
    """The register lists of the criterion's records: all counted, solved, still open, overdue."""
    base = {"place": decision.place_code, "period": decision.period_id, **item["trace"]}
    return {
        "reported": trace_url({**base, "status": "counted"}),
        "solved": trace_url({**base, "status": "closed", "outcome": "solved"}),
        "open": trace_url({**base, "status": "open"}),
        "overdue": trace_url({**base, "overdue": "true"}),
    }


def criterion_names(decision: SafetyDecision) -> dict[int, Criterion]:
    """The framework's criteria by number: their names are policy data, not stored with each
    of thousands of decisions (a national run writes 1,661 of them)."""
    return {c.number: c for c in Criterion.objects.filter(framework_id=decision.framework_id)}


VERDICT_LABELS = dict(Verdict.choices)


def in_both_languages(decision: SafetyDecision) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Each criterion's explanation and the thresholds' text, in English and in Khmer."""
    out: list[dict[str, str]] = [{} for _item in decision.criteria]
    thresholds: dict[str, str] = {}
    for lang in ("en", "km"):
        with translation.override(lang):
            for i, item in enumerate(decision.criteria):
                out[i][lang] = explanation(decision, item)
            thresholds[lang] = thresholds_text(decision.inputs["thresholds"])
    return out, thresholds
