"""Records of 2025Q1 in Prey Veng's communes, built as the report tests build them, and the
first weight set (a transactional test empties migration data)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.safety.conftest import Q1, _fresh_lookups, make_record, submit  # noqa: F401
from tests.security.conftest import token_for, wsgi_app  # noqa: F401


def ensure_first_weights() -> None:
    import importlib

    from safevillage.ranking.models import WeightSet

    first = importlib.import_module("safevillage.ranking.migrations.0002_first_weight_set").FIRST
    WeightSet.objects.get_or_create(version=first["version"], defaults=first)


@pytest.fixture(autouse=True)
def _weights(db: Any) -> None:
    ensure_first_weights()
