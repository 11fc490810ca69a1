"""Records sent by field devices to ``POST /api/v1/incidents/``: what is accepted, and every
bad input refused with a 400, a clear message and nothing written."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from safevillage.accounts.models import DeviceToken
from safevillage.audit.verify import verify_chain
from safevillage.incidents.models import Incident, SeizedItem
from tests.factories import nothing_written
from tests.problems import assert_problem, messages

pytestmark = pytest.mark.django_db
URL = "/api/v1/incidents/"


def payload(**overrides: Any) -> dict[str, Any]:
    body = {
        "uuid": str(uuid.uuid4()),
        "category": "theft",
        "village": "14030501",
        "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "description": "A water pump was taken from the rice field.",
    }
    body.update(overrides)
    return body


@pytest.fixture
def device(policy, sokha) -> APIClient:
    """Sokha's phone, signed in with a device token, speaking English."""
    _token, key = DeviceToken.issue(sokha, "Sokha's phone")
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def refused(client: APIClient, body: Any, **extra: Any) -> dict[str | None, list[str]]:
    """The messages by field (dotted path) of the problem answering ``body``."""
    with nothing_written():
        response = client.post(URL, body, format="json", **extra)
    return messages(assert_problem(response, 400))


def test_a_device_records_an_incident(device, sokha):
    body = payload(
        tags=["weapon"],
        people=[{"role": "victim", "sex": "female", "age_group": "older", "name": "Yeay Phan"}],
        items=[{"kind": "weapon", "quantity": 1, "unit": "item", "description": "Machete"}],
        latitude="11.20",
        longitude="105.30",
    )
    response = device.post(URL, body, format="json")
    assert response.status_code == 201
    answer = response.json()
    incident = Incident.objects.get()
    assert answer["reference"] == incident.reference
    assert (answer["channel"], answer["status"], answer["version"], answer["uuid"]) == (
        "field_device",
        "received",
        1,
        body["uuid"],
    )
    assert answer["people"] == [
        {"id": incident.people.get().pk, "role": "victim", "sex": "female", "age_group": "older", "name": None}
    ]
    assert answer["items"] == [
        {"kind": "weapon", "drug_type": "", "quantity": "1.000", "unit": "item", "description": "Machete"}
    ]
    assert incident.created_by == sokha and incident.people.get().name == "Yeay Phan"
    assert verify_chain().intact


def test_an_unknown_village_code_is_refused(device):
    assert refused(device, payload(village="14039999")) == {
        "village": ["There is no village with this code in your area."]
    }


def test_a_village_outside_the_officers_area_gets_the_same_message(device):
    assert refused(device, payload(village="14030601")) == {
        "village": ["There is no village with this code in your area."]
    }


def test_a_time_in_the_future_or_before_1979_is_refused(device):
    future = (timezone.now() + datetime.timedelta(minutes=10)).isoformat()
    assert refused(device, payload(occurred_at=future)) == {
        "occurred_at": ["The time of the incident cannot be in the future."]
    }
    assert refused(device, payload(occurred_at="1978-06-01T10:00:00+07:00")) == {
        "occurred_at": ["The time of the incident cannot be before 1979."]
    }
    skewed = (timezone.now() + datetime.timedelta(minutes=4)).isoformat()
    assert device.post(URL, payload(occurred_at=skewed), format="json").status_code == 201


def test_an_empty_description_is_refused(device):
    assert refused(device, payload(description=" \n ")) == {"description": ["Describe what happened."]}


def test_a_five_megabyte_description_is_refused_before_it_is_parsed(device):
    with nothing_written():
        response = device.post(URL, payload(description="x" * 5_000_000), format="json")
    body = assert_problem(response, 400, type="/api/problems/unreadable-body/", errors=[{"code": "too_large"}])
    assert body["detail"].startswith("The request is too large")


def test_a_description_just_over_the_limit_is_refused_with_its_length(device):
    assert refused(device, payload(description="x" * 10_001)) == {
        "description": ["Write at most 10,000 characters (this text has 10,001)."]
    }


def test_a_malformed_uuid_is_refused(device):
    assert refused(device, payload(uuid="not-a-uuid")) == {"uuid": ["Must be a valid UUID."]}


@pytest.mark.parametrize("number", [123, 0, 2**128 - 1, 1.5])
def test_a_uuid_given_as_a_number_is_refused(device, number):
    """DRF's UUIDField turns 123 into 00000000-0000-0000-0000-00000000007b: a device that
    sends a number has a bug, and must not have a uuid made up for it."""
    with nothing_written():
        response = device.post(URL, payload(uuid=number), format="json")
    assert_problem(
        response,
        400,
        type="/api/problems/invalid-input/",
        errors=[{"attr": "uuid", "code": "invalid", "detail": "Must be a valid UUID."}],
    )


def test_negative_and_absurd_quantities_are_refused(device):
    drug = {"kind": "drug", "drug_type": "methamphetamine", "unit": "tablet"}
    assert refused(device, payload(items=[{**drug, "quantity": "-5"}])) == {
        "items.0.quantity": ["Enter a quantity greater than zero."]
    }
    assert refused(device, payload(items=[{**drug, "quantity": "1e12"}])) == {
        "items.0.quantity": ["This quantity is not plausible: at most 100,000,000 tablets."]
    }
    assert refused(device, payload(items=[{**drug, "quantity": "NaN"}])) == {
        "items.0.quantity": ["Enter the quantity as a number."]
    }
    assert SeizedItem.objects.count() == 0


def test_unknown_enum_values_are_refused(device):
    answer = refused(
        device,
        payload(
            channel="public_web",
            people=[{"role": "bystander"}],
            items=[{"kind": "drug", "drug_type": "caffeine", "quantity": 1, "unit": "g"}],
            tags=["aliens"],
            category="witchcraft",
        ),
    )
    assert answer == {
        "category": ["Choose a category from the list."],
        "channel": ['"public_web" is not a valid choice.'],
        "tags": ["Choose context tags from the list."],
        "people.0.role": ['"bystander" is not a valid choice.'],
        "items.0.drug_type": ['"caffeine" is not a valid choice.'],
    }


def test_text_that_cannot_be_stored_is_refused_not_a_server_error(device):
    assert refused(device, payload(description="bad \x00 byte")) == {
        "description": ["Null characters are not allowed."]
    }
    # A lone surrogate, escaped in the JSON as a device may send it.
    body = json.dumps(payload(people=[{"role": "victim", "name": "\ud800"}]))
    with nothing_written():
        response = device.generic("POST", URL, body, content_type="application/json")
    assert_problem(
        response, 400, errors=[{"attr": "people.0.name", "detail": "Surrogate characters are not allowed: U+D800."}]
    )


def test_a_body_that_is_not_an_object_is_refused(device):
    answer = refused(device, ["not", "an", "object"])
    assert "non_field_errors" in answer


def test_a_user_without_recording_rights_is_forbidden(policy, vannak):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(vannak)
    with nothing_written():
        response = client.post(URL, payload(), format="json")
    assert_problem(
        response,
        403,
        type="about:blank",
        errors=[{"code": "permission_denied", "detail": "You may not record incidents."}],
    )


def test_an_anonymous_caller_is_refused(policy, places):
    with nothing_written():
        assert APIClient().post(URL, payload(), format="json").status_code in (401, 403)
