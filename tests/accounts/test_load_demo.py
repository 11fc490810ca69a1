"""``manage.py load_demo``: an account for every role at real places, for trying the system."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from safevillage.accounts.demo import DEMO_PASSWORD, FIXED_ACCOUNTS
from safevillage.accounts.models import RoleAssignment, User
from safevillage.accounts.roles import Role
from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.places.models import Level, Place, UnitType

# The test gazetteer's district 1403 has two communes (140305, 140306): an officer and a
# council member each, besides the fixed accounts.
ACCOUNTS = len(FIXED_ACCOUNTS) + 4


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def line_of(out: str, username: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(username + " "))


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
    assert f"password for every one: {DEMO_PASSWORD}" in out
    assert out.count("demo.") == ACCOUNTS


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
    assert f"Demo accounts: {ACCOUNTS} (0 created, {ACCOUNTS} already there" in out


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

    assert AuditEvent.objects.filter(action="accounts.user.create", reason="load_demo").count() == ACCOUNTS
    assert AuditEvent.objects.filter(action="accounts.assignment.add", reason="load_demo").count() == ACCOUNTS


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


@override_settings(DEBUG=True)
def test_every_commune_of_the_demo_district_gets_an_officer_and_a_council_member(places):
    # A third commune in the gazetteer of the district: the demo follows the gazetteer.
    Place.objects.create(
        code="140307",
        level=Level.COMMUNE,
        parent=places["1403"],
        unit_type=UnitType.KHUM,
        name_km="ព្រៃឈរ",
        name_latin="Prey Chhor",
    )

    out = load_demo()

    for code in ("140305", "140306", "140307"):
        for username, role in (
            (f"demo.police.{code}", Role.COMMUNE_POLICE),
            (f"demo.council.{code}", Role.COMMUNE_COUNCIL),
        ):
            assignment = RoleAssignment.objects.get(user__username=username)
            assert (assignment.role, assignment.place.code) == (role, code)
            assert (
                AuditEvent.objects.filter(action="accounts.user.create", target_id=str(assignment.user_id)).count() == 1
            )
            assert (
                AuditEvent.objects.filter(action="accounts.assignment.add", place_code=code, new__user=username).count()
                == 1
            )
    # Not in the communes of another district, and the chain above is there.
    assert not User.objects.filter(username__endswith=".140401").exists()
    assert {"demo.district.1403", "demo.province.14", "demo.national"} <= set(
        User.objects.values_list("username", flat=True)
    )
    assert "each of the 3 communes of 1403 Kampong Trabaek / កំពង់ត្របែក" in out
    assert verify_chain().intact


@override_settings(DEBUG=True)
def test_the_table_gives_each_role_in_english_and_in_khmer(places):
    out = load_demo("--language", "en")

    assert out.startswith(f"Demo accounts: {ACCOUNTS} ({ACCOUNTS} created, 0 already there")
    assert line_of(out, "username").split() == ["username", "role", "(English)", "role", "(Khmer)", "place"]
    council = line_of(out, "demo.council.140306")
    assert "Commune council" in council and "ក្រុមប្រឹក្សាឃុំ/សង្កាត់" in council
    assert council.endswith("140306 Kampong Trabaek / កំពង់ត្របែក")
    national = line_of(out, "demo.national")
    assert "National secretariat" in national and "លេខាធិការដ្ឋានជាតិ" in national
    assert national.endswith("Cambodia (whole country)")


@override_settings(DEBUG=True)
def test_the_summary_is_in_khmer_where_the_terminal_asks_for_it(places, monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "km_KH.UTF-8")

    out = load_demo("--language", "auto")

    assert out.startswith(f"គណនីសាកល្បង៖ {ACCOUNTS} (បានបង្កើត {ACCOUNTS},")
    assert line_of(out, "ឈ្មោះអ្នកប្រើ").split()[-1] == "ទីកន្លែង"
    police = line_of(out, "demo.police.140305")
    assert "Commune police (administrative police)" in police and "ប៉ុស្តិ៍នគរបាលរដ្ឋបាលឃុំ/សង្កាត់" in police

    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert load_demo("--language", "auto").startswith("Demo accounts:")
