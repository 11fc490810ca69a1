"""A field device may send the same record again (it never got the answer, the network
dropped): the device's ``uuid`` makes that safe, even when the copies arrive together."""

from __future__ import annotations

import datetime
import threading
import uuid
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.incidents.models import Incident
from tests.factories import nothing_written
from tests.problems import assert_problem

URL = "/api/v1/incidents/"
YESTERDAY = (timezone.now() - datetime.timedelta(days=1)).replace(microsecond=0).isoformat()


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def submission(**overrides: Any) -> dict[str, Any]:
    body = {
        "uuid": "6f1c2b9e-4a57-4d0f-9a43-0d2d8e1f5a10",
        "category": "burglary",
        "village": "14030502",
        "occurred_at": YESTERDAY,
        "description": "The shop was entered through the roof at night.",
        "people": [{"role": "victim", "sex": "male", "age_group": "adult"}],
        "items": [{"kind": "vehicle", "quantity": "1", "unit": "item", "description": "Honda Dream"}],
    }
    body.update(overrides)
    return body


@pytest.mark.django_db
def test_an_identical_resubmission_returns_the_first_record_and_creates_nothing(policy, sokha):
    body = submission()
    first = api(sokha).post(URL, body, format="json")
    assert first.status_code == 201
    with nothing_written():
        again = api(sokha).post(URL, body, format="json")
    assert again.status_code == 200
    assert again.json() == first.json()


@pytest.mark.django_db
def test_the_same_content_written_differently_is_still_the_same_submission(policy, sokha):
    body = submission(occurred_at="2026-01-10T08:30:00+07:00", tags=["weapon", "gang"])
    first = api(sokha).post(URL, body, format="json")
    same = submission(occurred_at="2026-01-10T01:30:00Z", tags=["gang", "weapon"])
    same["items"][0]["quantity"] = 1
    with nothing_written():
        assert api(sokha).post(URL, same, format="json").json() == first.json()


@pytest.mark.django_db
def test_the_same_uuid_with_other_content_is_a_409(policy, sokha):
    api(sokha).post(URL, submission(), format="json")
    with nothing_written():
        response = api(sokha).post(URL, submission(description="Something else entirely."), format="json")
    assert_problem(
        response,
        409,
        type="/api/problems/uuid-reused/",
        errors=[
            {
                "code": "uuid_reused",
                "attr": "uuid",
                "detail": "This device identifier (uuid) was already used for a different record: send a new uuid.",
            }
        ],
    )


@pytest.mark.django_db
def test_another_users_uuid_makes_its_own_record_and_reveals_nothing(policy, places, sokha, make_user):
    from safevillage.accounts.roles import Role

    sophea = make_user("sophea", Role.COMMUNE_POLICE, places["140305"])
    mine = api(sokha).post(URL, submission(), format="json").json()
    theirs = api(sophea).post(URL, submission(description="Sophea's own report."), format="json")
    assert theirs.status_code == 201
    assert theirs.json()["reference"] != mine["reference"]
    assert theirs.json()["description"] == "Sophea's own report."
    assert Incident.objects.count() == 2


def _send_concurrently(user, body: dict[str, Any], copies: int) -> list[tuple[int, Any]]:
    barrier = threading.Barrier(copies)
    answers: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            barrier.wait(timeout=30)
            response = api(user).post(URL, body, format="json")
            with lock:
                answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


@pytest.mark.django_db(transaction=True)
def test_five_copies_sent_at_once_make_one_record_and_five_identical_answers(policy, sokha):
    answers = _send_concurrently(sokha, submission(), copies=5)
    assert len(answers) == 5
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200, 200, 200, 200, 201]
    bodies = [body for _, body in answers]
    assert all(body == bodies[0] for body in bodies)
    assert Incident.objects.count() == 1
    assert Incident.objects.get().reference == bodies[0]["reference"]
    assert AuditEvent.objects.filter(action="incident.create").count() == 1
    assert verify_chain().intact


@pytest.mark.django_db(transaction=True)
def test_different_uuids_sent_at_once_each_make_a_record_with_its_own_number(policy, sokha):
    barrier = threading.Barrier(4)
    references: list[str] = []

    def send() -> None:
        try:
            barrier.wait(timeout=30)
            body = submission(uuid=str(uuid.uuid4()))
            references.append(api(sokha).post(URL, body, format="json").json()["reference"])
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(int(r[-6:]) for r in references) == [1, 2, 3, 4]
    assert verify_chain().intact


@pytest.mark.django_db
def test_a_copy_that_loses_the_race_reads_the_winners_record(policy, sokha, monkeypatch):
    """The path taken when two copies both find no record and both insert: the second insert
    hits the unique constraint, rolls back, and answers with the winner's record."""
    from safevillage.incidents import actions

    body = submission()
    first = api(sokha).post(URL, body, format="json").json()
    look_up = actions._device_record
    calls: list[int] = []

    def blind_first_time(*args: Any) -> Any:
        calls.append(1)
        return None if len(calls) == 1 else look_up(*args)

    monkeypatch.setattr(actions, "_device_record", blind_first_time)
    with nothing_written():
        response = api(sokha).post(URL, body, format="json")
    assert (response.status_code, response.json()) == (200, first)
    assert len(calls) == 2
