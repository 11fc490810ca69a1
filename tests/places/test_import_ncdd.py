"""Importing a gazetteer list in the NCDD format: what is valid is loaded, every defect is
named with its line, a re-import updates in place, and nothing is ever deleted."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from safevillage.audit.models import AuditEvent
from safevillage.places.models import Place
from tests.places.support import NCDD_HEADER, ncdd_row, problems_by_line, read_report, run, write_csv

BROKEN = [
    ["province", "01", "", "Banteay Meanchey", "បន្ទាយមានជ័យ", "", "", "Khaet", "", "13.7989147", "102.8862666"],
    ncdd_row("0102", "Mongkol Borei", "មង្គលបូរី", "Srok"),  # line 3
    ncdd_row("0102", "Mongkol Borei Again", "មង្គលបូរី", "Srok"),  # line 4: duplicate code
    ncdd_row("010201", "Banteay Neang", "បន្ទាយនាង", "Khum"),  # line 5
    ncdd_row("010202", "Bat Trang", "", "Khum"),  # line 6: no Khmer name (loaded, with a warning)
    ncdd_row("01020401", "Ou Thum", "អូរធំ", "Phum"),  # line 7: its parent (line 11) is refused
    ncdd_row("01090101", "Phnum", "ភ្នំ", "Phum"),  # line 8: no parent 010901
    ncdd_row("01X3", "Phnum Srok", "ភ្នំស្រុក", "Srok", parent="01"),  # line 9: not numeric
    ["commune", "01020", "0102", "Chamnaom", "ចំណោម", "", "", "Khum", "", "", ""],  # line 10: 5 digits
    ncdd_row("010204", "Chamnaom", "ចំណោម", "Ward"),  # line 11: unknown unit type
    ncdd_row("01020101", "Ou Thum", "អូរធំ", "Phum"),  # line 12
    ncdd_row("01020102", "Ou Thum", "អូរធំ", "Phum"),  # line 13: same name as its sibling (a warning)
    ["village", "01020103", "010201", "Phnum", "ភ្នំ", "", "", "Phum", "", "99", "200"],  # line 14: off the map
    ncdd_row("01020104", " ", "", "Phum"),  # line 15: no name at all
]


@pytest.fixture
def broken_list(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "broken.csv", NCDD_HEADER, BROKEN)


def test_a_broken_list_reports_every_defect_with_its_line_and_loads_the_rest(db, broken_list, tmp_path):
    report = tmp_path / "report.csv"
    output = run("import_places", "--format", "ncdd", str(broken_list), "--report", str(report), "--no-progress")

    problems = problems_by_line(report)
    assert problems[4] == ["duplicate code 0102 at lines 3, 4: kept line 3"]
    assert problems[6] == ["no Khmer name: loaded with its Latin name only (a Khmer name already known is kept)"]
    assert problems[7] == ["its parent 010204 was refused (broken.csv line 11)"]
    assert problems[8] == ["its parent 010901 is neither in this list nor in the database"]
    assert problems[9] == ["code '01X3' is not numeric"]
    assert problems[10] == ["code 01020 has 5 digits; a commune code has 6"]
    assert problems[11] == ["unknown unit type 'Ward'"]
    assert problems[12] == ["2 villages of 010201 share the name Ou Thum/អូរធំ: 01020101, 01020102 (lines 12, 13)"]
    assert problems[14] == ["coordinates 99, 200 are outside Cambodia: not loaded"]
    assert problems[15] == ["no name in either script"]
    assert set(problems) == {4, 6, 7, 8, 9, 10, 11, 12, 14, 15}
    assert {row["severity"] for row in read_report(report) if row["line"] in {"6", "12", "14"}} == {"warning"}
    assert "broken.csv:4 0102 — duplicate code 0102 at lines 3, 4: kept line 3" in output
    assert "7 lines refused" in output

    assert list(Place.objects.values_list("code", flat=True)) == [
        "01",
        "0102",
        "010201",
        "01020101",
        "01020102",
        "01020103",
        "010202",
    ]
    assert Place.objects.get(code="0102").name_latin == "Mongkol Borei"  # the first line, not the duplicate
    village = Place.objects.get(code="01020103")
    assert (village.latitude, village.longitude) == (None, None)
    province = Place.objects.get(code="01")
    assert (str(province.latitude), str(province.longitude)) == ("13.798915", "102.886267")
    assert (province.unit_type, province.unit_type_inferred, province.source) == ("khaet", False, "ncdd")


def test_a_line_with_extra_columns_is_refused_with_its_line_not_loaded_shifted(db, tmp_path):
    rows = [
        ncdd_row("01", "Banteay Meanchey", "បន្ទាយមានជ័យ", "Khaet", parent=""),  # line 2
        # line 3: a Latin name with a comma and no quotes shifts every later value
        ["district", "0102", "01", "Mongkol", " Borei", "មង្គលបូរី", "", "", "Srok", "", "", ""],
    ]
    report = tmp_path / "report.csv"
    output = run(
        "import_places",
        "--format",
        "ncdd",
        str(write_csv(tmp_path / "l.csv", NCDD_HEADER, rows)),
        "--report",
        str(report),
    )
    assert problems_by_line(report) == {
        3: ["12 values where the header names 11 columns: a comma too many, or a value holding a comma without quotes"]
    }
    assert "1 lines refused" in output
    assert list(Place.objects.values_list("code", flat=True)) == ["01"]


def test_a_strict_import_of_a_broken_list_writes_nothing_and_fails(db, broken_list):
    with pytest.raises(CommandError, match="7 lines refused: nothing written"):
        run("import_places", "--format", "ncdd", str(broken_list), "--strict")
    assert not Place.objects.exists()


def test_a_dry_run_reports_but_writes_nothing(db, broken_list):
    output = run("import_places", "--format", "ncdd", str(broken_list), "--dry-run")
    assert "7 loaded (7 new" in output
    assert "nothing written" in output
    assert not Place.objects.exists()


def test_a_file_without_the_needed_columns_is_refused_whole(db, tmp_path):
    bad = write_csv(tmp_path / "bad.csv", ["code", "name"], [["01", "Banteay Meanchey"]])
    with pytest.raises(CommandError, match=r"bad\.csv lacks the column"):
        run("import_places", "--format", "ncdd", str(bad))
    with pytest.raises(CommandError, match="needs the path"):
        run("import_places", "--format", "ncdd")
    with pytest.raises(CommandError, match="cannot be opened"):
        run("import_places", "--format", "ncdd", str(tmp_path / "absent.csv"))


FIRST = [
    ncdd_row("01", "Banteay Meanchey", "បន្ទាយមានជ័យ", "Khaet"),
    ncdd_row("0102", "Mongkol Borei", "មង្គលបូរី", "Srok"),
    ncdd_row("010201", "Banteay Neang", "បន្ទាយនាង", "Khum"),
    ncdd_row("01020101", "Ou Thum", "អូរធំ", "Phum"),
    ncdd_row("01020102", "Phnum", "ភ្នំ", "Phum"),
]
SECOND = [
    ncdd_row("01", "Banteay Meanchey", "បន្ទាយមានជ័យ", "Khaet"),
    ncdd_row("0102", "Mongkol Borei", "មង្គលបូរី", "Krong"),  # now a municipality
    ncdd_row("010201", "Banteay Neang", "បន្ទាយនាង", "Sangkat"),
    ncdd_row("01020101", "Ou Thom", "អូរធំថ្មី", "Phum"),  # renamed
    ncdd_row("01020103", "Banteay Neang", "បន្ទាយនាង", "Phum"),  # new; 01020102 is gone
]


def test_a_reimport_updates_places_in_place_and_records_each_change(db, tmp_path):
    first = write_csv(tmp_path / "first.csv", NCDD_HEADER, FIRST)
    second = write_csv(tmp_path / "second.csv", NCDD_HEADER, SECOND)
    run("import_places", "--format", "ncdd", str(first))
    ou_thum = Place.objects.get(code="01020101")

    output = run("import_places", "--format", "ncdd", str(second))

    assert "5 loaded (1 new, 3 updated, 1 unchanged)" in output
    assert Place.objects.count() == 6
    renamed = Place.objects.get(code="01020101")
    assert renamed.pk == ou_thum.pk
    assert (renamed.name_latin, renamed.name_km) == ("Ou Thom", "អូរធំថ្មី")
    assert Place.objects.search("Ou Thom").first() == renamed  # search keys follow the new name
    assert Place.objects.get(code="0102").unit_type == "krong"
    event = AuditEvent.objects.get(action="place.update", target_id=str(renamed.pk))
    assert event.old == {"name_km": "អូរធំ", "name_latin": "Ou Thum"}
    assert event.new == {"name_km": "អូរធំថ្មី", "name_latin": "Ou Thom"}
    assert AuditEvent.objects.filter(action="places.import").count() == 2

    again = run("import_places", "--format", "ncdd", str(second))
    assert "5 loaded (0 new, 0 updated, 5 unchanged)" in again
    assert Place.objects.count() == 6


def test_places_missing_from_a_full_list_are_reported_and_archived_only_when_asked(db, tmp_path):
    first = write_csv(tmp_path / "first.csv", NCDD_HEADER, FIRST)
    second = write_csv(tmp_path / "second.csv", NCDD_HEADER, SECOND)
    run("import_places", "--format", "ncdd", str(first))

    kept = run("import_places", "--format", "ncdd", str(second))
    assert "missing: 01020102 Phnum/ភ្នំ: in the database but not in this list: kept" in kept
    assert Place.objects.get(code="01020102").valid_to is None

    partial = run("import_places", "--format", "ncdd", str(second), "--partial")
    assert "missing" not in partial

    archived = run("import_places", "--format", "ncdd", str(second), "--archive-missing")
    gone = Place.objects.get(code="01020102")  # archived, never deleted
    assert gone.valid_to == timezone.localdate()
    assert "1 places missing from the list (1 archived)" in archived
    assert AuditEvent.objects.filter(action="place.archive", target_id=str(gone.pk)).exists()
    assert not Place.objects.current().filter(code="01020102").exists()


def test_a_place_listed_again_is_current_again(db, tmp_path):
    first = write_csv(tmp_path / "first.csv", NCDD_HEADER, FIRST)
    second = write_csv(tmp_path / "second.csv", NCDD_HEADER, SECOND)
    run("import_places", "--format", "ncdd", str(first))
    run("import_places", "--format", "ncdd", str(second), "--archive-missing")

    run("import_places", "--format", "ncdd", str(first))

    back = Place.objects.get(code="01020102")
    assert back.valid_to is None
    assert AuditEvent.objects.filter(action="place.restore", target_id=str(back.pk)).exists()


def test_archiving_needs_a_full_list(db, tmp_path):
    first = write_csv(tmp_path / "first.csv", NCDD_HEADER, FIRST)
    with pytest.raises(CommandError, match="cannot be combined with --partial"):
        run("import_places", "--format", "ncdd", str(first), "--partial", "--archive-missing")


def test_a_list_may_add_places_under_parents_already_in_the_database(places, tmp_path):
    extra = write_csv(tmp_path / "extra.csv", NCDD_HEADER, [ncdd_row("14030503", "Thmei", "ថ្មី", "Phum")])
    output = run("import_places", "--format", "ncdd", str(extra), "--partial")
    assert "1 loaded (1 new" in output
    assert Place.objects.get(code="14030503").parent == places["140305"]


def test_a_name_missing_from_a_reimport_keeps_the_known_one(places, tmp_path):
    no_latin = write_csv(tmp_path / "no-latin.csv", NCDD_HEADER, [ncdd_row("14030502", "", "ព្រៃទទឹងថ្មី", "Phum")])
    output = run("import_places", "--format", "ncdd", str(no_latin), "--partial")
    assert "no Latin name: loaded with its Khmer name only" in output
    village = Place.objects.get(code="14030502")
    assert (village.name_latin, village.name_km) == ("Prey Totueng", "ព្រៃទទឹងថ្មី")


def test_the_report_file_has_a_header_and_one_row_per_defect(db, broken_list, tmp_path):
    report = tmp_path / "report.csv"
    run("import_places", "--format", "ncdd", str(broken_list), "--report", str(report))
    assert report.read_text(encoding="utf-8").splitlines()[0] == "line,code,problem,severity,file"
    assert len(read_report(report)) == 10
