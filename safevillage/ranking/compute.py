"""Ranking the communes of an area, or its officers, for a period, under the weight set in
force; the result stored with its inputs (a new row only when something changed).

Under-reporting must not pay: a commune that records fewer offences looks better on the
offence rate, so the same score counts what hiding costs — months with no submitted report
or a late one, complainants who say their complaint was not resolved, forums not held — and
the funnel plot shows which rates are too low (or high) to be chance. A commune without a
known population has no rate: it is listed after the ranked ones, never ranked as zero.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from safevillage.audit.log import canonical_json, record_event
from safevillage.core.periods import Period
from safevillage.ranking import stats
from safevillage.ranking.figures import CommuneFigures, commune_figures, officer_figures
from safevillage.ranking.models import (
    COMMUNE_INDICATORS,
    LOWER_IS_BETTER,
    OFFICER_INDICATORS,
    RankingLevel,
    RankingResult,
    WeightSet,
)
from safevillage.ranking.score import Indicator, rank

# Points on each funnel curve (the limits at that many populations from the least to the most).
CURVE_POINTS = 48


class NoWeights(LookupError):
    """No weight set applies to the period."""


def weights_for(period: Period) -> WeightSet:
    found = WeightSet.objects.filter(valid_from__lte=period.end).order_by("-valid_from").first()
    if found is None:
        raise NoWeights(period.id)
    return found


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _exposure(population: int, months: int) -> float:
    """Thousands of resident-years: a rate over it is per 1,000 residents a year."""
    return population / 1000 * months / 12


def _commune_indicators(rows: list[CommuneFigures]) -> list[Indicator]:
    def share(name: str, num: str, den: str, kind: str = "share") -> Indicator:
        return Indicator(
            name,
            kind,  # type: ignore[arg-type]
            [getattr(r, num) for r in rows],
            [getattr(r, den) for r in rows],
            lower_is_better=name in LOWER_IS_BETTER,
        )

    rate = Indicator(
        "offence_rate",
        "rate",
        [r.crimes for r in rows],
        [_exposure(r.population or 0, r.months) for r in rows],
        lower_is_better=True,
    )
    return [
        rate,
        share("solved", "solved", "crimes"),
        share("overdue", "overdue", "records"),
        share("forums", "forums_held", "forums_due"),
        share("confirmed", "confirmed", "answers"),
        share("completeness", "months_reported", "months", "known"),
        share("timeliness", "months_on_time", "months", "known"),
    ]


def funnel(rows: list[CommuneFigures], centre: float) -> dict[str, Any]:
    """Each commune's raw rate against its population with the 95 % and 99.8 % limits around
    the peer group's pooled rate at that population, which side it falls on, and the curves."""
    exposures = [_exposure(row.population or 0, row.months) for row in rows]
    at = stats.funnel_limits_at(centre, exposures)
    points = []
    for i, row in enumerate(rows):
        rate = row.crimes / exposures[i]
        low_998, low_95, high_95, high_998 = (
            float(at.low_998[i]),
            float(at.low_95[i]),
            float(at.high_95[i]),
            float(at.high_998[i]),
        )
        if rate > high_998:
            flag = "above_998"
        elif rate > high_95:
            flag = "above_95"
        elif rate < low_998:
            flag = "below_998"
        elif rate < low_95:
            flag = "below_95"
        else:
            flag = ""
        points.append(
            {
                "code": row.code,
                "population": row.population,
                "rate": _r(rate),
                "expected": _r(centre * exposures[i]),
                "observed": row.crimes,
                "low_998": _r(low_998),
                "low_95": _r(low_95),
                "high_95": _r(high_95),
                "high_998": _r(high_998),
                "flag": flag,
            }
        )
    curve = []
    if rows:
        months = rows[0].months
        # From a quarter of the smallest population (the funnel's mouth) to a little past the
        # largest, spaced geometrically: the limits change fastest at small populations.
        least = max((min(r.population or 0 for r in rows)) / 4, 50)
        most = max(r.population or 0 for r in rows) * 1.05
        ratio = (most / least) ** (1 / (CURVE_POINTS - 1)) if most > least else 1.0
        populations = [round(least * ratio**i) for i in range(CURVE_POINTS)]
        line = stats.funnel_limits_at(centre, [_exposure(n, months) for n in populations])
        curve = [
            {
                "population": n,
                "low_998": _r(float(line.low_998[i])),
                "low_95": _r(float(line.low_95[i])),
                "high_95": _r(float(line.high_95[i])),
                "high_998": _r(float(line.high_998[i])),
            }
            for i, n in enumerate(populations)
        ]
    return {"centre": _r(centre), "points": points, "curve": curve}


def _indicator_data(indicator: Indicator, i: int) -> dict[str, Any]:
    numerator, denominator = indicator.numerators[i], indicator.denominators[i]
    raw = numerator / denominator if denominator else None
    return {
        "numerator": int(numerator),
        # A rate's exposure is thousands of resident-years; a share's, a count.
        "denominator": _r(denominator) if indicator.kind == "rate" else int(denominator),
        "raw": _r(raw),
        "estimate": _r(indicator.estimates[i]),
    }


def rank_communes(prefix: str, period: Period, weights: WeightSet, now: datetime.datetime) -> dict[str, Any]:
    """The ranking's content, a pure function of the figures and the weights."""
    figures = commune_figures(prefix, period, now)
    ranked_rows = [r for r in figures if r.population]
    unranked = [r for r in figures if not r.population]
    indicators = _commune_indicators(ranked_rows)
    result = rank(indicators, weights.weights(COMMUNE_INDICATORS), weights.interval_percent / 100)
    exposure = sum(indicators[0].denominators)
    # The funnel's centre line: the peer group's pooled rate (Σ offences / Σ resident-years).
    fun = funnel(ranked_rows, sum(r.crimes for r in ranked_rows) / exposure if exposure else 0.0)
    flags = {p["code"]: p["flag"] for p in fun["points"]}
    rows = []
    for i, row in enumerate(ranked_rows):
        rows.append(
            {
                "code": row.code,
                "name_km": row.name_km,
                "name_latin": row.name_latin,
                "population": row.population,
                "rank": result.ranks[i],
                "rank_low": result.low[i],
                "rank_high": result.high[i],
                "score": _r(result.scores[i]),
                "funnel": flags[row.code],
                "indicators": {ind.name: _indicator_data(ind, i) for ind in indicators},
            }
        )
    rows.sort(key=lambda r: (r["rank"], r["code"]))
    rows += [
        {
            "code": row.code,
            "name_km": row.name_km,
            "name_latin": row.name_latin,
            "population": None,
            "rank": None,
            "rank_low": None,
            "rank_high": None,
            "score": None,
            "funnel": "",
            "indicators": {},
        }
        for row in unranked
    ]
    return {
        "rows": rows,
        "inputs": {
            "weights": weights.as_data(),
            "priors": _priors(indicators),
            "funnel": fun,
        },
    }


def _priors(indicators: list[Indicator]) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {}
    for ind in indicators:
        if isinstance(ind.prior, stats.GammaPrior):
            out[ind.name] = {"shape": _r(ind.prior.shape, 6), "rate": _r(ind.prior.rate, 6), "mean": _r(ind.prior.mean)}
        elif isinstance(ind.prior, stats.BetaPrior):
            out[ind.name] = {"a": _r(ind.prior.a, 6), "b": _r(ind.prior.b, 6), "mean": _r(ind.prior.mean)}
    return out


def rank_officers(prefix: str, period: Period, weights: WeightSet, now: datetime.datetime) -> dict[str, Any]:
    figures = officer_figures(prefix, period, now)
    indicators = [
        Indicator("officer_solved", "share", [f.solved for f in figures], [f.crimes for f in figures]),
        Indicator(
            "officer_overdue", "share", [f.overdue for f in figures], [f.handled for f in figures], lower_is_better=True
        ),
    ]
    result = rank(indicators, weights.weights(OFFICER_INDICATORS), weights.interval_percent / 100)
    rows = [
        {
            "code": str(f.user_id),
            "name": f.name,
            "handled": f.handled,
            "rank": result.ranks[i],
            "rank_low": result.low[i],
            "rank_high": result.high[i],
            "score": _r(result.scores[i]),
            "indicators": {ind.name: _indicator_data(ind, i) for ind in indicators},
        }
        for i, f in enumerate(figures)
    ]
    rows.sort(key=lambda r: (r["rank"], r["code"]))
    return {"rows": rows, "inputs": {"weights": weights.as_data(), "priors": _priors(indicators)}}


@dataclass
class Outcome:
    result: RankingResult
    created: bool


def compute(
    prefix: str, period: Period, level: str, *, now: datetime.datetime | None = None, by: Any = None
) -> Outcome:
    """The current ranking of ``level`` within ``prefix`` ("" the country) for ``period``,
    recomputed and stored again only if it changed. The caller has checked the reader's
    jurisdiction and that the level fits the area."""
    now = now or timezone.now()
    weights = weights_for(period)
    build = rank_communes if level == RankingLevel.COMMUNE else rank_officers
    content = build(prefix, period, weights, now)
    digest = hashlib.sha256(
        canonical_json({"area": prefix, "period": period.id, "level": level, **content}).encode()
    ).hexdigest()
    try:
        with transaction.atomic():
            outcome = _store(prefix, period, level, weights, content, digest, now)
            if outcome.created:
                # One event per changed ranking (derived from audited records, like the
                # safety decisions): which ranking, under which weights, replacing what.
                record_event(
                    "ranking.compute",
                    actor=by,
                    target_type="ranking.ranking",
                    target_id=f"{prefix or 'KH'}/{period.id}/{level}",
                    target_label=f"{prefix or 'KH'} {period.id} {level}",
                    new={"weights": weights.version, "rows": len(content["rows"]), "fingerprint": digest},
                    place_code=prefix or None,
                )
            return outcome
    except IntegrityError:
        # Two readers computed the same new ranking at once: the other one's row is current.
        current = RankingResult.objects.current().get(
            area_code=prefix, period_id=period.id, level=level, weights=weights
        )
        return Outcome(current, False)


def _store(
    prefix: str,
    period: Period,
    level: str,
    weights: WeightSet,
    content: dict[str, Any],
    digest: str,
    now: datetime.datetime,
) -> Outcome:
    current = (
        RankingResult.objects.select_for_update()
        .current()
        .filter(area_code=prefix, period_id=period.id, level=level, weights=weights)
        .first()
    )
    if current is not None and current.fingerprint == digest:
        return Outcome(current, False)
    if current is not None:
        RankingResult.objects.filter(pk=current.pk).update(superseded_at=now)
    stored = RankingResult.objects.create(
        area_code=prefix,
        period_id=period.id,
        level=level,
        weights=weights,
        rows=content["rows"],
        inputs=content["inputs"],
        fingerprint=digest,
        computed_at=now,
    )
    return Outcome(stored, True)
