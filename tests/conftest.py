"""Shared fixtures: a small gazetteer and named personas.

The gazetteer fragment is real (NCDD codes and names): Kandal (08) with Kandal Stueng
(0801) and Khsach Kandal (0803); Kampong Cham (03)... and Kampong Trabaek (1403) in Prey
Veng (14), whose commune Kansoam Ak (140305) and its neighbour Kampong Trabaek (140306)
are the personas' home communes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from safevillage.accounts.models import RoleAssignment, User
from safevillage.accounts.roles import Role
from safevillage.places.models import Level, Place, PopulationSource, UnitType

# The referral personas (teams, providers and their accounts), for tests/referrals and the browser tests.
pytest_plugins = ["tests.referrals.personas"]


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """A test that reads the database may read both: a provincial or national quarterly report
    counts the referrals (suppressed) in their own database."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and not {"db", "transactional_db"} & set(item.fixturenames):
            continue
        kwargs = dict(marker.kwargs) if marker else {}
        if "databases" not in kwargs:
            args = marker.args if marker else ()
            item.add_marker(pytest.mark.django_db(*args, databases="__all__", **kwargs))


# (code, unit type, Khmer, Latin, population, year, source)
GAZETTEER: list[tuple[str, str, str, str, int | None, int | None, str]] = [
    ("08", UnitType.KHAET, "កណ្តាល", "Kandal", 1201581, 2019, PopulationSource.CENSUS),
    ("0801", UnitType.SROK, "កណ្តាលស្ទឹង", "Kandal Stueng", None, None, ""),
    ("080101", UnitType.KHUM, "អំពៅព្រៃ", "Ampov Prey", 9800, 2019, PopulationSource.ESTIMATE),
    ("08010101", UnitType.PHUM, "ឈើទាល", "Chheu Teal", None, None, ""),
    ("14", UnitType.KHAET, "ព្រៃវែង", "Prey Veng", 1057720, 2019, PopulationSource.CENSUS),
    ("1403", UnitType.SROK, "កំពង់ត្របែក", "Kampong Trabaek", None, None, ""),
    ("140305", UnitType.KHUM, "កន្សោមអក", "Kansoam Ak", 11200, 2019, PopulationSource.ESTIMATE),
    ("14030501", UnitType.PHUM, "កន្សោមអក", "Kansoam Ak", 1800, 2019, PopulationSource.ESTIMATE),
    ("14030502", UnitType.PHUM, "ព្រៃទទឹង", "Prey Totueng", 1500, 2019, PopulationSource.ESTIMATE),
    ("140306", UnitType.KHUM, "កំពង់ត្របែក", "Kampong Trabaek", 14900, 2019, PopulationSource.ESTIMATE),
    ("14030601", UnitType.PHUM, "ត្របែក", "Trabaek", 2100, 2019, PopulationSource.ESTIMATE),
    ("1404", UnitType.SROK, "កញ្ជ្រៀច", "Kanhchriech", None, None, ""),
    ("140401", UnitType.KHUM, "ជាខ្មៅ", "Chea Khmau", 8000, 2019, PopulationSource.ESTIMATE),
    ("14040101", UnitType.PHUM, "ជាខ្មៅ", "Chea Khmau", 900, 2019, PopulationSource.ESTIMATE),
]


def make_places() -> dict[str, Place]:
    places: dict[str, Place] = {}
    for code, unit_type, name_km, name_latin, population, year, source in GAZETTEER:
        places[code] = Place.objects.create(
            code=code,
            level=Level(len(code) // 2),
            parent=places.get(code[:-2]),
            unit_type=unit_type,
            name_km=name_km,
            name_latin=name_latin,
            population=population,
            population_year=year,
            population_source=source,
        )
    return places


@pytest.fixture
def places(db: Any) -> dict[str, Place]:
    return make_places()


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(username: str, role: str | None = None, place: Place | None = None, **extra: Any) -> User:
        user = User.objects.create_user(username=username, password="correct horse battery", **extra)
        if role is not None:
            RoleAssignment.objects.create(user=user, role=role, place=place)
        return user

    return make


@pytest.fixture
def sokha(places: dict[str, Place], make_user: Callable[..., User]) -> User:
    """Commune police officer of Kansoam Ak (140305), Prey Veng."""
    return make_user("sokha", Role.COMMUNE_POLICE, places["140305"], full_name="Sokha Chan")


@pytest.fixture
def dara(places: dict[str, Place], make_user: Callable[..., User]) -> User:
    """Commune police officer of the neighbouring commune, Kampong Trabaek (140306)."""
    return make_user("dara", Role.COMMUNE_POLICE, places["140306"], full_name="Dara Keo")


@pytest.fixture
def vannak(places: dict[str, Place], make_user: Callable[..., User]) -> User:
    """District officer of Kampong Trabaek district (1403)."""
    return make_user("vannak", Role.DISTRICT_OFFICER, places["1403"], full_name="Vannak Heng")


@pytest.fixture
def chenda(places: dict[str, Place], make_user: Callable[..., User]) -> User:
    """Provincial secretariat of Prey Veng (14)."""
    return make_user("chenda", Role.PROVINCIAL_SECRETARIAT, places["14"], full_name="Chenda Sok")


@pytest.fixture
def national(places: dict[str, Place], make_user: Callable[..., User]) -> User:
    """National secretariat: the whole country."""
    return make_user("national", Role.NATIONAL_SECRETARIAT, None, full_name="Rithy Nuon")


@pytest.fixture
def nobody(make_user: Callable[..., User]) -> User:
    """An account with no assignment."""
    return make_user("nobody")


@pytest.fixture
def policy(db: Any) -> None:
    """The shipped policy: frameworks, criteria, categories with deadlines, context tags."""
    import io

    from django.core.management import call_command

    call_command("load_policy", stdout=io.StringIO())


@pytest.fixture
def make_incident(policy: None, places: dict[str, Place]) -> Callable[..., Any]:
    """``make_incident(by, village="14030501", category="theft", **fields)``: a record entered
    through intake and the create action (tests/factories.py)."""
    from tests.factories import make_incident as make

    return make


@pytest.fixture
def khmer_default(settings: Any) -> None:
    """The product's own default language (the test settings read English)."""
    settings.LANGUAGE_CODE = "km"
