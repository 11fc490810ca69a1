"""The maps on the reference outlines of ../shared/data (OCHA/HDX provinces and districts,
a coarse reconstruction of the communes) joined to the NCDD gazetteer: every province is
drawn, the districts created since 2014 are listed beside the map, and each page stays under
300 KB on a phone."""

from __future__ import annotations

import re

import pytest

from safevillage.accounts.models import RoleAssignment, User
from safevillage.accounts.roles import Role
from tests.maps.support import page_weight
from tests.places.support import SHARED_DATA, run

BOUNDARIES = SHARED_DATA / "boundaries"
GAZETTEER = SHARED_DATA / "gazetteer" / "khm_admin_units_ncdd.csv"
FILES = (
    "khm_adm1_hdx2018_simplified.geojson",
    "khm_adm2_hdx2018_simplified.geojson",
    "khm_adm3_hdx2018_coarse_from_camboverse.geojson",
)

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(
        not BOUNDARIES.exists() or not GAZETTEER.exists(), reason=f"reference data not found at {SHARED_DATA}"
    ),
]


@pytest.fixture
def country(db):
    run("import_places", "--format", "ncdd", str(GAZETTEER), "--no-progress", "-v", "0")
    for name in FILES:
        run("import_boundaries", str(BOUNDARIES / name), "--no-progress", "-v", "0")
    user = User.objects.create_user(username="national", password="correct horse battery")
    RoleAssignment.objects.create(user=user, role=Role.NATIONAL_SECRETARIAT, place=None)
    return user


def test_the_reference_outlines_draw_light_maps_at_every_level(client, country):
    client.force_login(country)
    weights = {}
    for path, drawn in (("/maps/KH/2025Q1/", 25), ("/maps/14/2025Q1/", None), ("/maps/1403/2025Q1/", None)):
        response = client.get(path)
        assert response.status_code == 200
        html = response.content.decode()
        paths = len(re.findall(r"<path class=", html))
        if drawn is not None:
            assert paths == drawn
        assert paths > 0
        weights[path] = sum(page_weight(html).values())
        assert weights[path] < 300_000, weights
    # Phnom Penh's districts: several created since the 2014 shapes are listed, not lost.
    html = client.get("/maps/12/2025Q1/").content.decode()
    assert "unmapped-title" in html
