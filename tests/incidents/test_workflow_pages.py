"""A record's page and its action forms: who sees it, whose names are shown (and audited),
and what a stale or refused action does (nothing written, the page says why)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.incidents.intake import PersonData
from safevillage.incidents.models import Incident, Note, Status
from tests.factories import closed, make_incident, nothing_written

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(policy, sokha):
    return make_incident(
        sokha,
        people=[
            PersonData(role="victim", sex="female", age_group="adult", name="Srey Mom"),
            PersonData(role="suspect", sex="male", age_group="youth"),
        ],
        complainant_name="Chan Thy",
        complainant_phone="012 345 678",
    )


def page(client, user, url: str, data: dict | None = None):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client.post(url, data) if data is not None else client.get(url)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_officer_sees_the_record_with_the_victims_name_and_each_view_is_audited(client, record, sokha):
    url = f"/incidents/{record.reference}/"
    for _view in range(2):
        response = page(client, sokha, url)
        assert response.status_code == 200
        assert "Srey Mom" in text(response) and "Chan Thy" in text(response)
    views = AuditEvent.objects.filter(action="incident.view_identity")
    assert [(e.actor, e.target_id, e.place_code) for e in views] == [(sokha, str(record.pk), "14030501")] * 2
    assert views[0].new == {"people": [record.people.get(role="victim").pk], "complainant": True}
    assert verify_chain().intact


def test_the_district_officer_sees_the_record_but_not_the_names(client, record, vannak):
    response = page(client, vannak, f"/incidents/{record.reference}/")
    assert response.status_code == 200
    html = text(response)
    assert "Srey Mom" not in html and "Chan Thy" not in html and "012 345 678" not in html
    assert "name withheld" in html
    assert not AuditEvent.objects.filter(action="incident.view_identity").exists()


def test_the_neighbouring_officer_gets_404_like_a_missing_record(client, record, dara):
    assert page(client, dara, f"/incidents/{record.reference}/").status_code == 404
    assert page(client, dara, "/incidents/14-1403-2026-999999/").status_code == 404
    with nothing_written():
        response = page(client, dara, f"/incidents/{record.reference}/acknowledge/", {"acknowledge-version": "1"})
    assert response.status_code == 404


def test_the_page_offers_the_actions_of_the_status_and_acknowledging_works(client, record, sokha):
    html = text(page(client, sokha, f"/incidents/{record.reference}/"))
    for segment in ("acknowledge", "investigate", "close", "assign", "note", "withdraw"):
        assert f'href="/incidents/{record.reference}/{segment}/"' in html
        # Each action on a page of its own, with only its form.
        action_page = text(page(client, sokha, f"/incidents/{record.reference}/{segment}/"))
        assert action_page.count('<form method="post" action="/incidents/') == 1
        assert f'action="/incidents/{record.reference}/{segment}/"' in action_page
    assert "/reopen/" not in html and "<textarea" not in html
    response = page(client, sokha, f"/incidents/{record.reference}/acknowledge/", {"acknowledge-version": "1"})
    assert response.status_code == 302
    assert Incident.objects.get(pk=record.pk).status == Status.ACKNOWLEDGED
    history = text(page(client, sokha, f"/incidents/{record.reference}/")).split("History")[-1]
    assert "Recorded · Sokha Chan" in history and "Acknowledged · Sokha Chan" in history


def test_a_stale_form_shows_the_conflict_and_overwrites_nothing(client, record, sokha):
    url = f"/incidents/{record.reference}/close/"
    page(client, sokha, f"/incidents/{record.reference}/investigate/", {"start_investigation-version": "1"})
    with nothing_written():
        response = page(
            client, sokha, url, {"close-version": "1", "close-result": "unfounded", "close-note": "No goats missing."}
        )
    assert response.status_code == 409
    assert "Someone else changed this record while you were working on it." in text(response)
    assert Incident.objects.get(pk=record.pk).status == Status.INVESTIGATING


def test_a_transition_not_allowed_is_refused_with_a_message(client, record, sokha):
    page(client, sokha, f"/incidents/{record.reference}/investigate/", {"start_investigation-version": "1"})
    with nothing_written():
        response = page(client, sokha, f"/incidents/{record.reference}/acknowledge/", {"acknowledge-version": "2"})
    assert response.status_code == 400
    assert "A record that is “Under investigation” cannot be acknowledged." in text(response)


def test_a_form_without_its_version_is_refused(client, record, sokha):
    with nothing_written():
        response = page(client, sokha, f"/incidents/{record.reference}/acknowledge/", {})
    assert response.status_code == 400
    assert "This form is out of date: reload the page." in text(response)


def test_closing_a_homicide_as_mediated_is_refused(client, policy, sokha):
    homicide = make_incident(sokha, category="homicide")
    html = text(page(client, sokha, f"/incidents/{homicide.reference}/close/"))
    assert 'value="arrest"' in html and 'value="mediated"' not in html
    with nothing_written():
        response = page(
            client,
            sokha,
            f"/incidents/{homicide.reference}/close/",
            {"close-version": "1", "close-result": "mediated"},
        )
    assert response.status_code == 400
    assert "A case of “Homicide” cannot be mediated out of court." in text(response)


def test_an_empty_reopen_reason_is_refused_on_its_field(client, record, sokha, vannak):
    done = closed(record, sokha)
    with nothing_written():
        response = page(client, vannak, f"/incidents/{done.reference}/reopen/", {"reopen-version": str(done.version)})
    assert response.status_code == 400
    assert "Say why the record is reopened." in text(response)
    response = page(
        client,
        vannak,
        f"/incidents/{done.reference}/reopen/",
        {"reopen-version": str(done.version), "reopen-reason": "Victim says the suspect is free."},
    )
    assert response.status_code == 302
    assert Incident.objects.get(pk=done.pk).status == Status.UNDER_REVIEW


def test_a_district_officer_may_not_acknowledge(client, record, vannak):
    with nothing_written():
        response = page(client, vannak, f"/incidents/{record.reference}/acknowledge/", {"acknowledge-version": "1"})
    assert response.status_code == 403


def test_notes_assignment_and_withdrawal_through_the_page(client, record, sokha, places, make_user):
    from safevillage.accounts.roles import Role

    sophea = make_user("sophea", Role.COMMUNE_POLICE, places["140305"], full_name="Sophea Lim")
    base = f"/incidents/{record.reference}"
    html = text(page(client, sokha, base + "/assign/"))
    assert "Sophea Lim" in html and "Dara Keo" not in html  # only officers of the place are offered
    assert (
        page(client, sokha, base + "/assign/", {"assign-version": "1", "assign-assignee": sophea.pk}).status_code == 302
    )
    response = page(client, sokha, base + "/note/", {"add_note-version": "2", "add_note-text": "Called the owner."})
    assert response.status_code == 302
    assert Note.objects.get().text == "Called the owner."
    withdrawal = {"withdraw-version": "3", "withdraw-reason": "Entered twice."}
    with nothing_written():
        unconfirmed = page(client, sokha, base + "/withdraw/", withdrawal)
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm that the record is to be withdrawn." in text(unconfirmed)
    response = page(client, sokha, base + "/withdraw/", {**withdrawal, "withdraw-confirm": "on"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.assigned_to, record.version) == ("withdrawn", sophea, 4)
    assert AuditEvent.objects.filter(target_id=str(record.pk)).exclude(action="incident.view_identity").count() == 4
