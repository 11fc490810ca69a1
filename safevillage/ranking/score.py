"""A composite score from several shrunk indicators, with ranks and their uncertainty.

Each indicator of each place is a posterior distribution: a gamma for a rate, a beta for a
share (``stats``), or a known value (the share of months reported). The score is the
weighted mean of the indicators standardised over the peer group (z = (estimate - peer mean)
/ peer spread, its sign turned for "lower is better"), so that a weight means the same
whatever an indicator's unit. The rank is that of the score of the posterior means; its
interval comes from scoring and ranking the same places in each of ``stats.DRAWS`` seeded
posterior draws. Pure: no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from safevillage.ranking import stats


@dataclass
class Indicator:
    """One indicator for every place: ``numerators`` over ``denominators`` (a rate's
    exposure, a share's trials). ``kind`` "known" takes the ratio as exact."""

    name: str
    kind: Literal["rate", "share", "known"]
    numerators: list[float]
    denominators: list[float]
    lower_is_better: bool = False
    prior: stats.GammaPrior | stats.BetaPrior | None = None
    estimates: list[float] = field(default_factory=list)

    def fit(self) -> None:
        """The peer group's prior and each place's posterior mean."""
        n, d = self.numerators, self.denominators
        if self.kind == "rate":
            gamma = stats.gamma_poisson_prior(n, d)
            self.prior = gamma
            self.estimates = [gamma.posterior_mean(y, e) for y, e in zip(n, d, strict=True)]
        elif self.kind == "share":
            beta = stats.beta_binomial_prior(n, d)
            self.prior = beta
            self.estimates = [beta.posterior_mean(x, t) for x, t in zip(n, d, strict=True)]
        else:
            self.estimates = [x / t if t else 0.0 for x, t in zip(n, d, strict=True)]

    def draws(self, rng: np.random.Generator, size: int) -> np.ndarray:
        n, d = np.asarray(self.numerators, float), np.asarray(self.denominators, float)
        if isinstance(self.prior, stats.GammaPrior):
            return rng.gamma(self.prior.shape + n, 1.0 / (self.prior.rate + d), size=(size, len(n)))
        if isinstance(self.prior, stats.BetaPrior):
            return rng.beta(self.prior.a + n, self.prior.b + d - n, size=(size, len(n)))
        return np.broadcast_to(np.asarray(self.estimates, float), (size, len(n)))


@dataclass
class Ranked:
    scores: list[float]
    ranks: list[int]
    low: list[int]
    high: list[int]
    # Per indicator: the peer mean and spread the scores were standardised with.
    scales: dict[str, tuple[float, float]]


def rank(indicators: list[Indicator], weights: dict[str, float], level: float, *, seed: int = stats.SEED) -> Ranked:
    """Score and rank the places (columns) of ``indicators``; 1 is the best."""
    used = [i for i in indicators if weights.get(i.name, 0) > 0]
    places = len(indicators[0].numerators) if indicators else 0
    if not places:
        return Ranked([], [], [], [], {})
    for indicator in indicators:
        indicator.fit()
    total = sum(weights[i.name] for i in used) or 1.0
    scales: dict[str, tuple[float, float]] = {}
    point = np.zeros(places)
    rng = stats.rng(seed)
    drawn = np.zeros((stats.DRAWS, places))
    for indicator in used:
        estimates = np.asarray(indicator.estimates, float)
        centre, spread = float(estimates.mean()), float(estimates.std())
        scales[indicator.name] = (centre, spread)
        # No spread among the peers: the indicator separates nobody, in the point or the draws.
        if spread == 0:
            continue
        factor = weights[indicator.name] / total / spread * (-1 if indicator.lower_is_better else 1)
        point += factor * (estimates - centre)
        # A known value is the same in every draw: added once, broadcast over the rows.
        drawn += factor * ((indicator.draws(rng, stats.DRAWS) if indicator.prior else estimates) - centre)
    scores = [round(float(s), 9) for s in point]
    low, high = stats.rank_interval(drawn, level)
    return Ranked(scores, stats.competition_ranks(scores), low, high, scales)
