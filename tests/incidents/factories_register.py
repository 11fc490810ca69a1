"""Records for the register's tests, created directly (intake is tested elsewhere): every
required field filled, deadlines derived from the category as intake derives them."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.utils import timezone

from safevillage.incidents.models import Channel, Incident, Status
from safevillage.places.models import Place
from safevillage.policy.models import Category, Criterion, FrameworkVersion

UTC = datetime.UTC
# The pages read the clock, so records are placed relative to the time the tests start;
# tests of the rules themselves pass a fixed ``now`` explicitly.
NOW = timezone.now().replace(microsecond=0)

_numbers = itertools.count(1)


def category(code: str = "theft", *, days: tuple[int, int, int] = (1, 7, 30), **extra: Any) -> Category:
    if extra.get("is_crime"):
        extra.setdefault("closure_kind", "crime")  # a crime, and only a crime, closes as one
    framework, _ = FrameworkVersion.objects.get_or_create(
        code="2021",
        defaults={"effective_from": datetime.date(2021, 1, 25), "name_km": "ចំណុច ៧", "name_en": "Seven points"},
    )
    point, _ = Criterion.objects.get_or_create(
        framework=framework, number=2, defaults={"name_km": "គ្មានបទល្មើស", "name_en": "No crime"}
    )
    made, _ = Category.objects.get_or_create(
        code=code,
        defaults={
            "name_km": f"ប្រភេទ {code}",
            "name_en": code.replace("_", " ").capitalize(),
            "point_2021": point,
            "acknowledge_days": days[0],
            "first_action_days": days[1],
            "close_days": days[2],
            **extra,
        },
    )
    return made


def incident(
    village: Place,
    *,
    reported_at: datetime.datetime | None = None,
    occurred_at: datetime.datetime | None = None,
    kind: Category | None = None,
    status: str = Status.RECEIVED,
    channel: str = Channel.IN_PERSON,
    description: str = "A motorbike was taken from the market.",
    **fields: Any,
) -> Incident:
    reported_at = reported_at or NOW - datetime.timedelta(days=2)
    occurred_at = occurred_at or reported_at - datetime.timedelta(hours=5)
    kind = kind or category()
    local = timezone.localtime(occurred_at)
    number = next(_numbers)
    if status == Status.CLOSED:
        fields.setdefault("outcome", "mediated")
        fields.setdefault("closed_at", reported_at + datetime.timedelta(hours=1))
    values: dict[str, Any] = {
        "reference": f"{village.code[:2]}-{village.code[:4]}-{timezone.localtime(reported_at).year}-{number:06d}",
        "channel": channel,
        "category": kind,
        "village": village,
        "place_code": village.code,
        "occurred_at": occurred_at,
        "period_month": local.year * 100 + local.month,
        "reported_at": reported_at,
        "description": description,
        "status": status,
        "acknowledge_due_at": reported_at + datetime.timedelta(days=kind.acknowledge_days),
        "action_due_at": reported_at + datetime.timedelta(days=kind.first_action_days),
        "close_due_at": reported_at + datetime.timedelta(days=kind.close_days),
    }
    values.update(fields)
    return Incident.objects.create(**values)


def on_time(village: Place, **fields: Any) -> Incident:
    """An open record with every deadline still ahead at NOW."""
    return incident(village, reported_at=NOW - datetime.timedelta(hours=2), **fields)


def overdue(village: Place, *, days_late: int = 3, **fields: Any) -> Incident:
    """An open record whose acknowledgement is ``days_late`` days (and a bit) late at NOW."""
    reported = NOW - datetime.timedelta(days=1 + days_late, hours=1)
    return incident(village, reported_at=reported, **fields)
