"""Synthetic places with a known pilot effect: quarterly offence counts drawn from a Poisson
law around each place's own level, moved by shocks common to the province, by each place's
own noise, and in the pilot places after the start by the effect (and before it, if asked,
by a drift of their own: a violated pre-trend)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from safevillage.pilots.did import PlaceSeries


@dataclass
class Place:
    code: str
    pilot: bool
    population: int
    counts: list[int]  # one per quarter, the quarters before the start first


def simulate(
    rng: np.random.Generator,
    *,
    n_pilot: int = 2,
    n_comparison: int = 20,
    pre: int = 8,
    post: int = 8,
    effect: float = -0.20,
    pilot_drift: float = 0.0,
    base_rate: float = 6.0,
) -> list[Place]:
    """``base_rate`` offences per 1,000 residents a year; ``effect`` relative, after the start;
    ``pilot_drift`` relative per quarter in the pilot places, before and after."""
    shocks = rng.normal(0, 0.05, pre + post)
    places = []
    for i in range(n_pilot + n_comparison):
        pilot = i < n_pilot
        population = int(rng.integers(6000, 16000))
        level = base_rate * math.exp(rng.normal(0, 0.2))
        counts = []
        for t in range(pre + post):
            multiplier = math.exp(shocks[t] + rng.normal(0, 0.08))
            if pilot:
                multiplier *= (1 + pilot_drift) ** t
                if t >= pre:
                    multiplier *= 1 + effect
            expected = level * multiplier * population / 1000 / 4
            counts.append(int(rng.poisson(expected)))
        places.append(Place(f"14{i:04d}", pilot, population, counts))
    return places


def series(place: Place, pre: int) -> PlaceSeries:
    rates = [count * 4 * 1000 / place.population for count in place.counts]
    return PlaceSeries(place.code, float(np.mean(rates[:pre])), float(np.mean(rates[pre:])), tuple(rates[:pre]))
