"""``manage.py load_demo``: an account for every role at real places, for trying the system."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from safevillage.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from safevillage.accounts.models import RoleAssignment, User
from safevillage.accounts.roles import Role
from safevillage.audit.models import AuditEvent


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@override_settings(DEBUG=True)
def test_demo_has_an_account_for_every_role(places):
    load_demo()

    roles = set(RoleAssignment.objects.filter(user__username__startswith="demo.").values_list("role", flat=True))
    assert roles == set(Role.values)


@override_settings(DEBUG=True)
def test_demo_accounts_sit_at_real_places_and_the_table_shows_them(places):
    out = load_demo()

    police = User.objects.get(username="demo.police.140305")
    assert police.assignments.get().place.code == "140305"
    assert "demo.police.140305" in out
    assert "140305 Kansoam Ak / កន្សោមអក" in out  # the names come from the gazetteer
    assert f"Demo password for every account above: {DEMO_PASSWORD}" in out
    assert out.count("demo.") == len(DEMO_ACCOUNTS)


@override_settings(DEBUG=True)
def test_running_the_demo_twice_creates_nothing_and_resets_nothing(places):
    load_demo()
    police = User.objects.get(username="demo.police.140305")
    police.set_password("Changed-by-the-tester-1")
    police.save()
    users, assignments, events = User.objects.count(), RoleAssignment.objects.count(), AuditEvent.objects.count()

    out = load_demo()

    assert (User.objects.count(), RoleAssignment.objects.count(), AuditEvent.objects.count()) == (
        users,
        assignments,
        events,
    )
    police.refresh_from_db()
    assert police.check_password("Changed-by-the-tester-1")
    assert "0 accounts created" in out


@override_settings(DEBUG=True)
def test_demo_officer_signs_in_and_sees_only_the_own_commune(places, client: Client):
    load_demo()

    response = client.post("/accounts/login/", {"username": "demo.police.140305", "password": DEMO_PASSWORD})

    assert response.status_code == 302
    codes = [place["code"] for place in client.get("/api/v1/places/").json()["results"]]
    assert codes == ["140305", "14030501", "14030502"]


@override_settings(DEBUG=True)
def test_demo_accounts_are_audited(places):
    load_demo()

    assert AuditEvent.objects.filter(action="accounts.user.create", reason="load_demo").count() == len(DEMO_ACCOUNTS)
    assert AuditEvent.objects.filter(action="accounts.assignment.add", reason="load_demo").count() == len(DEMO_ACCOUNTS)


@override_settings(DEBUG=False)
def test_demo_refuses_to_run_in_production(places):
    with pytest.raises(CommandError, match="DEBUG"):
        load_demo()

    assert not User.objects.exists()


@override_settings(DEBUG=False)
def test_demo_runs_in_production_only_when_explicitly_allowed(places):
    load_demo("--allow-production")

    assert User.objects.filter(username="demo.national").exists()


@override_settings(DEBUG=True)
def test_demo_without_the_gazetteer_says_to_load_it_first(db):
    with pytest.raises(CommandError, match=r"run `manage\.py load_gazetteer` first"):
        load_demo()

    assert not User.objects.exists()
