"""Public complaints through ``POST /api/v1/public/complaints/``, and the receipt codes."""

from __future__ import annotations

import datetime
import hashlib
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from safevillage.audit.verify import verify_chain
from safevillage.incidents import actions, receipts
from safevillage.incidents.models import Incident
from tests.factories import nothing_written
from tests.problems import assert_problem, messages

URL = "/api/v1/public/complaints/"
CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}")


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def citizen(policy, places) -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="203.0.113.20")


def body(**overrides: Any) -> dict[str, Any]:
    data = {
        "category": "environment_hygiene",
        "village": "08010101",
        "occurred_at": (timezone.now() - datetime.timedelta(days=2)).isoformat(),
        "description": "Rubbish is burnt every night next to the school.",
        "anonymous": True,
    }
    data.update(overrides)
    return data


def refused(client: APIClient, **overrides: Any) -> dict[str | None, list[str]]:
    """The messages by field of the problem answering a complaint with ``overrides``."""
    with nothing_written():
        response = client.post(URL, body(**overrides), format="json")
    return messages(assert_problem(response, 400))


@pytest.mark.django_db
def test_an_anonymous_complaint_gets_a_receipt_and_keeps_nothing_of_the_sender(citizen):
    response = citizen.post(URL, body(), format="json")
    assert response.status_code == 201
    answer = response.json()
    assert CODE.fullmatch(answer["receipt"])
    incident = Incident.objects.get()
    assert answer["reference"] == incident.reference
    assert (incident.channel, incident.created_by, incident.complainant_name, incident.complainant_phone) == (
        "public_web",
        None,
        "",
        "",
    )
    assert incident.receipt_hash == hashlib.sha256(answer["receipt"].replace("-", "").encode()).hexdigest()
    assert answer["receipt"].replace("-", "") not in str(Incident.objects.values().get())
    assert "203.0.113.20" not in str(Incident.objects.values().get())
    assert verify_chain().intact


@pytest.mark.django_db
def test_the_receipt_works_as_typed_on_a_phone(citizen, sokha):
    code = citizen.post(URL, body(village="14030501"), format="json").json()["receipt"]
    incident = Incident.objects.get()
    sloppy = code.lower().replace("-", " ").replace("1", "l").replace("0", "o")
    incident = actions.acknowledge(incident, by=sokha, version=1)
    incident = actions.close(incident, by=sokha, version=2, outcome="mediated", note="Agreement with the owner.")
    assert actions.complainant_feedback(sloppy, resolved=True).pk == incident.pk


@pytest.mark.django_db
def test_a_named_complaint_keeps_the_name_and_phone(citizen):
    response = citizen.post(URL, body(anonymous=False, name="Sok Dara", phone="+855 12 345 678"), format="json")
    assert response.status_code == 201
    assert Incident.objects.values_list("complainant_name", "complainant_phone").get() == (
        "Sok Dara",
        "+855 12 345 678",
    )


@pytest.mark.django_db
def test_anonymous_with_a_phone_is_refused(citizen):
    assert refused(citizen, phone="012345678") == {
        "anonymous": ["You chose to stay anonymous: leave your name and phone empty, or choose to give them."]
    }


@pytest.mark.django_db
def test_the_anonymous_choice_must_be_made(citizen):
    data = body()
    del data["anonymous"]
    with nothing_written():
        response = citizen.post(URL, data, format="json")
    assert_problem(
        response, 400, errors=[{"attr": "anonymous", "code": "required", "detail": "This field is required."}]
    )


@pytest.mark.django_db
def test_bad_input_is_refused_with_its_message(citizen):
    assert refused(citizen, village="0801010") == {"village": ["There is no village with this code."]}
    assert refused(citizen, category="domestic_violence") == {"category": ["Choose a category from the list."]}
    assert refused(citizen, description="") == {"description": ["Describe what happened."]}
    assert refused(citizen, occurred_at="1970-01-01T00:00:00Z") == {
        "occurred_at": ["The time of the incident cannot be before 1979."]
    }
    assert refused(citizen, occurred_at="tomorrow") == {
        "occurred_at": [
            "Datetime has wrong format. Use one of these formats instead: "
            "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
        ]
    }
    assert refused(citizen, description="x" * 5_000_000)[None][0].startswith("The request is too large")


@pytest.mark.django_db
def test_a_signed_in_officers_session_is_not_needed_nor_used(citizen, sokha):
    citizen.force_login(sokha)
    assert citizen.post(URL, body(), format="json").status_code == 201
    assert Incident.objects.get().created_by is None


@pytest.mark.django_db
def test_too_many_complaints_from_one_address_are_throttled(citizen, settings):
    settings.COMPLAINT_THROTTLE_RATE = "3/hour"
    for _ in range(3):
        assert citizen.post(URL, body(), format="json").status_code == 201
    with nothing_written():
        response = citizen.post(URL, body(), format="json")
    assert response.status_code == 429


def test_receipt_codes_carry_at_least_64_random_bits_in_crockfords_alphabet():
    assert receipts.BITS >= 64
    codes = {receipts.new_receipt() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(CODE.fullmatch(code) for code in codes)
    # Every position takes many values: nothing is fixed or predictable.
    for position in range(19):
        if position % 5 != 4:
            assert len({code[position] for code in codes}) > 20


def test_a_receipt_is_read_back_whatever_the_case_or_separators():
    code = "7KQ2-M9XZ-4B1T-0HRD"
    assert receipts.normalise(" 7kq2 m9xz 4blt ohrd ") == "7KQ2M9XZ4B1T0HRD"
    assert receipts.receipt_hash(code) == hashlib.sha256(b"7KQ2M9XZ4B1T0HRD").hexdigest()
    assert receipts.receipt_hash("7KQ2-M9XZ-4B1T") is None
    assert receipts.receipt_hash("7KQ2-M9XZ-4B1T-0HRU") is None  # U is not in the alphabet
