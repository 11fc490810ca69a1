"""Difference in differences on place-level figures, with a check of the trends before.

Each place is one observation: its figure after the start minus its figure before. The
effect is the pilot places' mean change minus the comparison places' mean change; its
interval is a two-sample t interval on those changes, the variance pooled over pilot and
comparison places. Collapsing each place's quarters into one before-after change is what
keeps the interval honest when a place's quarters move together (Bertrand, Duflo and
Mullainathan 2004: quarter-level errors understate it badly); pooling the variance is what
makes an interval possible at all with the one or two pilot places the guideline asks for
(a cluster-robust variance needs many treated clusters). It assumes a pilot place's change
varies as much as a comparison place's, beyond the effect: said in the caveats.

The pre-trend check compares the slopes, place by place, of the quarters before the start:
if the pilot places were already moving apart from the comparison places, the difference
after the start is not the pilot's doing. A slope needs three quarters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

CONFIDENCE = 0.95
# Below this two-sided p-value the slopes before the start are said to differ.
PRETREND_ALPHA = 0.05
MIN_PRE_QUARTERS_FOR_TREND = 3


@dataclass(frozen=True)
class PlaceSeries:
    """One place's figure in each quarter before the start (None: undefined, e.g. a share
    with no offence), and its figure over the whole window before and after."""

    code: str
    before: float | None
    after: float | None
    pre_series: tuple[float | None, ...] = ()


class Trend(StrEnum):
    MATCHED = "matched"  # no detectable difference of slopes before the start
    DIFFERED = "differed"  # the slopes differed: the estimate is not to be trusted
    UNCHECKED = "unchecked"  # too few quarters or places to compare slopes


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float
    p_value: float | None  # two-sided, against no difference; None when the spread is zero


@dataclass(frozen=True)
class PreTrend:
    verdict: Trend
    slope_difference: Interval | None  # per quarter, pilot minus comparison
    # Per quarter before the start, oldest first: pilot mean minus comparison mean, less the
    # same gap in the last quarter before the start (an event study of the quarters before).
    gaps: tuple[float | None, ...]


@dataclass(frozen=True)
class Estimate:
    n_pilot: int
    n_comparison: int
    pilot_before: float
    pilot_after: float
    comparison_before: float
    comparison_after: float
    effect: Interval
    # The pilot places' mean after, had they changed as the comparison places did.
    counterfactual: float
    relative: Interval | None  # effect / counterfactual in %, None when the counterfactual is not positive
    pre_trend: PreTrend
    confidence: float


def _two_sample(pilot: Sequence[float], comparison: Sequence[float], confidence: float) -> Interval | None:
    """Difference of means with a pooled-variance t interval; None when it cannot be formed."""
    n_p, n_c = len(pilot), len(comparison)
    if n_p < 1 or n_c < 1 or n_p + n_c < 3:
        return None
    a, b = np.asarray(pilot, dtype=float), np.asarray(comparison, dtype=float)
    difference = float(a.mean() - b.mean())
    df = n_p + n_c - 2
    pooled = (float(((a - a.mean()) ** 2).sum()) + float(((b - b.mean()) ** 2).sum())) / df
    se = math.sqrt(pooled * (1 / n_p + 1 / n_c))
    quantile = float(stats.t.ppf((1 + confidence) / 2, df))
    p_value = float(2 * stats.t.sf(abs(difference) / se, df)) if se > 0 else None
    return Interval(difference, difference - quantile * se, difference + quantile * se, p_value)


def slope(series: Sequence[float | None]) -> float | None:
    """The least-squares slope per quarter of the defined values; None below three."""
    points = [(i, v) for i, v in enumerate(series) if v is not None]
    if len(points) < MIN_PRE_QUARTERS_FOR_TREND:
        return None
    x = np.array([p[0] for p in points], dtype=float)
    y = np.array([p[1] for p in points], dtype=float)
    x -= x.mean()
    return float((x * (y - y.mean())).sum() / (x * x).sum())


def _gaps(pilot: Sequence[PlaceSeries], comparison: Sequence[PlaceSeries]) -> tuple[float | None, ...]:
    length = max((len(p.pre_series) for p in (*pilot, *comparison)), default=0)

    def mean_at(group: Sequence[PlaceSeries], k: int) -> float | None:
        values = [v for p in group if k < len(p.pre_series) and (v := p.pre_series[k]) is not None]
        return float(np.mean(values)) if values else None

    raw: list[float | None] = []
    for k in range(length):
        a, b = mean_at(pilot, k), mean_at(comparison, k)
        raw.append(None if a is None or b is None else a - b)
    last = raw[-1] if raw else None
    return tuple(None if g is None or last is None else g - last for g in raw)


def pre_trend(
    pilot: Sequence[PlaceSeries], comparison: Sequence[PlaceSeries], confidence: float = CONFIDENCE
) -> PreTrend:
    slopes_p = [s for s in (slope(p.pre_series) for p in pilot) if s is not None]
    slopes_c = [s for s in (slope(p.pre_series) for p in comparison) if s is not None]
    interval = _two_sample(slopes_p, slopes_c, confidence) if len(slopes_c) >= 2 else None
    if interval is None:
        verdict = Trend.UNCHECKED
    elif interval.p_value is not None and interval.p_value < PRETREND_ALPHA:
        verdict = Trend.DIFFERED
    elif interval.p_value is None and interval.estimate != 0:
        verdict = Trend.DIFFERED  # no spread at all, yet apart: exactly different lines
    else:
        verdict = Trend.MATCHED
    return PreTrend(verdict, interval, _gaps(pilot, comparison))


def _change(place: PlaceSeries) -> float:
    return float(place.after or 0.0) - float(place.before or 0.0)


def estimate(
    pilot: Sequence[PlaceSeries], comparison: Sequence[PlaceSeries], confidence: float = CONFIDENCE
) -> Estimate | None:
    """The difference-in-differences estimate; None when there is no pilot place with both
    figures or fewer than two comparison places (no spread to measure the chance with)."""
    pilot = [p for p in pilot if p.before is not None and p.after is not None]
    comparison = [p for p in comparison if p.before is not None and p.after is not None]
    if not pilot or len(comparison) < 2:
        return None
    changes_p = [_change(p) for p in pilot]
    changes_c = [_change(p) for p in comparison]
    effect = _two_sample(changes_p, changes_c, confidence)
    if effect is None:
        return None
    pilot_before = float(np.mean([float(p.before or 0.0) for p in pilot]))
    comparison_change = float(np.mean(changes_c))
    counterfactual = pilot_before + comparison_change
    relative = None
    if counterfactual > 0:
        # The counterfactual is taken as known: the relative interval is the absolute one scaled.
        relative = Interval(
            100 * effect.estimate / counterfactual,
            100 * effect.low / counterfactual,
            100 * effect.high / counterfactual,
            effect.p_value,
        )
    return Estimate(
        n_pilot=len(pilot),
        n_comparison=len(comparison),
        pilot_before=pilot_before,
        pilot_after=float(np.mean([float(p.after or 0.0) for p in pilot])),
        comparison_before=float(np.mean([float(p.before or 0.0) for p in comparison])),
        comparison_after=float(np.mean([float(p.after or 0.0) for p in comparison])),
        effect=effect,
        counterfactual=counterfactual,
        relative=relative,
        pre_trend=pre_trend(pilot, comparison, confidence),
        confidence=confidence,
    )
