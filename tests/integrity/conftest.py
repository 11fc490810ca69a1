"""Flags of Kansoam Ak (140305) and of the neighbouring district's commune (140401), and the
people who read and review them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from safevillage.accounts.models import User
from safevillage.accounts.roles import Role
from safevillage.integrity.models import Flag
from safevillage.places.models import Place


@pytest.fixture
def make_flag(places: dict[str, Place]) -> Callable[..., Flag]:
    def make(code: str = "140305", rule: str = "mediation_not_allowed", period: str = "2025Q4", **extra: Any) -> Flag:
        now = timezone.now()
        values: dict[str, Any] = {
            "place": places.get(code),
            "place_code": code,
            "period_id": period,
            "rule": rule,
            "severity": "high",
            "evidence": {"by_category": {"robbery": 2}},
            "record_ids": [],
            "record_count": 2,
            "query": {"place": code, "period": period, "outcome": "mediated"},
            "first_found_at": now,
            "last_found_at": now,
            **extra,
        }
        return Flag.objects.create(**values)

    return make


@pytest.fixture
def auditor(places: dict[str, Place], make_user: Callable[..., User]) -> User:
    """An auditor of Prey Veng (14): reads flags, reviews none."""
    return make_user("auditor", Role.AUDITOR, places["14"], full_name="Auditor Lim")
