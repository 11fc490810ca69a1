"""The year 2025 in Prey Veng (14): Chea Khmau (140401) recorded nothing, Kansoam Ak (140305)
two thefts, both solved, Kampong Trabaek (140306) an open robbery; the first two submitted
their yearly report, the third none. The provincial secretariat (chenda) decides the
province's awards, an auditor of the province reads them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from safevillage.accounts.models import User
from safevillage.accounts.roles import Role
from safevillage.awards import actions
from safevillage.awards.models import AwardRound
from safevillage.core.periods import Period
from safevillage.integrity.models import Flag
from safevillage.places.models import Place
from tests.ranking.conftest import ensure_first_weights
from tests.reports.conftest import close, local
from tests.safety.conftest import _fresh_lookups, make_record, submit  # noqa: F401

YEAR = 2025
Y2025 = Period.parse("2025")


@pytest.fixture(autouse=True)
def _weights(db: Any) -> None:
    ensure_first_weights()


@pytest.fixture
def prey_veng(make_record: Callable[..., Any], submit: Callable[..., Any]) -> None:  # noqa: F811
    close(make_record("14030501", "theft", local(2025, 3)), "solved", local(2025, 4, 1), arrests=1)
    close(make_record("14030502", "theft", local(2025, 6)), "solved", local(2025, 7, 1), arrests=1)
    make_record("14030601", "robbery", local(2025, 5))
    submit("140305", Y2025)
    submit("140401", Y2025)


@pytest.fixture
def auditor(places: dict[str, Place], make_user: Callable[..., User]) -> User:
    return make_user("auditor", Role.AUDITOR, places["14"], full_name="Auditor Lim")


@pytest.fixture
def province_round(prey_veng: None, chenda: User) -> AwardRound:
    return actions.open_round(by=chenda, area_code="14", year=YEAR, kind="commune")


@pytest.fixture
def open_flag(places: dict[str, Place]) -> Callable[..., Flag]:
    def make(code: str = "140401", period: str = "2025Q3") -> Flag:
        from django.utils import timezone

        now = timezone.now()
        return Flag.objects.create(
            place=places[code],
            place_code=code,
            period_id=period,
            rule="implausible_drop",
            severity="high",
            evidence={},
            first_found_at=now,
            last_found_at=now,
        )

    return make
