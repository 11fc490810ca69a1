"""What a training changed, from the scores before and after: the mean gain, the relative
increase (the PCPI's "34 % increase"), the share of participants who improved, and a paired
t-test with the confidence interval of the mean gain; per question, the share answering as
hoped before and after. The same paired analysis compares the scores after with a later
retention test."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats  # type: ignore[import-untyped]


@dataclass(frozen=True)
class Paired:
    n: int
    mean_before: float
    mean_after: float
    mean_gain: float
    percent_increase: float | None  # of the mean, relative to the mean before
    share_improved: float  # of the participants, 0 to 1
    t: float | None  # None below two pairs, or when every gain is the same
    p_value: float | None  # two-sided
    ci_low: float | None
    ci_high: float | None
    confidence: float


def paired(before: Sequence[float], after: Sequence[float], confidence: float = 0.95) -> Paired:
    """The paired comparison of two lists of scores of the same people, in the same order."""
    if len(before) != len(after):
        raise ValueError("before and after must pair the same participants")
    n = len(before)
    if n == 0:
        raise ValueError("no participant has both scores")
    gains = [b - a for a, b in zip(before, after, strict=True)]
    mean_before, mean_after, mean_gain = statistics.fmean(before), statistics.fmean(after), statistics.fmean(gains)
    t = p = low = high = None
    if n >= 2:
        sd = statistics.stdev(gains)
        se = sd / math.sqrt(n)
        quantile = float(stats.t.ppf((1 + confidence) / 2, n - 1))
        low, high = mean_gain - quantile * se, mean_gain + quantile * se
        if se > 0:
            t = mean_gain / se
            p = float(2 * stats.t.sf(abs(t), n - 1))
    return Paired(
        n=n,
        mean_before=mean_before,
        mean_after=mean_after,
        mean_gain=mean_gain,
        percent_increase=100 * mean_gain / mean_before if mean_before else None,
        share_improved=sum(gain > 0 for gain in gains) / n,
        t=t,
        p_value=p,
        ci_low=low,
        ci_high=high,
        confidence=confidence,
    )


@dataclass(frozen=True)
class QuestionGain:
    question: int
    answered: int  # participants with both answers
    before: float  # share answering as hoped, 0 to 1
    after: float

    @property
    def gain(self) -> float:
        return self.after - self.before


def per_question(
    answers: Sequence[tuple[int, int, str, bool]], first: str = "pre", second: str = "post"
) -> list[QuestionGain]:
    """``answers``: (participant, question, phase, correct). Each question compares the
    participants who answered it in both tests."""
    by_key = {(participant, question, phase): correct for participant, question, phase, correct in answers}
    questions = sorted({question for _p, question, _ph, _c in answers})
    result = []
    for question in questions:
        pairs = [
            (by_key[(participant, question, first)], by_key[(participant, question, second)])
            for participant, q, phase, _c in answers
            if q == question and phase == first and (participant, question, second) in by_key
        ]
        if pairs:
            result.append(
                QuestionGain(
                    question=question,
                    answered=len(pairs),
                    before=sum(a for a, _b in pairs) / len(pairs),
                    after=sum(b for _a, b in pairs) / len(pairs),
                )
            )
    return result
