"""Running the checks and keeping the flags: one row per place, period and rule.

A run replaces what the rules found under its scope: a finding new to the place, period and
rule is a new open flag; one found again refreshes its evidence (and reopens a reviewed flag
whose records grew: the review did not cover them); a flag the run no longer finds is kept
with its review and marked inactive. Every flag raised, reopened or cleared is an audit
event, written in the run's one transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from safevillage.audit.log import record_events
from safevillage.core.periods import Period
from safevillage.integrity.catalogue import BY_CODE
from safevillage.integrity.models import MAX_RECORD_IDS, Flag, FlagStatus
from safevillage.integrity.rules import CHECKS
from safevillage.integrity.rules.base import Finding, Scope
from safevillage.places.codes import under
from safevillage.places.models import Place


@dataclass
class RunResult:
    period: Period
    prefix: str
    found: dict[str, int] = field(default_factory=dict)
    raised: int = 0
    reopened: int = 0
    cleared: int = 0

    def describe(self) -> str:
        total = sum(self.found.values())
        return (
            f"{self.period.id} {self.prefix or 'KH'}: {total} finding(s); {self.raised} flag(s) raised, "
            f"{self.reopened} reopened, {self.cleared} no longer found."
        )


def find(scope: Scope, rules: Iterable[str] | None = None) -> list[Finding]:
    """What the rules find, without storing anything (the drill compares it with its plan)."""
    findings: list[Finding] = []
    for code in rules or CHECKS:
        findings.extend(CHECKS[code](scope))
    return findings


def _event(action: str, flag: Flag, **data: object) -> dict[str, object]:
    return {
        "action": action,
        "actor": None,
        "target_type": "integrity.flag",
        "target_id": str(flag.pk),
        "target_label": str(flag),
        "new": {"rule": flag.rule, "period": flag.period_id, "record_count": flag.record_count, **data},
        "place_code": flag.place_code or None,
    }


@transaction.atomic
def run_checks(
    period: Period, prefix: str = "", rules: Iterable[str] | None = None, now: datetime.datetime | None = None
) -> RunResult:
    now = now or timezone.now()
    codes = list(rules or CHECKS)
    result = RunResult(period, prefix)
    findings = find(Scope(period, prefix), codes)
    for code in codes:
        result.found[code] = sum(1 for f in findings if f.rule == code)
    existing_query = Flag.objects.select_for_update().filter(period_id=period.id, rule__in=codes)
    if prefix:
        existing_query = existing_query.filter(under("place_code", prefix))
    existing = {(f.place_code, f.rule): f for f in existing_query}
    places = dict(
        Place.objects.filter(code__in={f.place_code for f in findings if f.place_code}).values_list("code", "pk")
    )
    events: list[dict[str, object]] = []
    seen = set()
    for finding in findings:
        key = (finding.place_code, finding.rule)
        seen.add(key)
        flag = existing.get(key)
        count = finding.record_count or len(finding.record_ids)
        if flag is None:
            flag = Flag.objects.create(
                place_id=places.get(finding.place_code),
                place_code=finding.place_code,
                period_id=period.id,
                rule=finding.rule,
                severity=BY_CODE[finding.rule].severity,
                evidence=finding.evidence,
                record_ids=finding.record_ids[:MAX_RECORD_IDS],
                record_count=count,
                query=finding.query,
                first_found_at=now,
                last_found_at=now,
            )
            result.raised += 1
            events.append(_event("integrity.flag.raise", flag))
            continue
        grew = count > flag.record_count
        flag.evidence, flag.record_ids, flag.query = (
            finding.evidence,
            finding.record_ids[:MAX_RECORD_IDS],
            finding.query,
        )
        flag.record_count, flag.last_found_at, flag.active = count, now, True
        if flag.status != FlagStatus.OPEN and grew:
            events.append(_event("integrity.flag.reopen", flag, was=flag.status))
            flag.status = FlagStatus.OPEN
            flag.version += 1
            result.reopened += 1
        flag.save()
    for key, flag in existing.items():
        if key not in seen and flag.active:
            flag.active = False
            flag.save(update_fields=["active"])
            events.append(_event("integrity.flag.clear", flag))
            result.cleared += 1
    record_events(events)
    return result


def last_ended_period(today: datetime.date | None = None) -> Period:
    """The quarter before the present one: the daily job's period."""
    from safevillage.core.periods import PeriodKind

    return Period.containing(today or timezone.localdate(), PeriodKind.QUARTER).previous()
