"""Importing the Ministry of Economy and Finance list: unit types inferred but never over a
stated one, and the real 2025 list's known defects named rather than swallowed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from safevillage.places.models import Place
from tests.places.support import NCDD_HEADER, ncdd_row, read_report, run, write_csv


@pytest.fixture
def mef_folder(tmp_path: Path) -> Path:
    """A tiny list in the MEF format (byte-order marks included, as the real files have)."""
    folder = tmp_path / "mef"
    folder.mkdir()
    write_csv(
        folder / "CambodiaProvinceList2025.csv",
        ["province_code", "province_kh", "province_en"],
        [["08", "កណ្ដាល", "Kandal"], ["12", "ភ្នំពេញ", "Phnom Penh"]],
        bom=True,
    )
    write_csv(
        folder / "CambodiaDistrictList2025.csv",
        ["province_code", "district_code", "district_kh", "district_en"],
        [
            ["08", "0801", "កណ្ដាលស្ទឹង", "Kandal Stueng"],
            ["08", "0811", "ក្រុងតាខ្មៅ", "Ta Khmau"],
            ["12", "1201", "ចំការមន", "Chamkar Mon"],
        ],
        bom=True,
    )
    write_csv(
        folder / "CambodiaCommuneList2025.csv",
        ["province_code", "district_code", "commune_code", "commune_kh", "commune_en"],
        [
            ["08", "0801", "080101", "អំពៅព្រៃ", "Ampov Prey"],
            ["08", "0811", "081101", "តាខ្មៅ", "Ta Khmau"],
            ["12", "1201", "120101", "ទន្លេបាសាក់", "Tonle Basak"],
        ],
        bom=True,
    )
    write_csv(
        folder / "CambodiaVillagesList2025.csv",
        ["province_code", "district_code", "commune_code", "village_code", "village_kh", "village_en"],
        [
            ["08", "0801", "080101", "08010101", "ឈើទាល", "Chheu Teal"],
            ["08", "0801", "080102", "08010102", "ព្រៃ", "Prey"],  # listed under a commune its code denies
        ],
        bom=True,
    )
    return folder


def types() -> dict[str, tuple[str, bool]]:
    return {
        code: (unit_type, inferred)
        for code, unit_type, inferred in Place.objects.values_list("code", "unit_type", "unit_type_inferred")
    }


def test_unit_types_missing_from_the_mef_list_are_inferred(db, mef_folder):
    output = run("import_places", str(mef_folder))

    assert types() == {
        "08": ("khaet", True),
        "0801": ("srok", True),
        "080101": ("khum", True),
        "08010101": ("phum", True),
        "08010102": ("phum", True),
        "0811": ("krong", True),  # its Khmer name starts with ក្រុង
        "081101": ("sangkat", True),
        "12": ("reach_thani", True),
        "1201": ("khan", True),
        "120101": ("sangkat", True),
    }
    assert (
        "CambodiaVillagesList2025.csv:3 08010102 — listed under commune 080102, but its code places it under "
        "080101: filed under 080101" in output
    )


def test_a_unit_type_stated_by_the_ncdd_list_is_kept_over_an_inference(db, mef_folder, tmp_path):
    stated = write_csv(
        tmp_path / "ncdd.csv",
        NCDD_HEADER,
        [ncdd_row("08", "Kandal", "កណ្តាល", "Khaet"), ncdd_row("0801", "Kandal Stueng", "កណ្តាលស្ទឹង", "Krong")],
    )
    run("import_places", "--format", "ncdd", str(stated))

    run("import_places", str(mef_folder))

    assert types()["0801"] == ("krong", False)  # kept: a fact wins over an inference
    assert types()["080101"] == ("sangkat", True)  # inferred under the stated Krong
    assert Place.objects.get(code="08").name_km == "កណ្ដាល"  # names follow the latest list

    run("import_places", "--format", "ncdd", str(stated), "--partial")
    run("import_places", str(mef_folder))  # and again, in the other order
    assert types()["0801"] == ("krong", False)


def test_the_real_mef_list_loads_25_provinces_and_names_its_known_defects(db, tmp_path):
    report_file = tmp_path / "mef-report.csv"
    output = run("import_places", "--report", str(report_file))
    report = read_report(report_file)

    assert Place.objects.filter(level=1).count() == 25
    assert "16472 lines read; 16401 loaded (16401 new" in output
    assert "71 lines refused" in output

    # The eight identical Kokir communes are loaded (their codes differ) and named.
    assert "8 communes of 2503 share the name Kokir/គគីរ" in output
    assert Place.objects.filter(parent__code="2503", name_latin="Kokir").count() == 8

    # Duplicated village codes: every later line named, the first one kept, none doubled.
    duplicates = [row for row in report if row["problem"].startswith("duplicate code")]
    assert len(duplicates) == 46
    assert len({row["code"] for row in duplicates}) == 25
    assert {
        "line": "1498",
        "code": "02140401",
        "problem": "duplicate code 02140401 at lines 1491, 1498: kept line 1491",
        "severity": "refused",
        "file": "CambodiaVillagesList2025.csv",
    } in report
    assert Place.objects.get(code="02140401").name_latin == "Mukh Rea Pir"  # line 1491
    # Nine villages of 050614 share the malformed code "0506140-".
    malformed = [row for row in report if row["problem"] == "code '0506140-' is not numeric"]
    assert len(malformed) == 9
    # 12091301 is duplicated and its first line is refused (no commune 120913): none is loaded.
    assert (
        "duplicate code 12091301 at lines 7804, 7813, 7814, 7815, 7816: line 7804 was refused, so none is loaded"
        in output
    )
    assert not Place.objects.filter(code="12091301").exists()
    # Villages listed under the Kokir copies are filed by their code, under 250314.
    assert Place.objects.get(code="25031408").parent.code == "250314"

    counts = Counter(row["severity"] for row in report)
    assert counts == {"refused": 71, "warning": 23}


def test_load_gazetteer_is_idempotent_and_serves_kandal_with_its_census_population(db, make_user, tmp_path):
    defects = tmp_path / "gazetteer-defects.csv"
    first = run("load_gazetteer", "--no-progress", "--defects", str(defects), "--language", "en")
    assert "16401 places from the MEF 2025 list (16401 new, 0 updated)" in first
    assert "25 provinces, 210 districts, 1661 communes, 14505 villages" in first
    assert "25 2019 census populations (25 updated, 0 refused)" in first
    # Why lines were refused, in one line grouped by reason, and where each one is told.
    assert (
        "Gazetteer defects: 71 lines of the list refused (46 duplicate code, 16 parent not loaded, "
        f"9 code not numeric or of the wrong length), 23 warnings; see {defects}"
    ) in first
    assert Counter(row["severity"] for row in read_report(defects)) == {"refused": 71, "warning": 23}
    assert len(first.splitlines()) == 2

    second = run("load_gazetteer", "--no-progress", "--defects", str(defects))
    assert "(0 new, 0 updated)" in second
    assert "(0 updated, 0 refused)" in second
    assert Place.objects.count() == 16401

    client = APIClient()
    client.force_authenticate(make_user("rithy", "national_secretariat"))
    kandal = client.get("/api/v1/places/08/").json()
    assert (kandal["name_latin"], kandal["name_km"]) == ("Kandal", "កណ្ដាល")
    assert (kandal["population"], kandal["population_year"], kandal["population_source"]) == (1201581, 2019, "census")
    assert sum(Place.objects.filter(level=1).values_list("population", flat=True)) == 15_552_211
