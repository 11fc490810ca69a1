"""Importing places' outlines from GeoJSON: each bad feature is named and refused, the rest
loaded; the places of a level left without an outline are reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import CommandError

from safevillage.audit.models import AuditEvent
from safevillage.places.models import Boundary
from tests.places.support import SHARED_DATA, problems_by_line, read_report, run


def square(west: float, south: float, size: float = 0.1) -> dict[str, Any]:
    ring = [[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code: Any, geometry: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"code": code, "name_en": "x"}, "geometry": geometry}


def write_geojson(path: Path, features: list[Any]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def test_features_are_checked_one_by_one(places, tmp_path):
    open_ring = square(105.3, 11.5)
    open_ring["coordinates"][0].pop()
    swapped = square(11.5, 105.3)
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(105.30, 11.5)["coordinates"], square(105.5, 11.7)["coordinates"]],
    }
    path = write_geojson(
        tmp_path / "communes.geojson",
        [
            feature("140305", square(105.312345678, 11.512345678)),  # 1: loaded, rounded
            feature("140306", multi),  # 2: loaded
            feature("140305", square(105.4, 11.6)),  # 3: duplicate
            feature("999999", square(105.4, 11.6)),  # 4: no such place
            feature("14A", square(105.4, 11.6)),  # 5: not a code
            feature(None, square(105.4, 11.6)),  # 6: no code
            feature("080101", {"type": "Point", "coordinates": [105.0, 11.0]}),  # 7: a point
            feature("080101", open_ring),  # 8: duplicate of 7 (refused too: the first one counts)
            feature("140401", swapped),  # 9: outside Cambodia
        ],
    )
    report = tmp_path / "report.csv"

    output = run("import_boundaries", str(path), "--report", str(report), "--no-progress")

    problems = problems_by_line(report)
    assert problems[3] == ["the code 140305 was already given by feature 1"]
    assert problems[4] == ["no current place has the code 999999"]
    assert problems[5] == ["code '14A' is not an NCDD code of 2, 4, 6 or 8 digits"]
    assert problems[6] == ["no code property"]
    assert problems[7] == ["the geometry is Point, not a Polygon or MultiPolygon"]
    assert problems[8] == ["the code 080101 was already given by feature 7"]
    assert problems[9] == ["the position 11.5, 105.3 is outside Cambodia (longitude and latitude swapped?)"]
    assert set(problems) == {3, 4, 5, 6, 7, 8, 9}
    assert "2 loaded (2 new, 0 updated, 0 unchanged); 7 lines refused" in output

    kansoam = Boundary.objects.get(place__code="140305")
    assert kansoam.geometry["coordinates"][0][0] == [105.31235, 11.51235]
    assert (kansoam.west, kansoam.south) == (105.31235, 11.51235)
    assert kansoam.north == pytest.approx(11.61235)
    trabaek = Boundary.objects.get(place__code="140306")
    assert trabaek.geometry["type"] == "MultiPolygon"
    assert (trabaek.west, trabaek.east) == (105.3, pytest.approx(105.6))

    # The communes of the fixture left without an outline are reported, not silently absent.
    missing = {row["code"] for row in read_report(report) if row["severity"] == "missing"}
    assert missing == {"080101", "140401"}


def test_a_second_import_replaces_changed_outlines_and_audits_the_import(places, tmp_path):
    first = write_geojson(
        tmp_path / "a.geojson", [feature("14", square(105.0, 11.0)), feature("08", square(104.8, 11.3))]
    )
    run("import_boundaries", str(first), "--no-progress")
    second = write_geojson(
        tmp_path / "b.geojson", [feature("14", square(105.1, 11.0)), feature("08", square(104.8, 11.3))]
    )

    output = run("import_boundaries", str(second), "--no-progress")

    assert "2 loaded (0 new, 1 updated, 1 unchanged)" in output
    assert Boundary.objects.get(place__code="14").west == 105.1
    imports = AuditEvent.objects.filter(action="places.import", target_id__startswith="boundaries:")
    assert [event.new["created"] for event in imports.order_by("id")] == [2, 0]
    assert [event.new["updated"] for event in imports.order_by("id")] == [0, 1]


def test_strict_and_dry_run_write_nothing(places, tmp_path):
    path = write_geojson(
        tmp_path / "p.geojson", [feature("14", square(105.0, 11.0)), feature("77", square(105.0, 11.0))]
    )
    with pytest.raises(CommandError, match="1 lines refused"):
        run("import_boundaries", str(path), "--strict", "--no-progress")
    run("import_boundaries", str(path), "--dry-run", "--no-progress")
    assert not Boundary.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not JSON: it breaks at line 1, column 2"),
        ('{"type": "Feature"}', "is not a GeoJSON FeatureCollection"),
        (b"\xff\xfe", "is not UTF-8 text"),
    ],
)
def test_a_file_that_is_not_a_feature_collection_is_refused_whole(places, tmp_path, content, message):
    path = tmp_path / "bad.geojson"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(CommandError, match=message):
        run("import_boundaries", str(path), "--no-progress")
    assert not Boundary.objects.exists()


def test_another_code_property_is_read_when_named(places, tmp_path):
    path = tmp_path / "p.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"ncdd": 14}, "geometry": square(105.0, 11.0)}],
            }
        ),
        encoding="utf-8",
    )
    run("import_boundaries", str(path), "--code-property", "ncdd", "--no-progress")
    assert Boundary.objects.filter(place__code="14").exists()


BOUNDARIES = SHARED_DATA / "boundaries"
GAZETTEER = SHARED_DATA / "gazetteer" / "khm_admin_units_ncdd.csv"


@pytest.mark.shared_data
@pytest.mark.skipif(
    not BOUNDARIES.exists() or not GAZETTEER.exists(), reason=f"reference data not found at {SHARED_DATA}"
)
def test_the_reference_outlines_join_the_gazetteer_and_say_what_does_not(db, tmp_path):
    run("import_places", "--format", "ncdd", str(GAZETTEER), "--no-progress", "-v", "0")
    loaded = {}
    for name, level in [
        ("khm_adm1_hdx2018_simplified.geojson", 1),
        ("khm_adm2_hdx2018_simplified.geojson", 2),
        ("khm_adm3_hdx2018_coarse_from_camboverse.geojson", 3),
    ]:
        report = tmp_path / f"{level}.csv"
        run("import_boundaries", str(BOUNDARIES / name), "--report", str(report), "--no-progress", "-v", "0")
        loaded[level] = Boundary.objects.filter(place__level=level).count()
        rows = read_report(report)
        if level == 2:
            # 14 districts created since 2014 have no polygon: each is reported.
            assert sum(row["severity"] == "missing" for row in rows) >= 14
    assert loaded[1] == 25
    assert loaded[2] >= 190
    assert loaded[3] >= 1500
