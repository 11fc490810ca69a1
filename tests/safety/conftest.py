"""Records of 2025Q1 in Kansoam Ak (140305, 11,200 residents) and its neighbours, built as the
report tests build them (tests/reports/conftest.py), and reports submitted or not."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from safevillage.core.periods import Period
from safevillage.incidents.models import Incident
from safevillage.places.models import Place
from safevillage.policy.models import FrameworkVersion
from safevillage.reports.models import ReportStatus, ResultReport
from tests.reports.conftest import _cache, create

Q1 = Period.parse("2025Q1")


@pytest.fixture(autouse=True)
def _fresh_lookups() -> Any:
    """Categories and places by code are cached for one test (ids differ between tests)."""
    _cache.clear()
    yield
    _cache.clear()


def ensure_first_thresholds() -> None:
    """The threshold set the data migration installs, again: a transactional test (the worker's,
    the browser's) empties every table when it ends, migration data included."""
    import importlib

    from safevillage.safety.models import ThresholdSet

    first = importlib.import_module("safevillage.safety.migrations.0002_first_threshold_set").FIRST
    ThresholdSet.objects.get_or_create(version=first["version"], defaults=first)


@pytest.fixture
def make_record(policy: None, places: dict[str, Place]) -> Callable[..., Incident]:
    return create


@pytest.fixture
def submit() -> Callable[..., ResultReport]:
    """``submit("140305")``: the commune's report for 2025Q1, as submitted."""

    def make(code: str, period: Period = Q1, status: str = ReportStatus.SUBMITTED) -> ResultReport:
        from django.utils import timezone

        return ResultReport.objects.create(
            place=Place.objects.get(code=code),
            place_code=code,
            period_id=period.id,
            first_month=period.first_month,
            last_month=period.last_month,
            status=status,
            submitted_at=timezone.now(),
        )

    return make


@pytest.fixture
def fw2010(policy: None) -> FrameworkVersion:
    return FrameworkVersion.objects.get(code="2010")


@pytest.fixture
def fw2021(policy: None) -> FrameworkVersion:
    return FrameworkVersion.objects.get(code="2021")


def verdicts(decision: Any) -> dict[int, str]:
    return {item["number"]: item["verdict"] for item in decision.criteria}


# The real WSGI application and device tokens, for the schema test.
from tests.security.conftest import token_for, wsgi_app  # noqa: E402, F401
