"""Twenty officers save a change based on the same version of a record at the same instant:
exactly one change is kept, the nineteen others are told the record changed (409 through the
API, ``Conflict`` from the actions), and nothing of theirs is written — on SQLite and on
PostgreSQL alike. The real server is drilled by scripts/resilience/concurrent_edits.py."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.incidents import actions
from safevillage.incidents.models import Incident, Note, Status
from safevillage.reports.rebuild import differences

EDITORS = 20


def at_once(work: Callable[[], Any], count: int = EDITORS) -> list[Any]:
    """Run ``work`` in ``count`` threads released together by a barrier; each thread's result
    or exception, in the order they finished. Each thread closes its own database connection."""
    barrier = threading.Barrier(count)
    outcomes: list[Any] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            outcome = work()
        except Exception as exc:  # the test inspects what each editor got
            outcome = exc
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def api(user: Any) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.mark.django_db(transaction=True)
def test_twenty_notes_on_the_same_version_keep_one_and_answer_409_to_the_others(sokha, make_incident):
    incident = make_incident(sokha)
    url = f"/api/v1/incidents/{incident.reference}/note/"

    def add_note() -> tuple[int, Any]:
        # Twenty phones, twenty requests (each its own request id): the same body sent again
        # under one request id, or without any, would be a retry, answered as the first.
        response = api(sokha).post(
            url,
            {"version": incident.version, "text": "Seen at the market."},
            format="json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        return response.status_code, response.json()

    answers = at_once(add_note)

    assert sorted(status for status, _ in answers) == [200] + [409] * (EDITORS - 1)
    conflicts = [body for status, body in answers if status == 409]
    assert all("Someone else changed this record" in body["detail"] for body in conflicts)
    incident.refresh_from_db()
    assert incident.version == 2
    assert Note.objects.filter(incident=incident).count() == 1
    assert AuditEvent.objects.filter(action="incident.add_note").count() == 1
    assert verify_chain().intact


@pytest.mark.django_db(transaction=True)
def test_twenty_acknowledgements_of_the_same_version_keep_one_and_refuse_the_others(sokha, make_incident):
    incident = make_incident(sokha)

    outcomes = at_once(lambda: actions.acknowledge(incident.pk, by=sokha, version=1))

    kept = [outcome for outcome in outcomes if isinstance(outcome, Incident)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, actions.Conflict)]
    assert (len(kept), len(refused)) == (1, EDITORS - 1)
    incident.refresh_from_db()
    assert (incident.status, incident.version) == (Status.ACKNOWLEDGED, 2)
    assert AuditEvent.objects.filter(action="incident.acknowledge").count() == 1
    assert verify_chain().intact
    assert list(differences()) == []
