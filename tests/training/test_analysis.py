"""The training analysis against a hand-computed example.

Five officers take a 33-question test before and after (the PCPI's test had 33 answers):
before 18, 20, 22, 19, 21 (mean 20.0), after 27, 26, 28, 25, 28 (mean 26.8). By hand: the
gains are 9, 6, 6, 6, 7, mean 6.8; the mean rose by 6.8 / 20 = 34 %; the gains' standard
deviation is sqrt((2.2² + 3 * 0.8² + 0.2²) / 4) = sqrt(1.7) = 1.3038, so the standard error is
1.3038 / sqrt(5) = 0.5831 and t = 6.8 / 0.5831 = 11.66 on 4 degrees of freedom; with Student's
t(0.975, 4) = 2.7764 from the tables, the 95 % interval is 6.8 ± 1.619 = 5.18 to 8.42."""

from __future__ import annotations

import pytest

from safevillage.training.analysis import QuestionGain, paired, per_question

BEFORE = [18, 20, 22, 19, 21]
AFTER = [27, 26, 28, 25, 28]


def test_the_hand_computed_example_and_its_34_percent_increase():
    result = paired(BEFORE, AFTER)
    assert result.n == 5
    assert (result.mean_before, result.mean_after, result.mean_gain) == pytest.approx((20.0, 26.8, 6.8))
    assert result.percent_increase == pytest.approx(34.0)
    assert result.share_improved == 1.0
    assert result.t == pytest.approx(11.662, abs=1e-3)
    assert result.ci_low == pytest.approx(5.181, abs=1e-3)
    assert result.ci_high == pytest.approx(8.419, abs=1e-3)
    # Two-sided p for t = 11.66 on 4 df: about 0.0003.
    assert 0.0002 < result.p_value < 0.0004


def test_no_change_gives_an_interval_around_zero_and_no_improvement_share():
    result = paired([10, 12, 14], [11, 11, 14])
    assert result.mean_gain == pytest.approx(0.0)
    assert result.ci_low < 0 < result.ci_high
    assert result.share_improved == pytest.approx(1 / 3)


def test_identical_gains_have_no_test_statistic_and_a_single_pair_no_interval():
    same = paired([10, 12], [12, 14])
    assert same.t is None and same.p_value is None and same.ci_low == same.ci_high == 2.0
    one = paired([10], [15])
    assert one.ci_low is None and one.mean_gain == 5.0


def test_mismatched_lists_are_refused():
    with pytest.raises(ValueError):
        paired([1, 2], [1])
    with pytest.raises(ValueError):
        paired([], [])


def test_per_question_compares_those_who_answered_both_tests():
    answers = [
        (1, 1, "pre", False),
        (1, 1, "post", True),
        (2, 1, "pre", True),
        (2, 1, "post", True),
        (3, 1, "pre", False),  # no answer after: left out of question 1
        (1, 2, "pre", True),
        (1, 2, "post", False),
    ]
    assert per_question(answers) == [
        QuestionGain(question=1, answered=2, before=0.5, after=1.0),
        QuestionGain(question=2, answered=1, before=1.0, after=0.0),
    ]
    assert per_question(answers)[0].gain == 0.5
