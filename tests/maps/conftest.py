"""Outlines for the maps' tests: hand-made squares over the shared test gazetteer
(tests/conftest.py), laid out so that each place lies inside its parent."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from safevillage.places.models import Boundary, Place

# code -> (west, south, size) in degrees; 1404 (Kanhchriech) and 140401 (Chea Khmau) have none.
SQUARES = {
    "08": (104.0, 11.2, 0.8),
    "14": (105.0, 11.0, 1.0),
    "0801": (104.1, 11.3, 0.3),
    "1403": (105.1, 11.1, 0.4),
    "140305": (105.15, 11.15, 0.1),
    "140306": (105.3, 11.3, 0.1),
}


def square(west: float, south: float, size: float) -> dict[str, Any]:
    ring = [[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def add_outlines(codes: list[str] | None = None) -> None:
    for code in codes or list(SQUARES):
        west, south, size = SQUARES[code]
        Boundary.objects.update_or_create(
            place=Place.objects.get(code=code),
            defaults={
                "geometry": square(west, south, size),
                "west": west,
                "south": south,
                "east": west + size,
                "north": south + size,
                "source": "test.geojson",
            },
        )


@pytest.fixture(autouse=True)
def _no_cached_geometry() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def outlines(places: dict[str, Place]) -> dict[str, Place]:
    add_outlines()
    return places


@pytest.fixture(autouse=True)
def _fresh_record_lookups() -> Any:
    # tests.reports.conftest.create caches categories and places by code: ids differ between tests.
    from tests.reports import conftest as reports

    reports._cache.clear()
    yield
    reports._cache.clear()


@pytest.fixture
def records(outlines: dict[str, Place], policy: None) -> None:
    make_records()


def make_records() -> None:
    """Kansoam Ak: two thefts (one solved) and a complaint through the public website; Ampov
    Prey (Kandal): one assault. All of the first quarter of 2025, so long overdue if open."""
    from tests.reports import conftest as reports
    from tests.reports.conftest import close, create, local

    reports._cache.clear()  # places and categories by code, whose ids differ between tests
    theft = create("14030501", "theft", local(2025, 2))
    close(theft, "solved", local(2025, 2, 20))
    create("14030502", "theft", local(2025, 3))
    create("14030501", "public_service", local(2025, 1), channel="public_web")
    create("08010101", "assault", local(2025, 2))
