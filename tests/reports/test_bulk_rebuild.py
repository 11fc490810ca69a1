"""Rebuilding the summaries inside the database gives exactly the rows of ``rebuild``."""

from __future__ import annotations

from safevillage.reports.bulk_rebuild import rebuild_in_database
from safevillage.reports.models import MEASURES, CaseSummary, ChannelSummary, CrimeSummary
from safevillage.reports.rebuild import differences, rebuild
from tests.reports.conftest import change, close, local


def _rows() -> tuple[list[tuple], list[tuple], list[tuple]]:
    cases = sorted(
        CaseSummary.objects.values_list("basis", "grain", "place_code", "period_key", "category_id", *MEASURES)
    )
    channels = sorted(ChannelSummary.objects.values_list("grain", "place_code", "period_key", "channel", "reported"))
    crimes = sorted(CrimeSummary.objects.values_list("grain", "place_code", "period_key", "reported", "solved"))
    return cases, channels, crimes


def test_the_database_rebuild_writes_the_same_rows_as_the_python_rebuild(make_record):
    # Open, closed in a later month and quarter, solved by arrest, mediated, withdrawn, with casualties.
    make_record("14030501", "theft", local(2025, 3, 30), channel="phone")
    close(make_record("14030502", "robbery", local(2025, 3, 31, 23)), "solved", local(2025, 4, 2), arrests=2)
    close(make_record("14030601", "civil_dispute", local(2025, 6)), "mediated", local(2025, 7, 1, 1))
    make_record("08010101", "traffic_accident", local(2024, 12, 31, 22), deaths=1, injuries=3, channel="patrol")
    withdrawn = make_record("14040101", "assault", local(2025, 1))
    change(withdrawn, status="withdrawn", withdrawn_reason="Entered twice")

    expected_counts = rebuild()
    expected = _rows()
    assert all(expected)
    CaseSummary.objects.all().delete()
    CrimeSummary.objects.all().delete()
    assert rebuild_in_database() == expected_counts
    assert _rows() == expected
    assert list(differences()) == []


def test_a_database_rebuild_replaces_drifted_summaries(make_record):
    make_record("14030501", "theft", local(2025, 3))
    CaseSummary.objects.update(reported=7)
    assert list(differences())
    rebuild_in_database()
    assert list(differences()) == []
