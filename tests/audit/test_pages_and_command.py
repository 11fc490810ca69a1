"""The verify page for auditors, the read-only admin, and ``manage.py verify_audit``."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.audit.conftest import HEAD, TABLE, as_attacker

PAGE = "/audit/verify/"


def browser(user=None) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def test_an_auditor_sees_an_intact_chain_and_its_head(sophea, chain):
    response = browser(sophea).get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Intact" in page
    assert "6 events checked" in page
    assert chain[-1].hash in page
    # The six events are in Prey Veng: all in the provincial auditor's area.
    assert "6 events concern places in your jurisdiction" in page


def test_a_commune_auditor_counts_only_the_events_of_the_commune(bopha, chain):
    page = browser(bopha).get(PAGE).content.decode()
    assert "3 events concern places in your jurisdiction" in page


def test_an_auditor_sees_where_the_chain_breaks(sophea, chain):
    with as_attacker() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = 4")  # noqa: S608
    page = browser(sophea).get(PAGE).content.decode()
    assert "The audit chain is broken" in page
    assert "First broken link: event #4." in page
    assert "event #4 is missing" in page


def test_the_page_is_refused_to_everyone_but_auditors(sokha, chenda, nobody, chain):
    for user in (sokha, chenda, nobody):
        assert browser(user).get(PAGE).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(chain):
    response = browser().get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_menu_offers_the_audit_page_to_auditors_only(sophea, sokha, chain):
    assert PAGE in browser(sophea).get("/").content.decode()
    assert PAGE not in browser(sokha).get("/").content.decode()


def test_the_admin_shows_events_but_changes_none(make_user, chain):
    admin = browser(make_user("admin", is_superuser=True, is_staff=True))
    event = chain[2]
    assert admin.get("/admin/audit/auditevent/").status_code == 200
    assert admin.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    assert admin.get("/admin/audit/auditevent/add/").status_code == 403
    assert admin.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert admin.post(f"/admin/audit/auditevent/{event.pk}/change/", {"reason": "x"}).status_code == 403
    assert admin.get("/admin/audit/chainhead/1/delete/").status_code == 403


def run(*args: str) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def test_the_command_reports_an_intact_chain(chain):
    assert run().strip() == "intact: 6 events"


def test_the_command_reports_the_verdict_as_json(chain):
    assert json.loads(run("--json")) == {
        "intact": True,
        "events": 6,
        "broken_at": None,
        "problem": "",
        "head": {"seq": 6, "hash": chain[-1].hash},
    }


def test_the_command_fails_at_the_first_broken_link(chain):
    with as_attacker() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET reason = %s WHERE seq = 2", ["nothing"])  # noqa: S608
    with pytest.raises(CommandError, match=r"broken at #2: event #2 does not match its hash"):
        run()
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", "--json", stdout=out)
    assert json.loads(out.getvalue())["broken_at"] == 2


def test_the_command_checks_the_chain_against_a_head_recorded_elsewhere(chain):
    snapshot = f"6:{chain[5].hash}"
    assert run("--anchor", snapshot).strip() == "intact: 6 events"
    with as_attacker() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq >= 5")  # noqa: S608
        cursor.execute(f"UPDATE {HEAD} SET last_seq = 4, last_hash = %s WHERE id = 1", [chain[3].hash])  # noqa: S608
    assert run().strip() == "intact: 4 events"  # alone, the database cannot tell
    with pytest.raises(CommandError, match=r"broken at #5"):
        run("--anchor", snapshot)


def test_the_command_refuses_a_malformed_anchor(chain):
    with pytest.raises(CommandError, match="anchor"):
        run("--anchor", "6:nothex")
