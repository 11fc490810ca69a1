"""The statistics of a fair ranking, with no Django in them: empirical-Bayes shrinkage of
rates (gamma-Poisson) and shares (beta-binomial), ranks with an uncertainty interval from a
seeded posterior simulation, and the control limits of a funnel plot.

Why shrinkage: a commune of 300 people with no offence in a quarter has a raw rate of 0 and
would be "best"; one offence makes it "worst". Its few records say little, so its estimate
is pulled towards the peer group's mean in proportion to how little they say; a commune of
20,000 keeps close to its own rate. The prior is estimated from the peer group itself (the
communes being compared) by the method of moments (Clayton and Kaldor 1987; Marshall 1991).

Funnel limits follow Spiegelhalter (2005, "Funnel plots for comparing institutional
performance", Statistics in Medicine 24:1185): exact Poisson quantiles of the count expected
at the peer rate, interpolated so that the limits are smooth in the population.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

# When the peer group shows no more spread than chance alone gives (the between-place
# variance estimate is 0 or negative), the prior is made this many "records" strong: nearly
# complete pooling, every place close to the peer mean, which is what the data then say.
MAX_PRIOR_WEIGHT = 1000.0
# Posterior draws for the rank intervals: the 5th and 95th percentiles of 400 ranks move by
# about one place between seeds, and a national ranking (1,652 communes, five uncertain
# indicators) draws 3.3 million values, a second's work on one core.
DRAWS = 400
# The simulation's seed is fixed: the same figures always give the same intervals.
SEED = 20100816


@dataclass(frozen=True)
class GammaPrior:
    """Gamma(shape, rate) for a rate: mean shape/rate, variance shape/rate²."""

    shape: float
    rate: float

    @property
    def mean(self) -> float:
        return self.shape / self.rate

    def posterior_mean(self, count: float, exposure: float) -> float:
        return (self.shape + count) / (self.rate + exposure)


@dataclass(frozen=True)
class BetaPrior:
    """Beta(a, b) for a share: mean a/(a+b)."""

    a: float
    b: float

    @property
    def mean(self) -> float:
        return self.a / (self.a + self.b)

    def posterior_mean(self, successes: float, trials: float) -> float:
        return (self.a + successes) / (self.a + self.b + trials)


def gamma_poisson_prior(counts: Sequence[float], exposures: Sequence[float]) -> GammaPrior:
    """Method-of-moments gamma prior of the rates ``count / exposure`` of a peer group.

    m = Σy / ΣE (the pooled rate); s² = Σ E (y/E - m)² / ΣE (the exposure-weighted variance
    of the raw rates); the part of s² that is not Poisson noise is τ² = s² - m / Ē, Ē the
    mean exposure. The prior has mean m and variance τ²: shape m²/τ², rate m/τ²."""
    pairs = [(float(y), float(e)) for y, e in zip(counts, exposures, strict=True) if e > 0]
    if not pairs:
        raise ValueError("no exposure")
    total_y = sum(y for y, _e in pairs)
    total_e = sum(e for _y, e in pairs)
    # No event anywhere: half an event across the group, so that the prior is proper.
    m = (total_y or 0.5) / total_e
    s2 = sum(e * (y / e - m) ** 2 for y, e in pairs) / total_e
    tau2 = s2 - m / (total_e / len(pairs))
    # At most MAX_PRIOR_WEIGHT strong (shape = m²/τ²): near-complete pooling, never division by 0.
    tau2 = max(tau2, m * m / MAX_PRIOR_WEIGHT)
    return GammaPrior(shape=m * m / tau2, rate=m / tau2)


def beta_binomial_prior(successes: Sequence[float], trials: Sequence[float]) -> BetaPrior:
    """Method-of-moments beta prior of the shares ``x / n`` of a peer group.

    p = Σx / Σn; s² = Σ n (x/n - p)² / Σn; τ² = s² - p(1 - p) / n̄ (n̄ the mean number of
    trials); the prior has mean p and variance τ², i.e. a + b = p(1 - p)/τ² - 1."""
    pairs = [(float(x), float(n)) for x, n in zip(successes, trials, strict=True) if n > 0]
    total_x = sum(x for x, _n in pairs)
    total_n = sum(n for _x, n in pairs)
    # Kept off 0 and 1 (a group where every record was solved still has a proper prior).
    p = (total_x + 0.5) / (total_n + 1)
    if len(pairs) < 2:
        weight = 2.0
    else:
        s2 = sum(n * (x / n - p) ** 2 for x, n in pairs) / total_n
        tau2 = s2 - p * (1 - p) / (total_n / len(pairs))
        weight = MAX_PRIOR_WEIGHT if tau2 <= 0 else min(max(p * (1 - p) / tau2 - 1, 1.0), MAX_PRIOR_WEIGHT)
    return BetaPrior(a=p * weight, b=(1 - p) * weight)


def competition_ranks(values: Sequence[float], *, higher_is_better: bool = True) -> list[int]:
    """1 for the best; equal values share a rank (1, 2, 2, 4)."""
    signed = [v if higher_is_better else -v for v in values]
    order = sorted(signed, reverse=True)
    first: dict[float, int] = {}
    for position, value in enumerate(order, start=1):
        first.setdefault(value, position)
    return [first[v] for v in signed]


def rank_draws(scores: np.ndarray) -> np.ndarray:
    """Competition ranks (1: the highest score; ties share the best rank, as the point ranks
    do) of each column within each row of draws x places."""
    return np.asarray(stats.rankdata(-scores, method="min", axis=1), dtype=np.int64)


def rank_interval(scores: np.ndarray, level: float) -> tuple[list[int], list[int]]:
    """The central ``level`` (0.9: 90 %) interval of each place's rank over the draws."""
    ranks = rank_draws(scores)
    tail = (1 - level) / 2 * 100
    low = np.percentile(ranks, tail, axis=0, method="lower")
    high = np.percentile(ranks, 100 - tail, axis=0, method="higher")
    return [int(v) for v in low], [int(v) for v in high]


def rng(seed: int = SEED) -> np.random.Generator:
    return np.random.default_rng(seed)


def poisson_count_limits(expected: np.ndarray, p: float) -> np.ndarray:
    """Spiegelhalter's interpolated ``p`` quantile of Poisson(``expected``), for many expected
    counts at once: with r the exact quantile (the least r with F(r) >= p), the limit is
    r - (F(r) - p) / (F(r) - F(r - 1)), which moves smoothly with ``expected`` instead of in
    whole steps."""
    e = np.asarray(expected, dtype=float)
    safe = np.where(e > 0, e, 1.0)
    r = stats.poisson.ppf(p, safe)
    at = stats.poisson.cdf(r, safe)
    below = np.where(r > 0, stats.poisson.cdf(r - 1, safe), 0.0)
    step = at - below
    limit = np.where(step > 0, np.maximum(r - (at - p) / np.where(step > 0, step, 1.0), 0.0), r)
    return np.where(e > 0, limit, 0.0)


def poisson_count_limit(expected: float, p: float) -> float:
    return float(poisson_count_limits(np.array([expected]), p)[0])


@dataclass(frozen=True)
class Limits:
    """Rates (per unit of exposure) bounding the funnel at one exposure each."""

    low_998: np.ndarray
    low_95: np.ndarray
    high_95: np.ndarray
    high_998: np.ndarray


# Two-sided: 95 % and 99.8 % (about 2 and 3 standard deviations).
P_95 = (0.025, 0.975)
P_998 = (0.001, 0.999)


def funnel_limits_at(rate: float, exposures: Sequence[float]) -> Limits:
    """The control limits around the peer ``rate`` at each of ``exposures`` (all positive)."""
    exposure = np.asarray(exposures, dtype=float)
    expected = rate * exposure
    return Limits(
        poisson_count_limits(expected, P_998[0]) / exposure,
        poisson_count_limits(expected, P_95[0]) / exposure,
        poisson_count_limits(expected, P_95[1]) / exposure,
        poisson_count_limits(expected, P_998[1]) / exposure,
    )


@dataclass(frozen=True)
class Limit:
    low_998: float
    low_95: float
    high_95: float
    high_998: float


def funnel_limits(rate: float, exposure: float) -> Limit:
    """The control limits of a rate at one ``exposure`` around the peer ``rate``."""
    at = funnel_limits_at(rate, [exposure])
    return Limit(float(at.low_998[0]), float(at.low_95[0]), float(at.high_95[0]), float(at.high_998[0]))


def normal_limits(rate: float, exposure: float) -> Limit:
    """The normal approximation of the same limits, rate ± z √(rate / exposure): what a
    spreadsheet would draw, kept to show how far it is from the exact ones at small sizes."""
    sd = math.sqrt(rate / exposure)
    z95, z998 = stats.norm.ppf(0.975), stats.norm.ppf(0.999)
    return Limit(max(rate - z998 * sd, 0), max(rate - z95 * sd, 0), rate + z95 * sd, rate + z998 * sd)
