"""Periods are chosen, not typed: the picker offers months, quarters, semesters and years,
named in the reader's language, sends the DHIS2 identifier, and defaults to the period whose
report is being written now."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from safevillage.core.period_picker import (
    RECENT,
    PeriodField,
    PeriodSelect,
    recent_periods,
    render_picker,
    reporting_period,
)
from safevillage.core.periods import Period, PeriodKind

KHMER = re.compile(r"[\u1780-\u17ff]")


@pytest.mark.parametrize(
    ("today", "month", "quarter", "semester", "year"),
    [
        (datetime.date(2026, 12, 7), "202611", "2026Q3", "2026S1", "2025"),
        (datetime.date(2026, 1, 1), "202512", "2025Q4", "2025S2", "2025"),
        (datetime.date(2026, 7, 31), "202606", "2026Q2", "2026S1", "2025"),
    ],
)
def test_the_default_is_the_last_period_of_its_kind_that_has_ended(today, month, quarter, semester, year):
    assert reporting_period(PeriodKind.MONTH, today).id == month
    assert reporting_period(PeriodKind.QUARTER, today).id == quarter
    assert reporting_period(PeriodKind.SEMESTER, today).id == semester
    assert reporting_period(PeriodKind.YEAR, today).id == year


def test_the_periods_offered_start_with_the_one_under_way_and_go_back():
    months = recent_periods(PeriodKind.MONTH, datetime.date(2026, 3, 10))
    assert [p.id for p in months[:4]] == ["202603", "202602", "202601", "202512"]
    assert len(months) == RECENT[PeriodKind.MONTH]
    quarters = recent_periods(PeriodKind.QUARTER, datetime.date(2026, 3, 10))
    assert [p.id for p in quarters[:3]] == ["2026Q1", "2025Q4", "2025Q3"]
    # Never before the first year a record may carry.
    assert [p.id for p in recent_periods(PeriodKind.YEAR, datetime.date(1980, 5, 1))] == ["1980", "1979"]


@pytest.mark.parametrize(("typed", "expected"), [("2026q1", "2026Q1"), (" 202603 ", "202603"), ("2026S2", "2026S2")])
def test_the_field_reads_every_dhis2_form(typed, expected):
    assert PeriodField().clean(typed) == Period.parse(expected)


def test_the_field_starts_at_the_reporting_period_and_a_filter_may_be_left_blank():
    assert PeriodField().initial() == reporting_period()
    assert PeriodField(blank_label="Any period").clean("") is None
    with pytest.raises(ValidationError):
        PeriodField().clean("")


@pytest.mark.parametrize("bad", ["Q1 2026", "2026-01", "202613", "2026Q5", "មករា"])
def test_a_bad_period_is_a_clear_error_in_the_readers_language(bad):
    with translation.override("en"), pytest.raises(ValidationError) as english:
        PeriodField().clean(bad)
    message = english.value.messages[0]
    assert re.search(r"month|quarter|semester", message), message
    with translation.override("km"), pytest.raises(ValidationError) as khmer:
        PeriodField().clean(bad)
    assert KHMER.search(khmer.value.messages[0]), khmer.value.messages[0]
    assert khmer.value.messages[0] != message


def options(html: str) -> dict[str, str]:
    """value → label of every enabled option."""
    return {value: label for value, label in re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', html)}


def test_each_period_has_a_khmer_label_and_its_dhis2_id_as_the_value():
    with translation.override("km"):
        html = render_picker("period", "2026Q1")
    offered = options(html)
    assert offered["2026Q1"] == "ត្រីមាសទី 1 ឆ្នាំ 2026"
    assert offered["2026S1"] == "ឆមាសទី 1 ឆ្នាំ 2026"
    assert offered["2026"] == "ឆ្នាំ 2026"
    current = Period.containing(datetime.datetime.now(datetime.UTC))
    assert KHMER.search(offered[current.id])
    assert re.search(r'<option value="2026Q1"[^>]*selected', html)
    # One group per kind, each named, in the order month, quarter, semester, year.
    assert re.findall(r'<optgroup label="([^"]+)" data-kind="(\w+)"', html) == [
        ("ខែ", "month"),
        ("ត្រីមាស", "quarter"),
        ("ឆមាស", "semester"),
        ("ឆ្នាំ", "year"),
    ]


def test_the_reporting_period_is_chosen_when_nothing_else_is():
    html = PeriodSelect().render("period", reporting_period(), {"id": "id_period"})
    assert re.search(rf'<option value="{reporting_period().id}"[^>]*selected', html)
    assert len(re.findall(r"\bselected\b", html)) == 1


def test_an_older_period_from_a_link_stays_chosen_and_a_filter_offers_any_period():
    html = render_picker("period", "2019Q2", blank_label="Any period")
    assert re.search(r'<option value="2019Q2"[^>]*selected>Quarter 2, 2019</option>', html)
    assert '<option value="">Any period</option>' in html
    blank = render_picker("period", "", blank_label="Any period")
    assert '<option value="" selected>Any period</option>' in blank


def test_what_is_not_a_period_is_shown_but_never_sent_on():
    html = render_picker("period", "Q1 2026", blank_label="Any period", invalid=True)
    assert '<option value="" selected disabled>Q1 2026</option>' in html
    assert 'aria-invalid="true"' in html


# --- the pages that ask for a period --------------------------------------------------------


@pytest.mark.django_db
def test_the_reports_page_offers_the_picker_at_the_reporting_period(client, sokha):
    client.force_login(sokha)
    page = client.get("/reports/").content.decode()
    assert 'name="period"' in page and '<input id="id_period"' not in page
    assert re.search(rf'<option value="{reporting_period().id}"[^>]*selected', page)
    assert "js/period-picker" in page


@pytest.mark.django_db
def test_a_chosen_period_opens_its_report_with_the_dhis2_id_in_the_url(client, sokha):
    client.force_login(sokha)
    response = client.get("/reports/?place=140305&period=2026Q1")
    assert response.status_code == 302
    assert response["Location"] == "/reports/140305/2026Q1/"
    report = client.get(response["Location"]).content.decode()
    # The report page offers the picker too, at its own period.
    assert re.search(r'<option value="2026Q1"[^>]*selected', report)


@pytest.mark.django_db
@pytest.mark.usefixtures("khmer_default")
def test_a_period_typed_into_the_url_by_hand_is_refused_in_khmer(client, sokha):
    client.force_login(sokha)
    response = client.get("/reports/?place=140305&period=2026-01")
    assert response.status_code == 400
    with translation.override("km"):
        expected = _khmer_error("2026-01")
    assert KHMER.search(expected)
    assert expected in response.content.decode()


def _khmer_error(value: str) -> str:
    try:
        PeriodField().clean(value)
    except ValidationError as error:
        return error.messages[0]
    raise AssertionError(value)


@pytest.mark.django_db
def test_the_register_filter_picks_a_period_and_keeps_its_id_in_the_url(client, sokha):
    client.force_login(sokha)
    page = client.get("/incidents/?period=2026Q1").content.decode()
    assert '<input id="id_period"' not in page
    assert re.search(r'<option value="2026Q1"[^>]*selected', page)
    assert 'action="/exports/?period=2026Q1&amp;' in page
    assert '<option value="" selected>' in client.get("/incidents/").content.decode()
