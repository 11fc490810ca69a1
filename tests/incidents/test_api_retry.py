"""A field device resending a workflow action whose answer it lost (the network dropped)
gets the first answer again, not a 409: by the same request id (Idempotency-Key), or by the
same base version and body. The action is taken once: one state change, one audit event."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.incidents.models import Incident

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def send(user, incident: Incident, action: str, body: dict[str, Any], key: str | None = None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api(user).post(f"/api/v1/incidents/{incident.reference}/{action}/", body, format="json", **headers)


def events(incident: Incident, action: str) -> int:
    return AuditEvent.objects.filter(target_id=str(incident.pk), action=f"incident.{action}").count()


ACTIONS = {
    "acknowledge": ("acknowledge", {}, "received"),
    "assign": ("assign", {"assignee": "sokha"}, "received"),
    "close": (
        "close",
        {"outcome": "solved", "clearance": "arrest", "arrests": 2, "note": "Two arrested at the market."},
        "acknowledged",
    ),
}


@pytest.fixture
def record(make_incident, sokha):
    def make(status: str) -> Incident:
        from safevillage.incidents import actions

        incident = make_incident(sokha)
        if status == "acknowledged":
            incident = actions.acknowledge(incident, by=sokha, version=incident.version)
        return Incident.objects.get(pk=incident.pk)

    return make


@pytest.mark.parametrize("with_key", [True, False], ids=["same request id", "same version and body"])
@pytest.mark.parametrize("name", list(ACTIONS))
def test_an_action_sent_twice_is_taken_once_and_answered_twice_alike(name, with_key, record, sokha):
    action, body, status = ACTIONS[name]
    incident = record(status)
    body = {**body, "version": incident.version}
    key = "6f1c2b9e-4a57-4d0f-9a43-0d2d8e1f5a10" if with_key else None
    first = send(sokha, incident, action, body, key)
    assert first.status_code == 200, first.json()
    again = send(sokha, incident, action, body, key)
    assert again.status_code == 200, again.json()
    assert again.json() == first.json()
    assert events(incident, "assign" if action == "assign" else action) == 1
    assert Incident.objects.get(pk=incident.pk).version == incident.version + 1
    assert verify_chain().intact


@pytest.mark.parametrize("name", list(ACTIONS))
def test_another_body_on_the_same_base_version_is_still_a_409(name, record, sokha):
    action, body, status = ACTIONS[name]
    incident = record(status)
    base = {**body, "version": incident.version}
    assert send(sokha, incident, action, base).status_code == 200
    other = {"version": incident.version, "reason": "Entered twice."}
    assert send(sokha, incident, "withdraw", other).status_code == 409
    assert events(incident, "withdraw") == 0


def test_a_close_with_another_outcome_on_the_same_version_is_a_409(record, sokha):
    incident = record("acknowledged")
    solved = {"version": incident.version, "outcome": "solved", "clearance": "arrest", "arrests": 1}
    assert send(sokha, incident, "close", solved).status_code == 200
    mediated = {"version": incident.version, "outcome": "mediated"}
    response = send(sokha, incident, "close", mediated)
    assert response.status_code == 409
    assert Incident.objects.get(pk=incident.pk).outcome == "solved"
    assert events(incident, "close") == 1


def test_the_same_request_id_with_another_body_is_a_409(record, sokha):
    incident = record("received")
    key = "retry-1"
    assert send(sokha, incident, "note", {"version": incident.version, "text": "First."}, key).status_code == 200
    response = send(sokha, incident, "note", {"version": incident.version + 1, "text": "Second."}, key)
    assert response.status_code == 409
    assert incident.notes.count() == 1


def test_another_officer_sending_the_same_action_is_still_a_409(record, sokha, places, make_user):
    from safevillage.accounts.roles import Role

    sophea = make_user("sophea", Role.COMMUNE_POLICE, places["140305"])
    incident = record("received")
    body = {"version": incident.version}
    assert send(sokha, incident, "acknowledge", body).status_code == 200
    assert send(sophea, incident, "acknowledge", body).status_code == 409


def test_a_retry_after_someone_else_changed_the_record_answers_with_the_record_as_it_is(record, sokha, national):
    incident = record("received")
    first = send(sokha, incident, "acknowledge", {"version": 1}, "ack-1").json()
    send(national, incident, "note", {"version": first["version"], "text": "Seen by the secretariat."})
    again = send(sokha, incident, "acknowledge", {"version": 1}, "ack-1")
    assert again.status_code == 200
    assert again.json()["version"] == first["version"] + 1
    assert events(incident, "acknowledge") == 1


@pytest.mark.parametrize("key", ["", "x" * 101, "caf\u00e9"])
def test_a_malformed_request_id_is_a_400(key, record, sokha):
    incident = record("received")
    response = send(sokha, incident, "acknowledge", {"version": incident.version}, key)
    assert response.status_code == 400
    assert Incident.objects.get(pk=incident.pk).status == "received"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("key", [None, "ack-at-once"], ids=["same version and body", "same request id"])
def test_three_copies_sent_at_once_are_one_acknowledgement_and_three_identical_answers(key, make_incident, sokha):
    import threading

    from django.db import connection

    incident = make_incident(sokha)
    barrier = threading.Barrier(3)
    answers: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def copy() -> None:
        try:
            barrier.wait(timeout=30)
            response = send(sokha, incident, "acknowledge", {"version": incident.version}, key)
            with lock:
                answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=copy) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [status for status, _ in answers] == [200, 200, 200]
    assert all(body == answers[0][1] for _, body in answers)
    assert events(incident, "acknowledge") == 1
    assert verify_chain().intact
