"""Records for report tests, built directly (a report test needs records in given states at
given times, which the actions would stamp with the present), and the summaries kept in step
exactly as the incident actions keep them: ``apply_change(before, after)`` in the same
transaction as the change."""

from __future__ import annotations

import datetime
import itertools
import zoneinfo
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from safevillage.core.periods import local_month
from safevillage.incidents.models import Incident
from safevillage.places.models import Level, Place, PopulationSource, UnitType
from safevillage.policy.models import Category
from safevillage.reports.rebuild import rebuild
from safevillage.reports.summary import apply_change, summary_row
from tests.reports.community_data import programmes  # noqa: F401  # a fixture of the community section's tests

PHNOM_PENH = zoneinfo.ZoneInfo("Asia/Phnom_Penh")
_numbers = itertools.count(1)
# Categories and places by code, for the current test only (ids differ between tests).
_cache: dict[tuple[type, str], Any] = {}


@pytest.fixture(autouse=True)
def _fresh_lookups() -> Any:
    _cache.clear()
    yield
    _cache.clear()


def _lookup(model: type[Category] | type[Place], code: str) -> Any:
    key = (model, code)
    if key not in _cache:
        _cache[key] = model.objects.get(code=code)
    return _cache[key]


def local(year: int, month: int, day: int = 15, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=PHNOM_PENH)


def build(
    village: str,
    category: str,
    occurred: datetime.datetime,
    *,
    status: str = "received",
    outcome: str = "",
    closed: datetime.datetime | None = None,
    arrests: int = 0,
    channel: str = "in_person",
    deaths: int = 0,
    injuries: int = 0,
) -> Incident:
    """An unsaved record with every required field filled, as intake would fill it."""
    cat = _lookup(Category, category)
    number = next(_numbers)
    reported = occurred + datetime.timedelta(hours=2)
    clearance = "arrest" if outcome == "solved" else ""
    if status == "closed" and closed is None:
        closed = occurred + datetime.timedelta(days=5)
    return Incident(
        # The register's own format, so that lists and links of these records render.
        reference=f"{village[:2]}-{village[:4]}-{occurred.astimezone(PHNOM_PENH).year}-{number:06d}",
        channel=channel,
        category=cat,
        village=_lookup(Place, village),
        place_code=village,
        occurred_at=occurred,
        period_month=occurred.astimezone(PHNOM_PENH).year * 100 + occurred.astimezone(PHNOM_PENH).month,
        reported_at=reported,
        description="Test record",
        status=status,
        outcome=outcome if status == "closed" else "",
        clearance=clearance if status == "closed" else "",
        arrests=arrests,
        deaths=deaths,
        injuries=injuries,
        acknowledge_due_at=reported + datetime.timedelta(days=cat.acknowledge_days),
        action_due_at=reported + datetime.timedelta(days=cat.first_action_days),
        close_due_at=reported + datetime.timedelta(days=cat.close_days),
        acknowledged_at=reported + datetime.timedelta(hours=1) if status != "received" else None,
        first_action_at=reported + datetime.timedelta(hours=2) if status != "received" else None,
        closed_at=closed if status == "closed" else None,
        # Set here too: bulk_create does not call save(), which keeps it in step.
        closed_month=local_month(closed) if status == "closed" and closed is not None else None,
    )


def create(*args: Any, **kwargs: Any) -> Incident:
    """Save one record and count it, as the intake action will."""
    with transaction.atomic():
        incident = build(*args, **kwargs)
        incident.save()
        apply_change(None, summary_row(incident))
    return incident


def change(incident: Incident, **fields: Any) -> Incident:
    """Change a record and move its counters, as every incident action will: the row before
    (after the lock), the change, the row after, in one transaction."""
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        before = summary_row(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        apply_change(before, summary_row(locked))
    return locked


def close(incident: Incident, outcome: str, when: datetime.datetime, arrests: int = 0) -> Incident:
    return change(
        incident,
        status="closed",
        outcome=outcome,
        clearance="arrest" if outcome == "solved" else "",
        closed_at=when,
        arrests=arrests,
        acknowledged_at=incident.acknowledged_at or incident.reported_at,
    )


@pytest.fixture
def make_record(policy: None, places: dict[str, Place]) -> Callable[..., Incident]:
    return create


KANDAL_EXTRA = [
    ("08010102", UnitType.PHUM, "ព្រែកតាមាក់", "Preaek Ta Meak", 1400),
    ("08010103", UnitType.PHUM, "អំពៅព្រៃ", "Ampov Prey", 1300),
    ("0802", UnitType.SROK, "កៀនស្វាយ", "Kien Svay", None),
    ("080201", UnitType.KHUM, "ឈើទាល", "Chheu Teal", 12000),
    ("08020101", UnitType.PHUM, "ព្រែកថ្មី", "Preaek Thmei", 1700),
    ("08020102", UnitType.PHUM, "ក្បាលកោះ", "Kbal Kaoh", 1600),
]
KANDAL_VILLAGES = ["08010101", "08010102", "08010103", "08020101", "08020102"]


@pytest.fixture
def kandal(places: dict[str, Place], policy: None) -> dict[str, Place]:
    """Kandal province with two districts, two communes and five villages."""
    for code, unit_type, name_km, name_latin, population in KANDAL_EXTRA:
        places[code] = Place.objects.create(
            code=code,
            level=Level(len(code) // 2),
            parent=places[code[:-2]],
            unit_type=unit_type,
            name_km=name_km,
            name_latin=name_latin,
            population=population,
            population_year=2019 if population else None,
            population_source=PopulationSource.ESTIMATE if population else "",
        )
    return places


CRIMES = ["theft", "robbery", "burglary", "drug_dealing", "assault", "illegal_gambling"]


def casualties(i: int) -> tuple[int, int]:
    """(deaths, injuries) of the i-th traffic accident of a year: one in five kills someone
    (every tenth two people), each injures i mod 4."""
    return (2 if i % 10 == 0 else 1 if i % 5 == 0 else 0), i % 4


def _records(year: int, count: int, categories: list[str], **states: int) -> list[Incident]:
    """``count`` records of ``year`` spread over the villages, months and categories; the first
    ``solved`` are solved, then ``unfounded`` closed as unfounded, then ``mediated``, the rest open.
    Traffic accidents carry ``casualties(i)``."""
    out = []
    plan = ["solved"] * states.get("solved", 0) + ["unfounded"] * states.get("unfounded", 0)
    plan += ["mediated"] * states.get("mediated", 0)
    for i in range(count):
        occurred = local(year, 1 + i % 12, 1 + i % 20)
        outcome = plan[i] if i < len(plan) else ""
        deaths, injuries = casualties(i) if categories == ["traffic_accident"] else (0, 0)
        out.append(
            build(
                KANDAL_VILLAGES[i % len(KANDAL_VILLAGES)],
                categories[i % len(categories)],
                occurred,
                status="closed" if outcome else "received",
                outcome=outcome,
                arrests=1 if outcome == "solved" and i % 4 == 0 else 0,
                channel=["in_person", "phone", "village_chief", "patrol"][i % 4],
                deaths=deaths,
                injuries=injuries,
            )
        )
    return out


@pytest.fixture
def kandal_records(kandal):
    records = [
        *_records(2021, 500, CRIMES, solved=400),
        *_records(2022, 110, CRIMES, solved=106, unfounded=2),
        *_records(2021, 100, ["traffic_accident"], mediated=60),
        *_records(2022, 110, ["traffic_accident"], mediated=70),
        *_records(2021, 30, ["civil_dispute"], mediated=30),
        *_records(2022, 60, ["civil_dispute"], mediated=40),
    ]
    # Entered in error and withdrawn: they count nowhere, not even their casualties.
    withdrawn = _records(2022, 5, CRIMES) + _records(2022, 3, ["traffic_accident"])
    for record in withdrawn:
        record.status = "withdrawn"
    Incident.objects.bulk_create([*records, *withdrawn])
    rebuild()
    return kandal
