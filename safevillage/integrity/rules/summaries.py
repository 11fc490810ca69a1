"""Rules that read the summaries and the stored audit verdicts, never the register: a
national run reads a few thousand counters (``reports.models``)."""

from __future__ import annotations

from django.db.models import F, Q, Sum

from safevillage.audit.models import AuditEvent, Verification
from safevillage.core.periods import Period
from safevillage.integrity.rules.base import Finding, Scope, poisson_lower_tail
from safevillage.places.codes import under
from safevillage.reports.models import Basis, CaseSummary, CrimeSummary, Grain

HISTORY_PERIODS = 4
# A drop is judged only where enough offences were expected for its absence to mean something.
MIN_EXPECTED = 8.0
MAX_OBSERVED_SHARE = 0.5
DROP_P_VALUE = 0.001


def _crimes(months: list[int], prefix: str) -> dict[str, int]:
    query = CrimeSummary.objects.filter(grain=Grain.MONTH, period_key__in=months)
    if prefix:
        query = query.filter(under("place_code", prefix))
    rows = query.values("place_code").annotate(n=Sum("reported")).order_by()
    return {row["place_code"]: row["n"] for row in rows}


def implausible_drop(scope: Scope) -> list[Finding]:
    """Crimes in the period against the commune's own mean over the four periods before,
    scaled by how much its district's other communes changed: a count at most half of that
    expectation, with a Poisson probability below 0.001, is flagged."""
    history_periods: list[Period] = []
    period = scope.period
    for _ in range(HISTORY_PERIODS):
        period = period.previous()
        history_periods.append(period)
    # Neighbours: the whole district, even when the scope is a commune.
    prefix = scope.prefix[:4]
    now = _crimes(scope.period.months, prefix)
    past = [_crimes(p.months, prefix) for p in history_periods]
    communes = set(now) | {code for found in past for code in found}
    mean = {code: sum(found.get(code, 0) for found in past) / HISTORY_PERIODS for code in communes}
    district_now: dict[str, int] = {}
    district_past: dict[str, float] = {}
    for code in communes:
        district_now[code[:4]] = district_now.get(code[:4], 0) + now.get(code, 0)
        district_past[code[:4]] = district_past.get(code[:4], 0.0) + mean[code]
    findings = []
    for code in sorted(communes):
        if scope.prefix and not code.startswith(scope.prefix):
            continue
        others_now = district_now[code[:4]] - now.get(code, 0)
        others_past = district_past[code[:4]] - mean[code]
        trend = others_now / others_past if others_past > 0 else 1.0
        expected = mean[code] * trend
        observed = now.get(code, 0)
        if expected < MIN_EXPECTED or observed > MAX_OBSERVED_SHARE * expected:
            continue
        p_value = poisson_lower_tail(observed, expected)
        if p_value >= DROP_P_VALUE:
            continue
        findings.append(
            Finding(
                "implausible_drop",
                code,
                {
                    "observed": observed,
                    "history": {p.id: found.get(code, 0) for p, found in zip(history_periods, past, strict=True)},
                    "own_mean": round(mean[code], 2),
                    "neighbours_trend": round(trend, 3),
                    "expected": round(expected, 2),
                    "drop_percent": round(100 * (1 - observed / expected), 1),
                    "p_value": float(f"{p_value:.3g}"),
                },
                query={"place": code, "period": scope.period.id, "crime": "true"},
            )
        )
    return findings


def solved_impossible(scope: Scope) -> list[Finding]:
    """Summary counters that cannot be true of real records: more solved than reported among
    the offences of the period (by month of occurrence), or more solved by arrest than solved.
    The database refuses a solved record without its clearance, so such figures come from
    counters or reports written around the records."""
    quarters = [q.year * 10 + q.index for q in scope.period.quarters()]
    # Row by row, not summed: a counter inflated in one month hides in a quarter's total.
    query = CaseSummary.objects.filter(basis=Basis.OCCURRED).filter(
        Q(grain=Grain.MONTH, period_key__gte=scope.period.first_month, period_key__lte=scope.period.last_month)
        | Q(grain=Grain.QUARTER, period_key__in=quarters)
    )
    if scope.prefix:
        query = query.filter(under("place_code", scope.prefix))
    rows = (
        query.filter(Q(solved__gt=F("reported")) | Q(solved_by_arrest__gt=F("solved")))
        .values("place_code", "grain", "period_key", "category__code", "reported", "solved", "solved_by_arrest")
        .order_by("place_code", "grain", "period_key", "category__code")
    )
    by_place: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        by_place.setdefault(row["place_code"], []).append(
            {
                "period": row["period_key"],
                "category": row["category__code"],
                "reported": row["reported"],
                "solved": row["solved"],
                "solved_by_arrest": row["solved_by_arrest"],
            }
        )
    return [
        Finding(
            "solved_impossible",
            code,
            {"categories": found},
            record_count=len(found),
            query={"place": code, "period": scope.period.id, "outcome": "solved"},
        )
        for code, found in sorted(by_place.items())
    ]


def audit_chain_break(scope: Scope) -> list[Finding]:
    """The latest stored verdict of the audit chain (``audit.verify``, checked daily), when
    broken: flagged at the place of the event where it breaks (the country when that event
    names none or is gone)."""
    verdict = Verification.objects.first()
    if verdict is None or verdict.intact:
        return []
    event = None
    if verdict.broken_at is not None:
        event = AuditEvent.objects.filter(seq=verdict.broken_at).values_list("place_code", flat=True).first()
    code = (event or "")[:6]
    if scope.prefix and not code.startswith(scope.prefix):
        return []
    return [
        Finding(
            "audit_chain_break",
            code,
            {
                "verified_at": verdict.verified_at.isoformat(),
                "broken_at": verdict.broken_at,
                "problem": verdict.problem,
                "events": verdict.events,
            },
        )
    ]
