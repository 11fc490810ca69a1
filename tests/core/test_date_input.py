"""A date is typed as day, month and year in boxes of their own, so that no phone's locale can
turn 5 December into 12 May; a mistake is named, in the user's language, and what was typed
stays on the screen."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.http import QueryDict
from django.utils import translation

from safevillage.core.date_input import DateInputField, TimeOfDayField

PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
TODAY = datetime.datetime(2026, 12, 6, 10, 0, tzinfo=PHNOM_PENH)


@pytest.fixture(autouse=True)
def english_and_a_fixed_today():
    with translation.override("en"), mock.patch("django.utils.timezone.now", return_value=TODAY):
        yield


class DayForm(forms.Form):
    day = DateInputField(label="On what day?", past=True)
    due = DateInputField(label="Due", required=False)


class MomentForm(forms.Form):
    at = DateInputField(label="When?", time=True)
    around = DateInputField(label="Around", time=True, time_required=False, required=False)
    clock = TimeOfDayField(label="At what time?", required=False)


def typed(name: str, day: Any = "", month: Any = "", year: Any = "", **more: str) -> dict[str, str]:
    data = {f"{name}_day": str(day), f"{name}_month": str(month), f"{name}_year": str(year)}
    data.update({f"{name}_{part}": value for part, value in more.items()})
    return data


def errors_of(form: forms.Form, name: str) -> list[str]:
    assert not form.is_valid()
    return [str(message) for message in form.errors[name]]


def test_the_three_boxes_give_the_day_meant():
    form = DayForm(typed("day", 5, 12, 2026))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(2026, 12, 5)
    assert form.cleaned_data["due"] is None


def test_leading_zeros_spaces_and_khmer_digits_are_read():
    form = DayForm(typed("day", " 05", "១២", "២០២៦ "))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(2026, 12, 5)


def test_31_february_is_not_a_real_date_and_every_box_is_marked():
    form = DayForm(typed("day", 31, 2, 2026))
    assert errors_of(form, "day") == ["Enter a real date."]
    html = str(form["day"])
    for part, value in (("day", "31"), ("month", "2"), ("year", "2026")):
        assert f'name="day_{part}" value="{value}"' in html  # what was typed stays
        assert f'id="id_day_{part}"' in html
    assert html.count('aria-invalid="true"') == 3


@pytest.mark.parametrize(
    ("day", "month", "year", "wrong"),
    [
        (32, 1, 2026, "day"),
        (0, 1, 2026, "day"),
        (5, 13, 2026, "month"),
        ("5th", 12, 2026, "day"),
        ("²", 12, 2026, "day"),
        (5, "Dec", 2026, "month"),
    ],
)
def test_a_box_out_of_its_range_is_the_one_marked(day, month, year, wrong):
    form = DayForm(typed("day", day, month, year))
    assert errors_of(form, "day") == ["Enter a real date."]
    html = str(form["day"])
    assert html.count('aria-invalid="true"') == 1
    assert f'class="date-input-{wrong} invalid" aria-invalid="true" id="id_day_{wrong}"' in html
    assert form.fields["day"].widget.first_invalid_id("id_day") == f"id_day_{wrong}"


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", 12, 2026, "The date must include a day."),
        (5, "", 2026, "The date must include a month."),
        (5, 12, "", "The date must include a year."),
        ("", "", 2026, "The date must include a day and a month."),
        ("", 12, "", "The date must include a day and a year."),
        (5, "", "", "The date must include a month and a year."),
    ],
)
def test_a_missing_part_is_named(day, month, year, message):
    form = DayForm(typed("day", day, month, year))
    assert errors_of(form, "day") == [message]
    missing = [part for part, value in (("day", day), ("month", month), ("year", year)) if value == ""]
    assert form.fields["day"].widget.first_invalid_id("id_day") == f"id_day_{missing[0]}"


def test_an_empty_date_is_refused_only_when_it_is_required():
    form = DayForm(typed("day") | typed("due"))
    assert errors_of(form, "day") == ["Enter a date."]
    assert "due" not in form.errors


def test_a_year_of_two_digits_is_refused_rather_than_guessed():
    form = DayForm(typed("day", 5, 12, 26))
    assert errors_of(form, "day") == ["The year must have 4 digits."]


def test_a_future_date_is_refused_where_the_form_asks_for_the_past():
    assert errors_of(DayForm(typed("day", 7, 12, 2026)), "day") == ["The date cannot be in the future."]
    today = DayForm(typed("day", 6, 12, 2026))
    assert today.is_valid(), today.errors
    # The due date asks for no such thing.
    later = DayForm(typed("day", 6, 12, 2026) | typed("due", 7, 12, 2026))
    assert later.is_valid(), later.errors
    assert later.cleaned_data["due"] == datetime.date(2026, 12, 7)


def test_the_messages_are_in_khmer_on_a_khmer_page():
    with translation.override("km"):
        assert errors_of(DayForm(typed("day", 31, 2, 2026)), "day") == ["សូមបញ្ចូលកាលបរិច្ឆេទដែលមានពិតប្រាកដ។"]
        assert errors_of(DayForm(typed("day", 5, 12, "")), "day") == ["កាលបរិច្ឆេទត្រូវមានឆ្នាំ។"]
        assert errors_of(DayForm(typed("day", 7, 12, 2026)), "day") == ["កាលបរិច្ឆេទមិនអាចនៅថ្ងៃអនាគតបានទេ។"]
        html = str(DayForm()["day"])
    assert ">ថ្ងៃ</label>" in html and ">ខែ</label>" in html and ">ឆ្នាំ</label>" in html


def test_the_boxes_are_labelled_numeric_and_sized_for_two_and_four_digits():
    html = str(DayForm()["day"])
    assert '<label for="id_day_day">Day</label>' in html
    assert '<label for="id_day_month">Month</label>' in html
    assert '<label for="id_day_year">Year</label>' in html
    assert html.count('inputmode="numeric"') == 3
    assert 'size="2" class="date-input-day"' in html and 'size="4" class="date-input-year"' in html
    assert "maxlength" not in html  # nothing typed is cut off without a word
    assert DayForm()["day"].help_text == "For example, 27 3 2026"


def test_a_real_date_is_repeated_back_in_words():
    form = DayForm(typed("day", 5, 12, 2026) | typed("due", 31, 2, 2026))
    assert not form.is_valid()
    assert "That is 5 December 2026." in str(form["day"])
    assert "That is" not in str(form["due"])
    with translation.override("km"):
        assert "ធ្នូ" in str(DayForm(typed("day", 5, 12, 2026))["day"])


def test_an_initial_date_fills_the_boxes():
    html = str(DayForm(initial={"day": datetime.date(2026, 3, 27)})["day"])
    assert 'name="day_day" value="27"' in html and 'name="day_month" value="3"' in html
    assert 'name="day_year" value="2026"' in html


def test_a_shared_url_may_carry_the_three_parts_or_an_iso_date():
    by_parts = DayForm(QueryDict("day_day=5&day_month=12&day_year=2026"))
    by_iso = DayForm(QueryDict("day=2026-12-05"))
    assert by_parts.is_valid() and by_iso.is_valid(), (by_parts.errors, by_iso.errors)
    assert by_parts.cleaned_data["day"] == by_iso.cleaned_data["day"] == datetime.date(2026, 12, 5)
    # An ISO date comes back in the three boxes.
    assert 'name="day_day" value="5"' in str(DayForm(QueryDict("day=2026-12-05&due=2026-02-31"))["day"])
    # Anything but ISO 8601 under the plain name is refused, not guessed.
    assert errors_of(DayForm(QueryDict("day=05/12/2026")), "day") == ["Enter a real date."]
    assert errors_of(DayForm(QueryDict("day=2026-02-31")), "day") == ["Enter a real date."]


def test_a_date_and_time_takes_hh_mm_on_the_24_hour_clock():
    form = MomentForm(typed("at", 5, 12, 2026, time="19:30") | typed("around", 4, 12, 2026) | {"clock": "07:05"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["at"] == datetime.datetime(2026, 12, 5, 19, 30, tzinfo=PHNOM_PENH)
    assert form.cleaned_data["around"] == datetime.datetime(2026, 12, 4, 0, 0, tzinfo=PHNOM_PENH)
    assert form.cleaned_data["clock"] == datetime.time(7, 5)
    assert '<label for="id_at_time">Time</label>' in str(form["at"])


@pytest.mark.parametrize("clock", ["7pm", "19:30 PM", "24:00", "19:60", "1930"])
def test_a_time_that_is_not_hh_mm_is_refused(clock):
    form = MomentForm(typed("at", 5, 12, 2026, time=clock) | {"clock": clock})
    message = "Enter the time as hours and minutes on the 24-hour clock, such as 14:30."
    assert errors_of(form, "at") == [message]
    assert [str(m) for m in form.errors["clock"]] == [message]
    assert form.fields["at"].widget.first_invalid_id("id_at") == "id_at_time"


def test_a_required_time_must_be_given():
    assert errors_of(MomentForm(typed("at", 5, 12, 2026, time="")), "at") == ["Enter the time, such as 14:30."]


def test_an_iso_moment_with_an_offset_is_read_in_the_local_time_zone():
    form = MomentForm({"at": "2026-12-05T12:30:00+00:00"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["at"] == datetime.datetime(2026, 12, 5, 19, 30, tzinfo=PHNOM_PENH)


def test_an_unchanged_moment_is_not_reported_as_changed():
    saved = datetime.datetime(2026, 1, 5, 8, 0, 12, 345678, tzinfo=PHNOM_PENH)
    same = MomentForm(typed("at", 5, 1, 2026, time="08:00:12"), initial={"at": saved})
    moved = MomentForm(typed("at", 5, 1, 2026, time="08:01"), initial={"at": saved})
    assert "at" not in same.changed_data
    assert "at" in moved.changed_data
