"""Importing population figures: each bad line is named and refused, the rest loaded."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from safevillage.audit.models import AuditEvent
from safevillage.places.models import Level, Place, UnitType
from tests.places.support import problems_by_line, run, write_csv

HEADER = ["code", "population", "year", "source"]


def test_population_lines_are_checked_one_by_one(places, tmp_path):
    this_year = timezone.localdate().year
    next_year = str(this_year + 1)
    figures = write_csv(
        tmp_path / "population.csv",
        HEADER,
        [
            ["14", "1057720", "2019", "census"],  # line 2: unchanged
            ["140305", "11650", "2024", "estimate"],  # line 3: updated
            ["140306", "-5", "2019", "estimate"],  # line 4: negative
            ["14030501", "many", "2019", "estimate"],  # line 5: not a number
            ["14030502", "1500", next_year, "estimate"],  # line 6: a year to come
            ["14030601", "2100", "2019", "guess"],  # line 7: unknown source
            ["99", "1000", "2019", "census"],  # line 8: no such place
            ["140305", "12000", "2024", "estimate"],  # line 9: duplicate
            ["14A", "1000", "2019", "census"],  # line 10: not a code
            ["140401", "8100", "1800", "census"],  # line 11: too old
        ],
    )
    report = tmp_path / "report.csv"

    output = run("import_population", str(figures), "--report", str(report))

    problems = problems_by_line(report)
    assert problems[4] == ["population -5 is negative"]
    assert problems[5] == ["population 'many' is not a whole number"]
    assert problems[6] == [f"year {next_year} is out of range (1950–{this_year})"]
    assert problems[7] == ["source 'guess' is neither census nor estimate"]
    assert problems[8] == ["no place has the code 99"]
    assert problems[9] == ["duplicate code 140305 at lines 3, 9: kept line 3"]
    assert problems[10] == ["code '14A' is not numeric"]
    assert problems[11] == [f"year 1800 is out of range (1950–{this_year})"]
    assert set(problems) == {4, 5, 6, 7, 8, 9, 10, 11}
    assert "2 loaded (0 new, 1 updated, 1 unchanged); 8 lines refused" in output

    commune = Place.objects.get(code="140305")
    assert (commune.population, commune.population_year, commune.population_source) == (11650, 2024, "estimate")
    assert Place.objects.get(code="140306").population == 14900  # the refused line changed nothing
    event = AuditEvent.objects.get(action="place.population")
    assert event.old == {"population": 11200, "population_year": 2019, "population_source": "estimate"}
    assert event.new == {"population": 11650, "population_year": 2024, "population_source": "estimate"}


def test_a_strict_population_import_with_a_bad_line_writes_nothing(places, tmp_path):
    figures = write_csv(
        tmp_path / "population.csv",
        HEADER,
        [["140305", "11650", "2024", "estimate"], ["140306", "x", "2019", "census"]],
    )
    with pytest.raises(CommandError, match="1 lines refused"):
        run("import_population", str(figures), "--strict")
    assert Place.objects.get(code="140305").population == 11200


def test_a_population_line_with_extra_columns_is_refused_with_its_line(places, tmp_path):
    figures = write_csv(
        tmp_path / "population.csv",
        HEADER,
        [
            ["140305", "11650", "2024", "estimate"],  # line 2
            # line 3: "11,650" written without quotes: the year and source shift right
            ["140306", "14", "900", "2019", "estimate"],
            ["14030501", "1800", "2019", "estimate", ""],  # line 4: a trailing comma
        ],
    )
    report = tmp_path / "report.csv"
    output = run("import_population", str(figures), "--report", str(report))
    problem = "5 values where the header names 4 columns: a comma too many, or a value holding a comma without quotes"
    assert problems_by_line(report) == {3: [problem], 4: [problem]}
    assert "3 lines read; 1 loaded (0 new, 1 updated, 0 unchanged); 2 lines refused" in output
    assert f"population.csv:3 140306 — {problem}" in output
    assert Place.objects.get(code="140306").population == 14900  # unchanged


def test_a_population_file_needs_its_columns(places, tmp_path):
    figures = write_csv(tmp_path / "population.csv", ["code", "population"], [["14", "1"]])
    with pytest.raises(CommandError, match="lacks the column"):
        run("import_population", str(figures))


def test_a_population_import_leaves_fresh_planner_statistics_on_postgresql(places, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")

    def estimated_rows() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Place._meta.db_table])
            return cursor.fetchone()[0]

    # Statistics taken before one more place was added: stale.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Place._meta.db_table}")
    Place.objects.create(code="99", level=Level.PROVINCE, unit_type=UnitType.KHAET, name_km="ក", name_latin="K")
    assert estimated_rows() == Place.objects.count() - 1
    figures = write_csv(tmp_path / "population.csv", HEADER, [["140305", "11650", "2024", "estimate"]])

    run("import_population", str(figures))

    assert estimated_rows() == Place.objects.count()


def test_the_output_is_in_the_language_asked_for(places, tmp_path):
    figures = write_csv(tmp_path / "population.csv", HEADER, [["140306", "x", "2019", "census"]])
    output = run("import_population", str(figures), "--language", "km")
    khmer = [line for line in output.splitlines() if any("\u1780" <= c <= "\u17ff" for c in line)]
    assert khmer == output.splitlines()  # the defect and the summary alike
