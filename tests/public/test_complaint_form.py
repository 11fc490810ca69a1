"""A citizen with no account makes a complaint on the website and gets a receipt code."""

from __future__ import annotations

import datetime
import hashlib
import re
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.incidents.models import Channel, Incident
from tests.factories import nothing_written

pytestmark = pytest.mark.django_db
URL = "/public/complaint/"
ADDRESS = "203.0.113.77"


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def citizen(client, policy, places):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def on(day: datetime.date | str) -> dict[str, str]:
    """The day as the citizen types it: day, month and year in their own boxes."""
    day = datetime.date.fromisoformat(day) if isinstance(day, str) else day
    return {"occurred_on_day": str(day.day), "occurred_on_month": str(day.month), "occurred_on_year": str(day.year)}


def complaint(**overrides: Any) -> dict[str, Any]:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = {
        "village": "14030601",
        "category": "theft",
        "description": "My motorbike was stolen in front of the market.",
        **on(yesterday),
        "occurred_time": "19:30",
        "anonymous": "yes",
        "name": "",
        "phone": "",
    }
    data.update(overrides)
    return data


def send(client, **overrides: Any):
    return client.post(URL, complaint(**overrides), REMOTE_ADDR=ADDRESS)


def errors(response) -> list[tuple[str, str]]:
    box = re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S)
    assert box, "no error summary on the page"
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box.group(0))


def refused(client, **overrides: Any) -> list[tuple[str, str]]:
    with nothing_written():
        response = send(client, **overrides)
    assert response.status_code == 400
    return errors(response)


def test_the_citizen_chooses_the_village_province_by_province(citizen):
    html = citizen.get(URL).content.decode()
    assert f'href="{URL}?in=08"' in html and f'href="{URL}?in=14"' in html
    html = citizen.get(URL + "?in=1403").content.decode()
    assert f'href="{URL}?in=140305"' in html and f'href="{URL}?in=140306"' in html
    html = citizen.get(URL + "?in=140306").content.decode()
    assert f'href="{URL}?village=14030601"' in html


def test_the_citizen_finds_the_village_by_name(citizen):
    html = citizen.get(URL + "?q=trabaek").content.decode()
    assert f'href="{URL}?village=14030601"' in html


def test_the_form_names_the_chosen_village_and_offers_no_sensitive_category(citizen):
    response = citizen.get(URL + "?village=14030601")
    html = response.content.decode()
    assert "ត្របែក · Trabaek" in html
    assert 'value="theft"' in html and 'value="civil_dispute"' in html
    assert 'value="trafficking"' not in html and 'value="domestic_violence"' not in html


def test_an_anonymous_complaint_keeps_no_name_no_phone_and_no_address(citizen):
    response = send(citizen)
    assert response.status_code == 302 and response["Location"] == "/public/complaint/receipt/"
    incident = Incident.objects.get()
    assert (incident.channel, incident.created_by, incident.complainant_name, incident.complainant_phone) == (
        Channel.PUBLIC_WEB,
        None,
        "",
        "",
    )
    stored = " ".join(str(value) for value in Incident.objects.values().get().values())
    stored += " ".join(str(e.new) + str(e.old) + e.actor_label + e.reason for e in AuditEvent.objects.all())
    assert ADDRESS not in stored
    assert verify_chain().intact


def test_the_receipt_page_shows_the_code_big_and_only_its_hash_is_stored(citizen):
    send(citizen)
    page = citizen.get("/public/complaint/receipt/")
    html = page.content.decode()
    code = re.search(r'<p class="receipt"[^>]*>([^<]+)</p>', html).group(1)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", code)  # 16 characters of 5 bits: 80 bits
    assert "Keep this code" in html
    incident = Incident.objects.get()
    assert incident.receipt_hash == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    stored = " ".join(str(value) for value in Incident.objects.values().get().values())
    assert code not in stored and code.replace("-", "") not in stored
    assert page["Cache-Control"].startswith("max-age=0")


def test_without_a_fresh_complaint_there_is_no_receipt_to_show(citizen):
    html = citizen.get("/public/complaint/receipt/").content.decode()
    assert "No receipt to show" in html and 'class="receipt"' not in html


def test_a_named_complaint_keeps_the_name_and_phone(citizen):
    assert send(citizen, anonymous="no", name="Sok Dara", phone="012 345 678").status_code == 302
    incident = Incident.objects.get()
    assert (incident.complainant_name, incident.complainant_phone) == ("Sok Dara", "012 345 678")


def test_staying_anonymous_with_a_name_is_refused(citizen):
    assert refused(citizen, anonymous="yes", name="Sok Dara") == [
        ("id_anonymous_0", "You chose to stay anonymous: leave your name and phone empty, or choose to give them.")
    ]


def test_giving_neither_name_nor_phone_when_not_anonymous_is_refused(citizen):
    assert refused(citizen, anonymous="no") == [
        ("id_name", "Give your name or a phone number, or choose to stay anonymous.")
    ]


def test_a_phone_number_must_be_digits(citizen):
    assert refused(citizen, anonymous="no", phone="call me maybe") == [
        ("id_phone", "Enter a phone number of digits, such as 012 345 678.")
    ]


def test_a_sensitive_category_cannot_be_sent_through_the_website(citizen):
    [(anchor, _message)] = refused(citizen, category="trafficking")
    assert anchor == "id_category_0"


def test_a_day_in_the_future_or_before_1979_is_refused(citizen):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert refused(citizen, **on(tomorrow), occurred_time="") == [
        ("id_occurred_on_day", "The date cannot be in the future.")
    ]
    assert refused(citizen, **on("1975-04-17")) == [
        ("id_occurred_on_day", "The time of the incident cannot be before 1979.")
    ]


def test_tomorrow_without_a_time_is_refused_even_minutes_before_midnight(citizen):
    # Tomorrow's first minute lies within the five minutes of allowed clock skew at 23:57;
    # a bare day must still be judged as a day.
    late = datetime.datetime(2026, 11, 22, 23, 57, tzinfo=ZoneInfo("Asia/Phnom_Penh"))
    with mock.patch("django.utils.timezone.now", return_value=late):
        assert refused(citizen, **on("2026-11-23"), occurred_time="") == [
            ("id_occurred_on_day", "The date cannot be in the future.")
        ]


def test_the_day_is_typed_as_day_month_and_year_and_stored_as_meant(citizen):
    fifth_of_december = datetime.date(2025, 12, 5)
    response = send(citizen, **on(fifth_of_december), occurred_time="21:15")

    assert response.status_code == 302
    occurred = timezone.localtime(Incident.objects.get().occurred_at)
    assert (occurred.date(), occurred.strftime("%H:%M")) == (fifth_of_december, "21:15")


def test_a_date_typed_the_american_way_is_refused_not_misread(citizen):
    # The browser's date field sent what an English phone showed; 05/12/2026 became 12 May.
    data = {key: value for key, value in complaint(occurred_on="05/12/2025").items() if "_on_" not in key}
    with nothing_written():
        response = citizen.post(URL, data, REMOTE_ADDR=ADDRESS, HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert response.status_code == 400
    assert errors(response) == [("id_occurred_on_day", "Enter a real date.")]


def test_a_wrong_date_is_named_in_khmer_and_what_was_typed_stays(citizen):
    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    with nothing_written():
        response = send(citizen, occurred_on_day="31", occurred_on_month="2", occurred_on_year="2026")
    assert response.status_code == 400
    assert errors(response) == [("id_occurred_on_day", "សូមបញ្ចូលកាលបរិច្ឆេទដែលមានពិតប្រាកដ។")]
    html = response.content.decode()
    assert 'name="occurred_on_day" value="31"' in html and 'name="occurred_on_month" value="2"' in html
    assert "<legend>តើកើតឡើងនៅថ្ងៃណា?</legend>" in html and ">ថ្ងៃ</label>" in html
    assert 'type="date"' not in html and 'type="time"' not in html


def test_a_time_on_the_12_hour_clock_is_refused(citizen):
    assert refused(citizen, occurred_time="7:30 PM") == [
        ("id_occurred_time", "Enter the time as hours and minutes on the 24-hour clock, such as 14:30.")
    ]


def test_an_empty_or_huge_description_is_refused(citizen):
    assert refused(citizen, description="") == [("id_description", "Say what happened.")]
    assert refused(citizen, description="   ") == [("id_description", "Describe what happened.")]
    with nothing_written():
        response = send(citizen, description="x" * 5_000_000)
    assert response.status_code == 413
    assert "What you sent is too large and was not read." in response.content.decode()


def test_an_unknown_village_code_goes_back_to_the_village_choice(citizen):
    with nothing_written():
        response = send(citizen, village="99999999")
    assert response.status_code == 400
    assert "There is no village with this code." in response.content.decode()
    assert citizen.get(URL + "?village=99999999").status_code == 404


def test_too_many_complaints_from_one_connection_are_refused(citizen, settings):
    settings.COMPLAINT_THROTTLE_RATE = "2/hour"
    assert send(citizen).status_code == 302
    assert send(citizen).status_code == 302
    with nothing_written():
        response = send(citizen)
    assert response.status_code == 429
    assert "Too many complaints from your connection." in response.content.decode()
    # Another connection is not affected.
    assert citizen.post(URL, complaint(), REMOTE_ADDR="198.51.100.4").status_code == 302
