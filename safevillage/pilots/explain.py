"""The evaluation in plain words, in the reader's language or in both (the API gives both):
what changed, whether chance can explain it, whether the trends matched before the start,
and the caveats that no arithmetic removes."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from safevillage.pilots.did import Estimate, Trend
from safevillage.pilots.evaluation import Outcome


def _what(outcome: Outcome) -> str:
    return {
        Outcome.OFFENCES: _("offences per 1,000 residents a year"),
        Outcome.SOLVED: _("the share of offences solved"),
        Outcome.COMPLAINTS: _("complaints per 1,000 residents a year"),
    }[outcome]


def _level(outcome: Outcome, value: float) -> str:
    return f"{value:.1f} %" if outcome == Outcome.SOLVED else f"{value:.2f}"


def _change(outcome: Outcome, value: float) -> str:
    if outcome == Outcome.SOLVED:
        return _("%(value)s points") % {"value": f"{value:+.1f}"}
    return f"{value:+.2f}"


def effect_text(outcome: Outcome, result: Estimate) -> str:
    effect = result.effect
    values = {
        "what": _what(outcome),
        "before": _level(outcome, result.pilot_before),
        "after": _level(outcome, result.pilot_after),
        "c_before": _level(outcome, result.comparison_before),
        "c_after": _level(outcome, result.comparison_after),
        "counterfactual": _level(outcome, result.counterfactual),
        "effect": _change(outcome, effect.estimate),
        "low": _change(outcome, effect.low),
        "high": _change(outcome, effect.high),
    }
    text = (
        _(
            "In the pilot places, %(what)s went from %(before)s to %(after)s; in the comparison places, from "
            "%(c_before)s to %(c_after)s. Had the pilot places changed as the comparison places did, they would "
            "be at %(counterfactual)s. The estimated effect of the pilot is %(effect)s (95 %% confidence interval "
            "%(low)s to %(high)s)."
        )
        % values
    )
    if result.relative is not None:
        text += " " + _("Relative to what was expected: %(relative)s %% (%(low)s %% to %(high)s %%).") % {
            "relative": f"{result.relative.estimate:+.0f}",
            "low": f"{result.relative.low:+.0f}",
            "high": f"{result.relative.high:+.0f}",
        }
    if effect.low <= 0 <= effect.high:
        text += " " + _("The interval includes zero: these figures cannot tell an effect of the pilot from chance.")
    elif effect.high < 0:
        text += " " + _(
            "The whole interval lies below zero: %(what)s fell more (or rose less) in the pilot places than in "
            "comparable places."
        ) % {"what": _what(outcome)}
    else:
        text += " " + _(
            "The whole interval lies above zero: %(what)s rose more (or fell less) in the pilot places than in "
            "comparable places."
        ) % {"what": _what(outcome)}
    return text


def trend_text(outcome: Outcome, result: Estimate) -> str:
    trend = result.pre_trend
    if trend.verdict == Trend.UNCHECKED or trend.slope_difference is None:
        return _(
            "There are too few quarters before the start (three are needed) or too few places to check that "
            "the trends matched: read the estimate with extra care."
        )
    values = {
        "slope": _change(outcome, trend.slope_difference.estimate),
        "low": _change(outcome, trend.slope_difference.low),
        "high": _change(outcome, trend.slope_difference.high),
    }
    if trend.verdict == Trend.DIFFERED:
        return (
            _(
                "Before the start, the pilot places were already moving apart from the comparison places "
                "(difference in trend %(slope)s a quarter, 95 %% interval %(low)s to %(high)s). The estimate mixes "
                "that drift with the pilot's effect: do not rely on it."
            )
            % values
        )
    return (
        _(
            "Before the start, the pilot and comparison places moved alike (difference in trend %(slope)s a quarter, "
            "95 %% interval %(low)s to %(high)s): nothing shows they were already drifting apart, though with few "
            "places a small drift can go unseen."
        )
        % values
    )


def caveats() -> list[str]:
    return [
        _(
            "Few places: with one or two pilot places, a chance event in one of them (a new post chief, a "
            "flood) can look like an effect of the pilot. The interval assumes that the pilot places vary as "
            "much as the comparison places."
        ),
        _(
            "Selection: the pilot places were chosen, not drawn by lot. If they were chosen for a willing "
            "team or after a bad year, they differ in ways the figures do not show; choosing comparison places "
            "by their rate before the start can also make a bad year look like an improvement (regression to "
            "the mean)."
        ),
        _(
            "Spillovers: offences may move to neighbouring communes, and neighbours may copy the pilot; either "
            "one distorts the comparison."
        ),
        _(
            "Reporting changes: a pilot can change what is recorded. More complaints or offences may mean more "
            "trust in the police rather than more crime; fewer may mean less recording. Look at the integrity "
            "checks of the pilot places."
        ),
        _(
            "Recent quarters: the offences of the last quarters have had less time to be solved; this weighs "
            "on pilot and comparison places alike."
        ),
    ]


def in_both_languages(outcome: Outcome, result: Estimate) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for language in ("en", "km"):
        with translation.override(language):
            out[language] = {"effect": effect_text(outcome, result), "trend": trend_text(outcome, result)}
    return out


def caveats_in_both_languages() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for language in ("en", "km"):
        with translation.override(language):
            out[language] = caveats()
    return out
