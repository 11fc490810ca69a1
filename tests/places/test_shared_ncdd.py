"""The whole NCDD gazetteer from the reference data next to the repository."""

from __future__ import annotations

import pytest

from safevillage.places.models import Level, Place
from tests.places.support import SHARED_DATA, run

NCDD_LIST = SHARED_DATA / "gazetteer" / "khm_admin_units_ncdd.csv"


@pytest.mark.shared_data
@pytest.mark.skipif(not NCDD_LIST.exists(), reason=f"reference data not found at {NCDD_LIST}")
def test_the_ncdd_list_loads_every_province_district_commune_and_village(db):
    output = run("import_places", "--format", "ncdd", str(NCDD_LIST), "--no-progress")

    counts = {level: Place.objects.filter(level=level).count() for level in Level}
    assert counts == {Level.PROVINCE: 25, Level.DISTRICT: 210, Level.COMMUNE: 1652, Level.VILLAGE: 14578}
    # One village has no Latin name in the list: loaded, and said.
    assert "khm_admin_units_ncdd.csv:2599 02010508 — no Latin name: loaded with its Khmer name only" in output
    assert "0 lines refused" in output
    assert not Place.objects.filter(unit_type_inferred=True).exists()
    assert Place.objects.get(code="12").unit_type == "reach_thani"
    assert Place.objects.filter(level=Level.DISTRICT, unit_type="krong").count() == 33
    assert "2 villages of 250305 share the name Dar Kandal/ដារកណ្ដាល" in output
