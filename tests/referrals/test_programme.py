"""The coordinator's pages: who reaches them (every role of the product), what they change,
and that every change is an event of the referrals' own chain, never of the police audit log.

Nobody but a referral programme coordinator reaches them: not the police, the ministry, the
auditors, a superuser, nor a team member or a provider's staff; and a coordinator who also
holds a role that reads the register is no coordinator. A district's coordinator reaches the
teams and providers of that district only; the same 404 for the others as for none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.http import Http404
from django.test import Client

from safevillage.accounts.models import RoleAssignment, User
from safevillage.accounts.roles import PERMISSIONS, ROLE_LEVELS, Role
from safevillage.audit.models import AuditEvent
from safevillage.places.models import Place
from safevillage.referrals.models import (
    ChainEvent,
    MemberKind,
    Provider,
    ProviderArea,
    ProviderStaff,
    Referral,
    Team,
    TeamMember,
)
from tests.referrals.personas import BOTH
from tests.referrals.test_access import PLACE_AT_LEVEL, REGISTER_ROLES

pytestmark = pytest.mark.django_db(databases=BOTH)


def doors(team: Team, provider: Provider) -> list[tuple[str, str, dict[str, Any]]]:
    """Every page and step of the coordinator's, on ``team`` and ``provider``."""
    t, p = team.pk, provider.pk
    return [
        ("get", "/referrals/programme/", {}),
        ("get", "/referrals/programme/teams/new/", {}),
        ("post", "/referrals/programme/teams/new/", {"name": "Intruders", "place_code": "1403"}),
        ("get", f"/referrals/programme/teams/{t}/", {}),
        ("post", f"/referrals/programme/teams/{t}/", {"name": "Renamed", "place_code": "1403"}),
        ("post", f"/referrals/programme/teams/{t}/members/", {"member-name": "X", "member-kind": "ngo"}),
        ("post", f"/referrals/programme/teams/{t}/members/state/", {"member": "1", "active": "0"}),
        ("post", f"/referrals/programme/teams/{t}/state/", {"active": "0"}),
        ("get", "/referrals/programme/providers/new/", {}),
        ("post", "/referrals/programme/providers/new/", {"name": "X", "services": "legal_aid", "areas": "1403"}),
        ("get", f"/referrals/programme/providers/{p}/", {}),
        ("post", f"/referrals/programme/providers/{p}/", {"name": "X", "services": "legal_aid", "areas": "1403"}),
        ("post", f"/referrals/programme/providers/{p}/staff/", {"staff-username": "malis"}),
        ("post", f"/referrals/programme/providers/{p}/staff/remove/", {"staff": "1"}),
        ("post", f"/referrals/programme/providers/{p}/state/", {"active": "0"}),
    ]


def assert_shut_out(user: User, team: Team, provider: Provider, *, only_these: bool = False) -> None:
    """Every door answers 404 and changes nothing (``only_these``: the doors on the team and
    the provider, for a coordinator whose own pages exist)."""
    events = ChainEvent.objects.count()
    client = Client()
    client.force_login(user)
    for method, path, data in doors(team, provider):
        if only_these and (path == "/referrals/programme/" or path.endswith("/new/")):
            continue
        response = getattr(client, method)(path, data)
        assert response.status_code == 404, f"{user.username}: {method.upper()} {path} answered {response.status_code}"
        assert team.name.encode() not in response.content
        assert provider.name.encode() not in response.content
    assert ChainEvent.objects.count() == events
    assert not Team.objects.filter(name__in=["Intruders", "Renamed"]).exists()
    assert Team.objects.get(pk=team.pk).active and Provider.objects.get(pk=provider.pk).active


def user_with(role: str, make_user: Callable[..., User], places: dict[str, Place]) -> User:
    code = PLACE_AT_LEVEL[ROLE_LEVELS[role][1]]
    return make_user(f"user-{role}", role, places[code] if code else None)


@pytest.fixture
def coordinator(make_user: Callable[..., User], places: dict[str, Place]) -> User:
    """The coordinator of Kampong Trabaek district (1403)."""
    return make_user("sothea", Role.REFERRAL_COORDINATOR, places["1403"], full_name="Keo Sothea")


def test_the_coordinator_role_reads_nothing_of_the_register() -> None:
    assert "incidents.view" not in PERMISSIONS[Role.REFERRAL_COORDINATOR]
    assert "referrals.manage" in PERMISSIONS[Role.REFERRAL_COORDINATOR]
    assert [role for role in Role if "referrals.manage" in PERMISSIONS[role]] == [Role.REFERRAL_COORDINATOR]


@pytest.mark.parametrize("role", [role for role in Role if role != Role.REFERRAL_COORDINATOR])
def test_no_other_role_reaches_the_programme(
    role: str, make_user: Callable[..., User], places: dict[str, Place], team: Team, health_centre: Provider
) -> None:
    assert_shut_out(user_with(role, make_user, places), team, health_centre)


@pytest.mark.parametrize("role", REGISTER_ROLES)
def test_a_register_role_beside_the_coordinator_role_shuts_it(
    role: str, make_user: Callable[..., User], places: dict[str, Place], team: Team, health_centre: Provider
) -> None:
    user = user_with(role, make_user, places)
    RoleAssignment.objects.create(user=user, role=Role.REFERRAL_COORDINATOR, place=places["1403"])
    assert_shut_out(user, team, health_centre)


def test_police_ministry_members_staff_and_superuser_are_shut_out(
    sokha: User,
    vannak: User,
    chenda: User,
    national: User,
    nobody: User,
    sreyleak: User,
    malis: User,
    make_user: Callable[..., User],
    team: Team,
    health_centre: Provider,
) -> None:
    root = make_user("root", is_superuser=True, is_staff=True)
    for user in (sokha, vannak, chenda, national, nobody, sreyleak, malis, root):
        assert_shut_out(user, team, health_centre)


def test_a_district_coordinator_reaches_only_their_district(
    coordinator: User,
    make_user: Callable[..., User],
    places: dict[str, Place],
    team: Team,
    health_centre: Provider,
    drop_in: Provider,
) -> None:
    other_team = Team.objects.create(name="RRT Kanhchriech", place_code="1404")
    # The drop-in centre covers the whole province: beyond a district's coordinator.
    assert_shut_out(coordinator, other_team, drop_in, only_these=True)
    client = Client()
    client.force_login(coordinator)
    page = client.get("/referrals/programme/")
    assert page.status_code == 200
    assert team.name.encode() in page.content and health_centre.name.encode() in page.content
    assert other_team.name.encode() not in page.content and drop_in.name.encode() not in page.content
    assert client.get(f"/referrals/programme/teams/{team.pk}/").status_code == 200
    assert client.get(f"/referrals/programme/providers/{health_centre.pk}/").status_code == 200
    # Nor can they move a team or a provider out of their district.
    moved = client.post(f"/referrals/programme/teams/{team.pk}/", {"name": team.name, "place_code": "1404"})
    assert moved.status_code == 400
    assert Team.objects.get(pk=team.pk).place_code == "1403"
    # The province's coordinator reaches both.
    province = make_user("province-coordinator", Role.REFERRAL_COORDINATOR, places["14"])
    client.force_login(province)
    assert client.get(f"/referrals/programme/teams/{other_team.pk}/").status_code == 200
    assert client.get(f"/referrals/programme/providers/{drop_in.pk}/").status_code == 200
    # A coordinator reads no referral.
    assert client.get("/referrals/").status_code == 404


def test_the_coordinator_sets_up_a_team_and_a_provider(
    coordinator: User, sokha: User, make_user: Callable[..., User], places: dict[str, Place]
) -> None:
    police_events = AuditEvent.objects.count()
    ngo = make_user("ngo1", Role.RAPID_RESPONSE, places["140305"])
    nurse = make_user("nurse1", Role.SERVICE_PROVIDER, places["1403"])
    client = Client()
    client.force_login(coordinator)
    created = client.post("/referrals/programme/teams/new/", {"name": "RRT Kansoam Ak", "place_code": "140305"})
    team = Team.objects.get(name="RRT Kansoam Ak")
    assert created.status_code == 302 and created["Location"] == f"/referrals/programme/teams/{team.pk}/"
    base = f"/referrals/programme/teams/{team.pk}"
    added = client.post(f"{base}/members/", {"member-name": "Sok", "member-kind": "ngo", "member-username": "ngo1"})
    assert added.status_code == 302
    client.post(f"{base}/members/", {"member-name": "Dara", "member-kind": "police"})
    # A police member has no account here; an account of the register is never tied.
    refused = client.post(
        f"{base}/members/", {"member-name": "Sokha", "member-kind": "ngo", "member-username": "sokha"}
    )
    assert refused.status_code == 400 and not team.members.filter(user_id=sokha.pk).exists()
    assert [(m.name, m.kind, m.user_id) for m in team.members.order_by("pk")] == [
        ("Sok", MemberKind.NGO, ngo.pk),
        ("Dara", MemberKind.POLICE, None),
    ]
    dara = team.members.get(name="Dara")
    client.post(f"{base}/members/state/", {"member": dara.pk, "active": "0"})
    assert not TeamMember.objects.get(pk=dara.pk).active

    created = client.post(
        "/referrals/programme/providers/new/",
        {"name": "Kansoam Ak clinic", "services": ["hiv_testing", "legal_aid"], "areas": "140305, 140306"},
    )
    provider = Provider.objects.get(name="Kansoam Ak clinic")
    assert created.status_code == 302
    assert sorted(provider.areas.values_list("place_code", flat=True)) == ["140305", "140306"]
    pbase = f"/referrals/programme/providers/{provider.pk}"
    assert client.post(f"{pbase}/staff/", {"staff-username": "nurse1"}).status_code == 302
    assert ProviderStaff.objects.get(user_id=nurse.pk).provider == provider
    assert client.post(f"{pbase}/staff/", {"staff-username": "ngo1"}).status_code == 400  # not a provider's role
    client.post(pbase + "/", {"name": "Kansoam Ak clinic", "services": ["hiv_testing"], "areas": "140305"})
    assert list(provider.services.values_list("service", flat=True)) == ["hiv_testing"]
    assert client.post(f"{pbase}/state/", {"active": "0"}).status_code == 302
    assert not Provider.objects.get(pk=provider.pk).active
    # In Khmer, on the phone as on the desk (the same page).
    khmer = Client()
    khmer.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    khmer.force_login(coordinator)
    page = khmer.get(pbase + "/").content.decode()
    assert "Kansoam Ak clinic" in page and "បានផ្អាក៖ គ្មានក្រុមណាអាចបញ្ជូនទៅអ្នកផ្ដល់សេវានេះបានទេ។" in page
    assert "កន្សោមអក (140305)" in page  # the place named in Khmer
    assert "ក្រុមឆ្លើយតបរហ័ស" in khmer.get("/referrals/programme/").content.decode()

    actions = list(ChainEvent.objects.values_list("action", "actor_id"))
    assert actions == [
        ("team.create", coordinator.pk),
        ("team.member.add", coordinator.pk),
        ("team.member.add", coordinator.pk),
        ("team.member.deactivate", coordinator.pk),
        ("provider.create", coordinator.pk),
        ("provider.staff.add", coordinator.pk),
        ("provider.update", coordinator.pk),
        ("provider.deactivate", coordinator.pk),
    ]
    assert AuditEvent.objects.count() == police_events  # nothing in the police audit log


def test_a_team_set_aside_sends_no_more_referrals_but_follows_up_its_own(
    coordinator: User, sreyleak: User, team: Team, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    client = Client()
    client.force_login(coordinator)
    assert client.post(f"/referrals/programme/teams/{team.pk}/state/", {"active": "0"}).status_code == 302
    client.force_login(sreyleak)
    assert client.get("/referrals/new/").status_code == 404
    assert client.get(f"/referrals/{referral.pk}/").status_code == 200
    assert b"/referrals/new/" not in client.get("/referrals/").content
    with pytest.raises(Http404):
        make_referral()
    client.force_login(coordinator)
    client.post(f"/referrals/programme/teams/{team.pk}/state/", {"active": "1"})
    client.force_login(sreyleak)
    assert client.get("/referrals/new/").status_code == 200


def test_a_provider_with_places_beyond_the_district_stays_the_province_s(
    coordinator: User, health_centre: Provider
) -> None:
    ProviderArea.objects.create(provider=health_centre, place_code="1404")
    client = Client()
    client.force_login(coordinator)
    assert client.get(f"/referrals/programme/providers/{health_centre.pk}/").status_code == 404
