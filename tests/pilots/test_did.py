"""The difference-in-differences arithmetic on synthetic places with a known effect: its
interval covers the effect planted (-20 %) and covers zero when none is; a pilot already
drifting apart before the start is reported as a violated pre-trend."""

from __future__ import annotations

import numpy as np
import pytest

from safevillage.pilots import did
from tests.pilots.synthetic import series, simulate

PRE = 8


def estimate(places, pre: int = PRE) -> did.Estimate:
    result = did.estimate([series(p, pre) for p in places if p.pilot], [series(p, pre) for p in places if not p.pilot])
    assert result is not None
    return result


def test_a_planted_minus_20_percent_is_inside_the_interval():
    result = estimate(simulate(np.random.default_rng(20260101), effect=-0.20))
    assert result.relative is not None
    assert result.relative.low <= -20 <= result.relative.high
    assert result.effect.low < result.effect.estimate < result.effect.high
    assert result.pre_trend.verdict == did.Trend.MATCHED


def test_no_effect_gives_an_interval_around_zero():
    result = estimate(simulate(np.random.default_rng(7), effect=0.0))
    assert result.effect.low <= 0 <= result.effect.high
    assert result.pre_trend.verdict == did.Trend.MATCHED


@pytest.mark.parametrize("effect", [-0.20, 0.0])
def test_the_interval_covers_the_truth_about_95_times_in_100(effect):
    """Calibration, not luck: over 300 synthetic provinces (one pilot place each, the hardest
    case) the 95 % interval of the relative effect holds the planted value in about 95 %."""
    rng = np.random.default_rng(1000 + int(effect * 100))
    covered, below = 0, 0
    runs = 300
    for _run in range(runs):
        result = estimate(simulate(rng, n_pilot=1, n_comparison=10, effect=effect))
        assert result.relative is not None
        covered += result.relative.low <= 100 * effect <= result.relative.high
        below += result.relative.high < 0
    assert covered / runs >= 0.90
    if effect == 0:
        assert below / runs <= 0.06  # an effect "found" where there is none: the false alarms


def test_a_large_effect_with_two_pilot_places_is_found():
    found = 0
    rng = np.random.default_rng(5)
    for _run in range(100):
        result = estimate(simulate(rng, n_pilot=2, n_comparison=20, effect=-0.40))
        found += result.effect.high < 0
    assert found >= 80


def test_a_pilot_drifting_apart_before_the_start_is_reported_as_a_violated_pre_trend():
    result = estimate(simulate(np.random.default_rng(3), effect=0.0, pilot_drift=0.08))
    assert result.pre_trend.verdict == did.Trend.DIFFERED
    assert result.pre_trend.slope_difference is not None
    assert result.pre_trend.slope_difference.low > 0
    # The event study shows the gap growing towards the start (measured against the last quarter).
    gaps = result.pre_trend.gaps
    assert gaps[-1] == 0 and gaps[0] is not None and gaps[0] < 0


def test_drift_is_detected_in_most_synthetic_provinces():
    rng = np.random.default_rng(11)
    detected = sum(
        estimate(simulate(rng, effect=0.0, pilot_drift=0.10)).pre_trend.verdict == did.Trend.DIFFERED
        for _run in range(100)
    )
    assert detected >= 80


def test_two_quarters_before_are_too_few_to_check_the_trend():
    places = simulate(np.random.default_rng(4), pre=2, post=4)
    assert estimate(places, pre=2).pre_trend.verdict == did.Trend.UNCHECKED


def test_no_estimate_without_two_comparison_places():
    places = simulate(np.random.default_rng(4), n_comparison=1)
    assert did.estimate([series(p, PRE) for p in places if p.pilot], [series(p, PRE) for p in places[-1:]]) is None


def test_hand_computed_example():
    pilot = [did.PlaceSeries("a", 10.0, 7.0, (10.0, 10.0, 10.0))]
    comparison = [
        did.PlaceSeries("b", 10.0, 10.0, (9.0, 10.0, 11.0)),
        did.PlaceSeries("c", 8.0, 9.0, (8.0, 8.0, 8.0)),
        did.PlaceSeries("d", 12.0, 11.0, (13.0, 12.0, 11.0)),
    ]
    result = did.estimate(pilot, comparison)
    assert result is not None
    # Changes: pilot -3; comparisons 0, +1, -1 (mean 0). Effect -3; pooled variance
    # (0 + 2) / 2 = 1, se = sqrt(1 + 1/3); t(2, 0.975) = 4.3027.
    assert result.effect.estimate == pytest.approx(-3.0)
    half = 4.302652729911275 * (4 / 3) ** 0.5
    assert result.effect.low == pytest.approx(-3 - half)
    assert result.effect.high == pytest.approx(-3 + half)
    assert result.counterfactual == pytest.approx(10.0)
    assert result.relative is not None and result.relative.estimate == pytest.approx(-30.0)
    # Slopes: pilot 0; comparisons +1, 0, -1: no difference.
    assert result.pre_trend.slope_difference is not None
    assert result.pre_trend.slope_difference.estimate == pytest.approx(0.0)
    assert result.pre_trend.verdict == did.Trend.MATCHED
