"""Reporting periods named as DHIS2 names them."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from safevillage.core.periods import Period, PeriodError, PeriodKind


@pytest.mark.parametrize(
    ("text", "kind", "first", "last", "start", "end"),
    [
        ("202601", PeriodKind.MONTH, 202601, 202601, datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)),
        ("202402", PeriodKind.MONTH, 202402, 202402, datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
        ("2026Q1", PeriodKind.QUARTER, 202601, 202603, datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
        ("2026Q4", PeriodKind.QUARTER, 202610, 202612, datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
        ("2026S1", PeriodKind.SEMESTER, 202601, 202606, datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)),
        ("2026S2", PeriodKind.SEMESTER, 202607, 202612, datetime.date(2026, 7, 1), datetime.date(2026, 12, 31)),
        ("2026", PeriodKind.YEAR, 202601, 202612, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
    ],
)
def test_every_dhis2_form_parses_to_its_months_and_dates(text, kind, first, last, start, end):
    period = Period.parse(text)
    assert period.kind == kind
    assert period.id == text
    assert (period.first_month, period.last_month) == (first, last)
    assert period.months == list(range(first, last + 1))
    assert (period.start, period.end) == (start, end)


def test_lower_case_and_spaces_are_accepted():
    assert Period.parse(" 2026q2 ").id == "2026Q2"


@pytest.mark.parametrize(
    "bad", ["", "26", "20261", "202613", "202600", "2026Q5", "2026Q0", "2026S3", "2026-01", "x", "1900"]
)
def test_bad_identifiers_are_refused_with_a_message(bad):
    with pytest.raises(PeriodError) as error:
        Period.parse(bad)
    assert str(error.value)


def test_a_bad_identifier_says_how_to_write_one():
    with pytest.raises(PeriodError, match="2026Q1"):
        Period.parse("Q1-2026")


@pytest.mark.parametrize(
    ("text", "previous", "year_earlier", "following"),
    [
        ("202601", "202512", "202501", "202602"),
        ("202607", "202606", "202507", "202608"),
        ("2026Q1", "2025Q4", "2025Q1", "2026Q2"),
        ("2026S1", "2025S2", "2025S1", "2026S2"),
        ("2026S2", "2026S1", "2025S2", "2027S1"),
        ("2026", "2025", "2025", "2027"),
    ],
)
def test_previous_year_earlier_and_next(text, previous, year_earlier, following):
    period = Period.parse(text)
    assert period.previous().id == previous
    assert period.year_earlier().id == year_earlier
    assert period.next().id == following


def test_the_period_containing_a_date_or_a_local_time():
    assert Period.containing(datetime.date(2026, 5, 20), PeriodKind.QUARTER).id == "2026Q2"
    assert Period.containing(datetime.date(2026, 7, 1), PeriodKind.SEMESTER).id == "2026S2"
    assert Period.containing(datetime.date(2026, 12, 31), PeriodKind.YEAR).id == "2026"
    # 31 January 20:00 UTC is already 1 February in Phnom Penh.
    moment = datetime.datetime(2026, 1, 31, 20, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert Period.containing(moment).id == "202602"


def test_the_containers_of_a_month():
    assert [p.id for p in Period.parse("202608").containers()] == ["202608", "2026Q3", "2026S2", "2026"]


def test_the_reporting_deadline_is_five_days_after_the_end_by_default(settings):
    assert Period.parse("202602").deadline() == datetime.date(2026, 3, 5)
    assert Period.parse("2026").deadline(days=10) == datetime.date(2027, 1, 10)
    settings.REPORT_DEADLINE_DAYS = 15
    assert Period.parse("2026Q1").deadline() == datetime.date(2026, 4, 15)


def test_a_period_has_ended_only_after_its_last_day():
    period = Period.parse("202603")
    assert not period.has_ended(datetime.date(2026, 3, 31))
    assert period.has_ended(datetime.date(2026, 4, 1))


def test_periods_are_values():
    assert Period.parse("2026Q1") == Period(2026, PeriodKind.QUARTER, 1)
    assert len({Period.parse("2026"), Period.parse("2026")}) == 1


def test_labels_are_readable(settings):
    from django.utils import translation

    with translation.override("en"):
        assert Period.parse("202601").label == "January 2026"
        assert Period.parse("2026Q3").label == "Quarter 3, 2026"
        assert Period.parse("2026").label == "Year 2026"
