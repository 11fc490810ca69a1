"""People killed and injured, recorded on the record itself: at intake through the staff form
and the field API, and corrected when the record is closed (a victim dies in hospital). Bad
numbers are refused with the same words at every door, and nothing is written; every change
is audited and moves the report summaries with it."""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from rest_framework.test import APIClient

from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.incidents import actions
from safevillage.incidents.intake import submission_hash
from safevillage.incidents.models import Incident
from safevillage.reports.rebuild import differences
from tests.factories import intake_data, make_incident, nothing_written
from tests.incidents.test_intake_form import form_data, summary
from tests.problems import assert_problem, messages

pytestmark = pytest.mark.django_db

KILLED = "Enter the number of people killed as a whole number from 0 to 500."
INJURED = "Enter the number of people injured as a whole number from 0 to 500."


@pytest.fixture
def officer(client, policy, sokha):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(sokha)
    return client


@pytest.fixture
def device(policy, sokha) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(sokha)
    return client


def crash(**overrides: Any) -> dict[str, Any]:
    body = {
        "uuid": str(uuid.uuid4()),
        "category": "traffic_accident",
        "village": "14030501",
        "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "description": "A motorbike and a truck collided on National Road 11.",
    }
    body.update(overrides)
    return body


# --- the staff form ----------------------------------------------------------------------


def test_the_form_asks_for_casualties_under_their_own_heading(officer):
    html = officer.get("/incidents/new/").content.decode()
    assert "People killed or injured" in html and "For a traffic accident, always give both numbers" in html
    assert 'name="deaths"' in html and 'name="injuries"' in html


def test_an_officer_records_a_traffic_accident_with_its_casualties(officer, sokha):
    response = officer.post("/incidents/new/", form_data(category="traffic_accident", deaths="1", injuries="3"))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert (incident.category.code, incident.deaths, incident.injuries) == ("traffic_accident", 1, 3)
    event = AuditEvent.objects.get(action="incident.create")
    assert (event.new["deaths"], event.new["injuries"]) == (1, 3)
    assert list(differences()) == []  # the summaries carry them too
    page = officer.get(response["Location"]).content.decode()
    assert "<dt>People killed</dt><dd>1</dd>" in page and "<dt>People injured</dt><dd>3</dd>" in page


def test_casualties_are_optional_and_count_on_any_category(officer):
    assert officer.post("/incidents/new/", form_data()).status_code == 302  # a theft, no numbers given
    assert officer.post("/incidents/new/", form_data(category="homicide", deaths="1")).status_code == 302
    assert list(Incident.objects.order_by("id").values_list("category__code", "deaths", "injuries")) == [
        ("theft", 0, 0),
        ("homicide", 1, 0),
    ]


@pytest.mark.parametrize("value", ["-1", "501", "1.5", "two", "1e2", "１"])
def test_a_bad_number_of_casualties_is_refused_and_nothing_written(officer, value):
    with nothing_written():
        response = officer.post("/incidents/new/", form_data(category="traffic_accident", deaths=value, injuries=value))
    assert response.status_code == 400
    assert summary(response) == [("id_deaths", KILLED), ("id_injuries", INJURED)]


def test_the_limit_itself_is_accepted(officer):
    assert officer.post("/incidents/new/", form_data(category="traffic_accident", deaths="500")).status_code == 302
    assert Incident.objects.get().deaths == 500


# --- the field API -----------------------------------------------------------------------


def test_a_device_records_a_traffic_accident_with_its_casualties(device):
    response = device.post("/api/v1/incidents/", crash(deaths=2, injuries="4"), format="json")
    assert response.status_code == 201
    assert (response.json()["deaths"], response.json()["injuries"]) == (2, 4)
    assert Incident.objects.get().deaths == 2
    assert verify_chain().intact


def test_a_device_that_sends_no_casualties_records_none(device):
    response = device.post("/api/v1/incidents/", crash(), format="json")
    assert (response.json()["deaths"], response.json()["injuries"]) == (0, 0)


@pytest.mark.parametrize("value", [-1, 501, 1.5, "1.5", "two", True, None, ""])
def test_the_api_refuses_a_bad_number_of_casualties_and_writes_nothing(device, value):
    with nothing_written():
        response = device.post("/api/v1/incidents/", crash(deaths=value, injuries=value), format="json")
    assert messages(assert_problem(response, 400)) == {"deaths": [KILLED], "injuries": [INJURED]}


def test_a_resubmission_is_recognised_and_other_casualties_under_the_same_uuid_are_refused(device):
    body = crash(deaths=1)
    assert device.post("/api/v1/incidents/", body, format="json").status_code == 201
    assert device.post("/api/v1/incidents/", body, format="json").status_code == 200
    with nothing_written():
        assert device.post("/api/v1/incidents/", {**body, "deaths": 2}, format="json").status_code == 409


def test_a_submission_without_casualties_hashes_as_before_they_were_recorded(policy, places):
    """Devices may resend records hashed before casualties existed: their hash must not move."""
    occurred = datetime.datetime(2026, 3, 1, 8, tzinfo=datetime.UTC)
    data = intake_data(occurred_at=occurred, description="Two goats taken")
    # The content as it was hashed before (intake.submission_hash without casualties).
    before = {
        "category": "theft",
        "village": "14030501",
        "occurred_at": "2026-03-01T08:00:00+00:00",
        "description": "Two goats taken",
        "channel": "in_person",
        "tags": [],
        "people": [],
        "items": [],
        "latitude": None,
        "longitude": None,
    }
    encoded = json.dumps(before, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert submission_hash(data) == hashlib.sha256(encoded.encode()).hexdigest()
    assert submission_hash(intake_data(occurred_at=occurred, description="Two goats taken", deaths=1)) != (
        submission_hash(data)
    )


def test_the_database_refuses_an_implausible_number_written_around_intake(policy, sokha):
    record = make_incident(sokha, category="traffic_accident")
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=record.pk).update(deaths=501)


# --- later: at closure -------------------------------------------------------------------


def test_a_victim_who_dies_in_hospital_is_counted_when_the_record_is_closed(policy, sokha):
    record = make_incident(sokha, category="traffic_accident", deaths=0, injuries=2)
    record = actions.close(record, by=sokha, version=record.version, outcome="mediated", deaths=1, injuries=1)
    assert (record.deaths, record.injuries) == (1, 1)
    event = AuditEvent.objects.get(action="incident.close")
    assert (event.old["deaths"], event.old["injuries"], event.new["deaths"], event.new["injuries"]) == (0, 2, 1, 1)
    assert list(differences()) == []
    assert verify_chain().intact


def test_closing_without_casualties_keeps_those_recorded(policy, sokha):
    record = make_incident(sokha, category="traffic_accident", deaths=1, injuries=2)
    record = actions.close(record, by=sokha, version=record.version, outcome="mediated")
    assert (record.deaths, record.injuries) == (1, 2)


def test_a_bad_number_at_closure_is_refused_and_nothing_written(policy, sokha):
    record = make_incident(sokha, category="traffic_accident")
    with translation.override("en"), nothing_written(), pytest.raises(actions.InvalidInput) as refused:
        actions.close(record, by=sokha, version=record.version, outcome="mediated", deaths=-1)
    assert (refused.value.field, refused.value.message) == ("deaths", KILLED)
    record.refresh_from_db()
    assert (record.status, record.version) == ("received", 1)


def test_the_close_form_shows_the_numbers_so_far_and_takes_new_ones(client, policy, sokha):
    record = make_incident(sokha, category="traffic_accident", injuries=2)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(sokha)
    url = f"/incidents/{record.reference}/"
    html = client.get(f"{url}close/").content.decode()
    assert 'name="close-injuries" value="2"' in html
    with nothing_written():
        refused = client.post(f"{url}close/", {"close-version": 1, "close-result": "mediated", "close-deaths": "-2"})
    assert refused.status_code == 400 and KILLED in refused.content.decode()
    done = client.post(
        f"{url}close/", {"close-version": 1, "close-result": "mediated", "close-deaths": "1", "close-injuries": "1"}
    )
    assert done.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.deaths, record.injuries) == ("closed", 1, 1)


def test_the_api_closes_with_casualties_and_refuses_bad_ones(device, sokha):
    record = make_incident(sokha, category="traffic_accident", injuries=3)
    url = f"/api/v1/incidents/{record.reference}/close/"
    with nothing_written():
        response = device.post(url, {"version": 1, "outcome": "mediated", "deaths": 501}, format="json")
    assert_problem(response, 400, errors=[{"attr": "deaths", "detail": KILLED}])
    response = device.post(url, {"version": 1, "outcome": "mediated", "deaths": 1}, format="json")
    assert response.status_code == 200
    assert (response.json()["deaths"], response.json()["injuries"]) == (1, 3)  # injuries not sent: kept


def test_a_neighbour_cannot_close_or_see_the_casualties(policy, sokha, dara):
    record = make_incident(sokha, category="traffic_accident", deaths=1)
    neighbour = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    neighbour.force_authenticate(dara)
    assert neighbour.get(f"/api/v1/incidents/{record.reference}/").status_code == 404
    with nothing_written():
        response = neighbour.post(
            f"/api/v1/incidents/{record.reference}/close/", {"version": 1, "outcome": "mediated", "deaths": 3}
        )
    assert response.status_code == 404
