"""Classifying places and storing the decisions with their history.

``classify`` judges every place of one level under a prefix for a period and framework,
stores a new decision only where the decision or what it was read from changed (equal
fingerprints: nothing written), and marks the decision it replaces superseded — so that a
decision that changes after a record changes keeps its history. One audit event records a
run that changed decisions (the decisions are derived from audited records; an event per
place would fill the chain with thousands of rows a night).
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from safevillage.audit.log import canonical_json, record_event
from safevillage.core.periods import Period
from safevillage.places.codes import under
from safevillage.places.models import Level
from safevillage.policy.models import Criterion, FrameworkVersion
from safevillage.safety.inputs import PlaceFigures, commune_figures, village_figures
from safevillage.safety.models import SafetyDecision, ThresholdSet
from safevillage.safety.rules import Figures, Thresholds, judge, overall


class NoThresholds(LookupError):
    """No threshold set applies to the period (none valid from on or before its last day)."""


def thresholds_for(period: Period) -> ThresholdSet:
    found = ThresholdSet.objects.filter(valid_from__lte=period.end).order_by("-valid_from").first()
    if found is None:
        raise NoThresholds(period.id)
    return found


def framework_in_force(period: Period) -> FrameworkVersion | None:
    """The framework in force at the end of the period (the 2021 points from 25 January 2021);
    the earliest for a period before every framework."""
    frameworks = FrameworkVersion.objects.order_by("-effective_from")
    return frameworks.filter(effective_from__lte=period.end).first() or frameworks.last()


def _thresholds(ts: ThresholdSet) -> Thresholds:
    return Thresholds(
        ts.max_offences_per_1000_year,
        ts.min_solved_percent,
        ts.max_traffic_accidents_per_1000_year,
        ts.max_traffic_deaths,
        ts.max_overdue,
    )


def decide(
    figures: PlaceFigures,
    period: Period,
    framework: FrameworkVersion,
    criteria: list[Criterion],
    thresholds: ThresholdSet,
) -> dict[str, Any]:
    """The decision's stored content, a pure function of its arguments."""
    limits = _thresholds(thresholds)
    judgements = [
        judge(
            framework.code,
            criterion.number,
            figures.by_criterion.get(criterion.number, Figures()),
            thresholds=limits,
            population=figures.population,
            months=len(period.months),
            report_submitted=figures.report_submitted,
        )
        for criterion in criteria
    ]
    return {
        "overall": overall(judgements).value,
        "criteria": [
            {
                **j.as_data(),
                "trace": {"criterion": f"{framework.code}-{c.number}"},
            }
            for j, c in zip(judgements, criteria, strict=True)
        ],
        "inputs": {
            "population": figures.population,
            "report_submitted": figures.report_submitted,
            "months": len(period.months),
            "thresholds": thresholds.as_data(),
        },
    }


def fingerprint(place_code: str, period: Period, framework: FrameworkVersion, content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the decision. ``decide`` builds only JSON values
    (strings, integers, lists, dicts, None), so what is hashed is what the row stores."""
    data = {"place": place_code, "period": period.id, "framework": framework.code, **content}
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


@dataclass
class Run:
    """What one classification run did."""

    places: int = 0
    created: int = 0
    unchanged: int = 0
    overall: Counter[str] = field(default_factory=Counter)
    decisions: dict[str, SafetyDecision] = field(default_factory=dict)


def classify(
    prefix: str,
    period: Period,
    framework: FrameworkVersion,
    level: Level = Level.COMMUNE,
    *,
    now: datetime.datetime | None = None,
    by: Any = None,
    load: bool = True,
) -> Run:
    """Classify every current commune (or village) under ``prefix`` ("" for the country).
    ``run.decisions`` holds the current decision of each place, or with ``load=False`` only
    the new ones (a national run that needs only the counts). The caller has checked the
    reader's jurisdiction."""
    now = now or timezone.now()
    thresholds = thresholds_for(period)
    criteria = list(Criterion.objects.filter(framework=framework).order_by("number"))
    read = commune_figures if level == Level.COMMUNE else village_figures
    places = read(prefix, period, framework, now)
    run = Run(places=len(places))
    with transaction.atomic():
        # Only the fingerprints: a national run compares 1,661 (or 14,505) of them and decodes
        # no stored evidence unless asked (``load``).
        current = {
            code: (pk, digest)
            for code, pk, digest in SafetyDecision.objects.select_for_update()
            .current()
            .filter(under("place_code", prefix), period_id=period.id, framework=framework)
            .values_list("place_code", "pk", "fingerprint")
            if code in places
        }
        new: list[SafetyDecision] = []
        unchanged: list[int] = []
        for code in sorted(places):
            content = decide(places[code], period, framework, criteria, thresholds)
            digest = fingerprint(code, period, framework, content)
            run.overall[content["overall"]] += 1
            old = current.get(code)
            if old is not None and old[1] == digest:
                unchanged.append(old[0])
                continue
            new.append(
                SafetyDecision(
                    place_id=places[code].place_id,
                    place_code=code,
                    period_id=period.id,
                    framework=framework,
                    thresholds=thresholds,
                    overall=content["overall"],
                    criteria=content["criteria"],
                    inputs=content["inputs"],
                    fingerprint=digest,
                    computed_at=now,
                )
            )
        replaced = {current[d.place_code][0]: d for d in new if d.place_code in current}
        # Superseded first: at most one current decision per place, period and framework.
        SafetyDecision.objects.filter(pk__in=list(replaced)).update(superseded_at=now)
        SafetyDecision.objects.bulk_create(new, batch_size=1000)
        if replaced:
            links = [SafetyDecision(pk=old_pk, superseded_by_id=d.pk) for old_pk, d in replaced.items()]
            SafetyDecision.objects.bulk_update(links, ["superseded_by"], batch_size=1000)
        run.unchanged = len(unchanged)
        for decision in new:
            run.decisions[decision.place_code] = decision
        if load and unchanged:
            for decision in SafetyDecision.objects.filter(pk__in=unchanged).select_related("thresholds"):
                run.decisions[decision.place_code] = decision
        run.created = len(new)
        if new:
            record_event(
                "safety.classify",
                actor=by,
                target_type="safety.classification",
                target_id=f"{prefix or 'KH'}/{period.id}/{framework.code}",
                target_label=f"{prefix or 'KH'} {period.id} {framework.code}",
                new={
                    "level": int(level),
                    "changed": len(new),
                    "superseded": len(replaced),
                    "thresholds": thresholds.version,
                },
                place_code=prefix or None,
            )
    return run


def classify_place(
    place_code: str, level: int, period: Period, framework: FrameworkVersion, *, by: Any = None
) -> SafetyDecision | None:
    """The current decision of one commune or village, recomputed (stored again only if changed)."""
    run = classify(place_code, period, framework, Level(level), by=by)
    return run.decisions.get(place_code)


def history(place_code: str, period: Period, framework: FrameworkVersion) -> list[SafetyDecision]:
    """Every decision of the place, period and framework, newest first."""
    return list(
        SafetyDecision.objects.filter(place_code=place_code, period_id=period.id, framework=framework).order_by(
            "-computed_at", "-id"
        )
    )
