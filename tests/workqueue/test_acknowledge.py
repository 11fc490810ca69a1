"""One tap on "Acknowledge" in the home queue: the record is acknowledged by the same action
as on its page (audited, version-checked), and it leaves the queue."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from safevillage.accounts.roles import Role
from safevillage.audit.models import AuditEvent
from safevillage.incidents.models import Status
from tests.incidents.factories_register import on_time

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_record(places, policy):
    return on_time(places["14030501"])


def tap(client: Client, record, version=None, **headers):
    return client.post(
        f"/queue/acknowledge/{record.reference}/",
        {"acknowledge-version": record.version if version is None else version},
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )


def test_a_tap_acknowledges_and_the_record_leaves_the_queue(client, sokha, new_record):
    client.force_login(sokha)
    response = tap(client, new_record)
    assert response.status_code == 302 and response["Location"] == "/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"{new_record.reference} is acknowledged."]
    new_record.refresh_from_db()
    assert (new_record.status, new_record.version) == (Status.ACKNOWLEDGED, 2)
    assert new_record.acknowledged_at is not None
    assert AuditEvent.objects.filter(action="incident.acknowledge", target_id=str(new_record.pk)).count() == 1
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/queue/acknowledge/{new_record.reference}/" not in home
    assert "No new record waits to be acknowledged." in home


def test_with_htmx_the_answer_is_the_queue_part_without_the_record(client, sokha, new_record, places):
    other = on_time(places["14030502"])
    client.force_login(sokha)
    response = tap(client, new_record, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="queue-part" id="part-commune_police-140305-new"')
    assert f"{new_record.reference} is acknowledged." in html
    assert f"/queue/acknowledge/{new_record.reference}/" not in html
    assert f"/queue/acknowledge/{other.reference}/" in html


def test_the_tap_needs_the_csrf_token(sokha, new_record):
    client = Client(enforce_csrf_checks=True)
    client.force_login(sokha)
    assert tap(client, new_record).status_code == 403
    new_record.refresh_from_db()
    assert new_record.status == Status.RECEIVED


def test_a_neighbouring_officer_gets_404(client, dara, new_record):
    client.force_login(dara)
    assert tap(client, new_record).status_code == 404
    new_record.refresh_from_db()
    assert new_record.status == Status.RECEIVED


def test_a_record_changed_meanwhile_is_not_acknowledged_twice(client, sokha, new_record):
    client.force_login(sokha)
    tap(client, new_record)
    response = tap(client, new_record, HTTP_HX_REQUEST="true")  # the same, stale, button again
    assert "Someone else changed this record" in response.content.decode()
    assert AuditEvent.objects.filter(action="incident.acknowledge").count() == 1


def test_the_council_may_not_acknowledge(client, places, make_user, new_record):
    council = make_user("council", Role.COMMUNE_COUNCIL, places["140305"])
    client.force_login(council)
    response = tap(client, new_record)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["You may not do this on this record."]
    new_record.refresh_from_db()
    assert new_record.status == Status.RECEIVED


def test_only_a_post_acknowledges(client, sokha, new_record):
    client.force_login(sokha)
    assert client.get(f"/queue/acknowledge/{new_record.reference}/").status_code == 405


def test_the_answer_is_the_part_of_the_queue_the_button_was_in(client, places, sokha, new_record):
    from safevillage.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=sokha, role=Role.COMMUNE_COUNCIL, place=places["140305"])
    client.force_login(sokha)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="part-commune_police-140305-new"' in home and 'id="part-commune_council-140305-new"' in home
    response = client.post(
        f"/queue/acknowledge/{new_record.reference}/",
        {"acknowledge-version": new_record.version, "queue": "commune_police"},
        HTTP_HX_REQUEST="true",
    )
    assert 'id="part-commune_police-140305-new"' in response.content.decode()
