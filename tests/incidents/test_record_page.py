"""A record's page opens on a summary and the actions its status allows; withdrawing stands
apart and asks to confirm; repeated views of names make one line of the history shown to
officers while the audit keeps every one."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone

from safevillage.audit.models import AuditEvent
from safevillage.incidents import actions
from safevillage.incidents.history import collapse_history
from safevillage.incidents.intake import PersonData
from safevillage.incidents.models import Incident
from tests.factories import make_incident, nothing_written

pytestmark = pytest.mark.django_db


def page(client, user, url: str, data: dict | None = None):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client.post(url, data) if data is not None else client.get(url)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def record(policy, sokha):
    return make_incident(sokha, people=[PersonData(role="victim", sex="female", age_group="adult", name="Srey Mom")])


def test_the_page_opens_on_the_summary_and_the_actions_of_the_status(client, record, sokha):
    Incident.objects.filter(pk=record.pk).update(
        acknowledge_due_at=timezone.now() - datetime.timedelta(days=3, hours=1)
    )
    html = text(page(client, sokha, f"/incidents/{record.reference}/"))
    summary = html.split('<dl class="summary">')[1].split("</dl>")[0]
    for shown in ("Theft", "Kansoam Ak", "Received", "Acknowledge by", "3 days late", "Nobody yet"):
        assert shown in summary, shown
    actions_list = html.split('id="actions-title"')[1].split("</nav>")[0]
    titles = re.findall(r'<a class="button( danger)?" href="[^"]+/(\w+)/">', actions_list)
    plain = [("", segment) for segment in ("acknowledge", "investigate", "close", "assign", "note")]
    assert titles == [*plain, (" danger", "withdraw")]
    # The summary and the buttons come before anything else; no form is open on the page.
    assert html.index('class="summary"') < html.index("actions-title") < html.index("The record</h2>")
    assert "<textarea" not in html and "close-result" not in html


def test_a_closed_record_offers_only_what_its_status_allows(client, record, sokha, vannak):
    done = actions.close(record, by=sokha, version=1, outcome="solved", clearance="arrest", arrests=1)
    assert "/withdraw/" not in text(page(client, sokha, f"/incidents/{done.reference}/"))
    html = text(page(client, vannak, f"/incidents/{done.reference}/"))
    assert "Solved by arrest" in html and f"/incidents/{done.reference}/reopen/" in html
    # An action the status no longer allows has no form on its own page.
    refused = text(page(client, sokha, f"/incidents/{done.reference}/withdraw/"))
    assert "This action is not open to you for the record as it is now." in refused and "withdraw-reason" not in refused


def test_withdrawing_is_drawn_as_a_danger_and_asks_to_confirm(client, record, sokha):
    url = f"/incidents/{record.reference}/withdraw/"
    html = text(page(client, sokha, url))
    assert 'class="action-form danger-zone"' in html and '<button class="button danger">' in html
    assert 'name="withdraw-confirm"' in html
    with nothing_written():
        refused = page(client, sokha, url, {"withdraw-version": "1", "withdraw-reason": "Entered twice."})
    assert refused.status_code == 400
    assert "Tick the box to confirm that the record is to be withdrawn." in text(refused)
    assert Incident.objects.get(pk=record.pk).status == "received"
    done = page(
        client, sokha, url, {"withdraw-version": "1", "withdraw-reason": "Entered twice.", "withdraw-confirm": "on"}
    )
    assert done.status_code == 302 and Incident.objects.get(pk=record.pk).status == "withdrawn"


def test_repeated_views_of_names_make_one_line_of_the_history(client, record, sokha):
    url = f"/incidents/{record.reference}/"
    for _ in range(5):
        page(client, sokha, url)
    actions.add_note(record, by=sokha, version=1, text="Called the owner.")
    page(client, sokha, url)
    html = text(page(client, sokha, url))
    history = re.findall(r"<li>([^<]*(?:<span[^>]*>[^<]*</span>)?[^<]*)</li>", html.split("History</h2>")[1])
    labels = [re.sub(r"<[^>]+>", "", line).split(" · ")[1] for line in history]
    assert labels == ["Recorded", "Names viewed (5 times)", "Note added", "Names viewed (2 times)"]
    # The audit keeps every view.
    assert AuditEvent.objects.filter(action="incident.view_identity", target_id=str(record.pk)).count() == 7


def test_views_by_different_people_are_not_folded_together():
    at = timezone.now()

    def event(action: str, actor: int, label: str) -> AuditEvent:
        return AuditEvent(action=action, actor_id=actor, actor_label=label, occurred_at=at)

    lines = collapse_history(
        [
            event("incident.view_identity", 1, "Sokha"),
            event("incident.view_identity", 1, "Sokha"),
            event("incident.view_identity", 2, "Vannak"),
            event("incident.acknowledge", 1, "Sokha"),
            event("incident.view_identity", 1, "Sokha"),
        ]
    )
    assert [(line.action, line.actor_label, line.count) for line in lines] == [
        ("incident.view_identity", "Sokha", 2),
        ("incident.view_identity", "Vannak", 1),
        ("incident.acknowledge", "Sokha", 1),
        ("incident.view_identity", "Sokha", 1),
    ]
