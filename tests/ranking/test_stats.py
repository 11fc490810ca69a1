"""The statistics of the ranking on hand-computed examples, and a simulation showing that
shrinkage keeps tiny communes from crowding the top and the bottom of the ranking."""

from __future__ import annotations

import math

import numpy as np
import pytest

from safevillage.ranking import stats
from safevillage.ranking.score import Indicator, rank


def test_gamma_poisson_shrinkage_by_hand():
    # Three communes: 0 offences over 1 (thousand resident-years), 10 over 10, 30 over 10.
    # m = 40 / 21 = 1.904762; raw rates 0, 1, 3;
    # s² = (1·1.904762² + 10·0.904762² + 10·1.095238²) / 21 = 23.809524 / 21 = 1.133787;
    # τ² = s² - m / Ē = 1.133787 - 1.904762 / 7 = 0.861678;
    # shape = m² / τ² = 4.210526, rate = m / τ² = 2.210526.
    prior = stats.gamma_poisson_prior([0, 10, 30], [1, 10, 10])
    assert prior.shape == pytest.approx(4.210526, abs=1e-6)
    assert prior.rate == pytest.approx(2.210526, abs=1e-6)
    assert prior.mean == pytest.approx(40 / 21)
    # The small commune's 0 moves most of the way to the mean: (4.210526 + 0) / (2.210526 + 1).
    assert prior.posterior_mean(0, 1) == pytest.approx(1.311475, abs=1e-6)
    # The large ones keep close to their own rates: (4.210526 + 30) / (2.210526 + 10) = 2.801724.
    assert prior.posterior_mean(30, 10) == pytest.approx(2.801724, abs=1e-6)
    assert prior.posterior_mean(10, 10) == pytest.approx(1.163793, abs=1e-6)


def test_beta_binomial_shrinkage_by_hand():
    # Solved 0 of 1, 5 of 10, 18 of 20. p = (23 + 0.5) / (31 + 1) = 0.734375;
    # s² = (1·0.734375² + 10·0.234375² + 20·0.165625²) / 31 = 1.637256 / 31 = 0.052815;
    # τ² = s² - p(1 - p) / (31 / 3) = 0.052815 - 0.018878 = 0.033937;
    # a + b = p(1 - p) / τ² - 1 = 4.747935; a = p (a + b) = 3.486765.
    p = 23.5 / 32
    s2 = (1 * (0 - p) ** 2 + 10 * (0.5 - p) ** 2 + 20 * (0.9 - p) ** 2) / 31
    tau2 = s2 - p * (1 - p) / (31 / 3)
    weight = p * (1 - p) / tau2 - 1
    prior = stats.beta_binomial_prior([0, 5, 18], [1, 10, 20])
    assert prior.a + prior.b == pytest.approx(weight)
    assert prior.a + prior.b == pytest.approx(4.747935, abs=1e-6)
    assert prior.a == pytest.approx(3.486765, abs=1e-6)
    assert prior.mean == pytest.approx(0.734375)
    # One unsolved offence does not make a share of 0: (a + 0) / (a + b + 1) ≈ 0.607.
    assert prior.posterior_mean(0, 1) == pytest.approx(prior.a / (prior.a + prior.b + 1))
    assert 0.55 < prior.posterior_mean(0, 1) < 0.65


def test_no_spread_beyond_chance_pools_everyone():
    # Every commune at exactly the pooled rate: τ² ≤ 0, the prior is as strong as allowed.
    prior = stats.gamma_poisson_prior([5, 10, 20], [5, 10, 20])
    assert prior.shape == pytest.approx(stats.MAX_PRIOR_WEIGHT)
    assert prior.posterior_mean(0, 0.3) == pytest.approx(1.0, abs=1e-3)


def test_funnel_limits_by_hand():
    # A peer rate of 10 per 1,000 residents a year and 1,000 resident-years: 10 expected.
    # Poisson(10): F(16) = 0.972958, F(17) = 0.985722, so the 97.5 % quantile is 17 and the
    # interpolated limit is 17 - (0.985722 - 0.975) / (0.985722 - 0.972958) = 16.160 offences.
    cdf = [sum(math.exp(-10) * 10**k / math.factorial(k) for k in range(r + 1)) for r in range(40)]
    assert cdf[16] == pytest.approx(0.972958, abs=1e-6) and cdf[17] == pytest.approx(0.985722, abs=1e-6)
    by_hand = 17 - (cdf[17] - 0.975) / (cdf[17] - cdf[16])
    assert by_hand == pytest.approx(16.160, abs=1e-3)
    limits = stats.funnel_limits(10.0, 1.0)  # 10 per unit, 1 unit of exposure
    assert limits.high_95 == pytest.approx(by_hand, abs=1e-9)
    # Lower 2.5 %: F(3) = 0.010336, F(4) = 0.029253 → 4 - (0.029253 - 0.025) / 0.018917 = 3.7752.
    assert limits.low_95 == pytest.approx(4 - (cdf[4] - 0.025) / (cdf[4] - cdf[3]), abs=1e-9)
    assert limits.low_95 == pytest.approx(3.7752, abs=1e-4)
    # 99.8 %: F(19) = 0.996546, F(20) = 0.998412, F(21) = 0.999300 → the quantile is 21.
    assert limits.high_998 == pytest.approx(21 - (cdf[21] - 0.999) / (cdf[21] - cdf[20]), abs=1e-9)
    assert limits.low_998 < limits.low_95 < 10 < limits.high_95 < limits.high_998


def test_funnel_narrows_with_population():
    small, large = stats.funnel_limits(2.0, 0.3), stats.funnel_limits(2.0, 30)
    assert small.high_998 - small.low_998 > 5 * (large.high_998 - large.low_998)
    # At large sizes the exact limits approach the normal approximation.
    normal = stats.normal_limits(2.0, 3000)
    assert stats.funnel_limits(2.0, 3000).high_95 == pytest.approx(normal.high_95, rel=2e-3)


def _simulate(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """300 communes, one in five tiny (300 residents), the rest 3,000 to 30,000; true
    yearly rates around 4 per 1,000 with real differences; a quarter's offences."""
    rng = np.random.default_rng(seed)
    populations = np.where(rng.random(300) < 0.2, 300, rng.integers(3000, 30000, 300))
    true_rates = rng.gamma(8, 0.5, 300)  # mean 4, sd about 1.4
    exposure = populations / 1000 / 4
    counts = rng.poisson(true_rates * exposure)
    return counts, exposure


def _tiny_at_the_extremes(ranks: list[int], tiny: np.ndarray, tail: int) -> float:
    order = np.asarray(ranks)
    extremes = (order <= tail) | (order > len(order) - tail)
    return float(tiny[extremes].mean())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tiny_communes_no_longer_crowd_the_top_and_bottom(seed):
    counts, exposure = _simulate(seed)
    tiny = exposure < 0.1
    share = tiny.mean()
    raw = counts / exposure
    raw_ranks = stats.competition_ranks(list(raw), higher_is_better=False)
    indicator = Indicator("offence_rate", "rate", list(counts), list(exposure), lower_is_better=True)
    shrunk = rank([indicator], {"offence_rate": 1.0}, 0.9)
    tail = 30  # the best and worst tenth
    raw_tiny = _tiny_at_the_extremes(raw_ranks, tiny, tail)
    shrunk_tiny = _tiny_at_the_extremes(shrunk.ranks, tiny, tail)
    # Raw rates: the tiny communes fill the extremes (0 offences: best; 1 or 2: worst).
    assert raw_tiny > 2 * share
    # Shrunk: they are no more common at the extremes than among all communes.
    assert shrunk_tiny <= share
    # And their ranks are known to be uncertain: wider intervals than the large communes'.
    width = np.asarray(shrunk.high) - np.asarray(shrunk.low)
    assert width[tiny].mean() > 1.5 * width[~tiny].mean()


def test_rank_intervals_are_deterministic_and_contain_the_rank():
    counts, exposure = _simulate(7)
    indicator = Indicator("offence_rate", "rate", list(counts), list(exposure), lower_is_better=True)
    first = rank([indicator], {"offence_rate": 1.0}, 0.9)
    again = rank(
        [Indicator("offence_rate", "rate", list(counts), list(exposure), lower_is_better=True)],
        {"offence_rate": 1.0},
        0.9,
    )
    assert (first.ranks, first.low, first.high) == (again.ranks, again.low, again.high)
    inside = sum(lo <= r <= hi for r, lo, hi in zip(first.ranks, first.low, first.high, strict=True))
    assert inside >= 0.95 * len(first.ranks)


def test_competition_ranks_share_ties():
    assert stats.competition_ranks([3.0, 5.0, 5.0, 1.0]) == [3, 1, 1, 4]
    assert stats.competition_ranks([3.0, 5.0, 5.0, 1.0], higher_is_better=False) == [2, 3, 3, 1]


def test_places_nothing_separates_share_the_first_rank_in_every_draw():
    # No offence recorded anywhere, so no share solved: nothing tells the places apart, and
    # none is ranked above another by the order it was listed in.
    indicator = Indicator("solved", "share", [0, 0, 0], [0, 0, 0])
    ranked = rank([indicator], {"solved": 1.0}, 0.9)
    assert (ranked.ranks, ranked.low, ranked.high) == ([1, 1, 1], [1, 1, 1], [1, 1, 1])
