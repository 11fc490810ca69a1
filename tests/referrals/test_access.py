"""Who reads a referral: every role of the product, through every page and endpoint.

Nobody who reads the police register (police, commune council, village chief, district,
secretariats, auditors), nor a superuser, reads a referral or a provider's outcome: the same
404 as for a referral that does not exist, even when such an account is wrongly added to a
team or a provider. A provider reads only the referrals sent to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from safevillage.accounts.models import User
from safevillage.accounts.roles import PERMISSIONS, ROLE_LEVELS, Role
from safevillage.places.models import Place
from safevillage.referrals.models import MemberKind, Provider, ProviderStaff, Referral, Status, Team, TeamMember
from tests.referrals.personas import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)

PLACE_AT_LEVEL = {0: None, 1: "14", 2: "1403", 3: "140305", 4: "14030501"}
REGISTER_ROLES = [role for role in Role if "incidents.view" in PERMISSIONS[role]]


def doors(pk: int) -> list[tuple[str, str, dict[str, Any]]]:
    """Every page and endpoint of the referrals, for the referral ``pk``."""
    return [
        ("get", "/referrals/", {}),
        ("get", "/referrals/new/", {}),
        ("get", f"/referrals/{pk}/", {}),
        ("post", "/referrals/new/", {}),
        ("post", f"/referrals/{pk}/accept/", {}),
        ("post", f"/referrals/{pk}/decline/", {"decline-reason": "full"}),
        ("post", f"/referrals/{pk}/service/", {"service-note": "x"}),
        ("post", f"/referrals/{pk}/close/", {}),
        ("post", f"/referrals/{pk}/revoke/", {"revoke-reason": "x"}),
        ("post", f"/referrals/{pk}/follow-up/", {"follow_up-note": "x"}),
        ("get", "/api/v1/referrals/", {}),
        ("get", f"/api/v1/referrals/{pk}/", {}),
        ("post", f"/api/v1/referrals/{pk}/accept/", {}),
        ("post", f"/api/v1/referrals/{pk}/decline/", {"reason": "full"}),
        ("post", f"/api/v1/referrals/{pk}/service/", {"note": "x"}),
    ]


def assert_shut_out(user: User, referral: Referral, *, has_own_list: bool = False) -> None:
    """Every door answers 404 (the lists too, unless the user has referrals of their own)."""
    client = Client()
    client.force_login(user)
    for method, path, data in doors(referral.pk):
        if has_own_list and path in ("/referrals/", "/api/v1/referrals/"):
            continue
        response = getattr(client, method)(path, data)
        assert response.status_code == 404, f"{user.username}: {method.upper()} {path} answered {response.status_code}"
        assert referral.client_code.encode() not in response.content
    referral.refresh_from_db()
    assert referral.status == Status.SENT


def user_with(role: str, make_user: Callable[..., User], places: dict[str, Place]) -> User:
    code = PLACE_AT_LEVEL[ROLE_LEVELS[role][1]]
    return make_user(f"user-{role}", role, places[code] if code else None)


@pytest.mark.parametrize("role", list(Role))
def test_no_role_alone_reads_a_referral(
    role: str, make_user: Callable[..., User], places: dict[str, Place], make_referral: Callable[..., Referral]
) -> None:
    """A role without a team membership or a provider's staff row reads nothing."""
    referral = make_referral()
    assert_shut_out(user_with(role, make_user, places), referral)


@pytest.mark.parametrize("role", REGISTER_ROLES)
def test_register_roles_are_shut_out_even_when_added_to_the_team_and_the_provider(
    role: str,
    make_user: Callable[..., User],
    places: dict[str, Place],
    make_referral: Callable[..., Referral],
    team: Team,
    health_centre: Provider,
) -> None:
    referral = make_referral()
    user = user_with(role, make_user, places)
    TeamMember.objects.create(team=team, name=user.username, kind=MemberKind.POLICE, user_id=user.pk)
    ProviderStaff.objects.create(provider=health_centre, user_id=user.pk)
    # Even with the referral roles beside the register role.
    from safevillage.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=user, role=Role.RAPID_RESPONSE, place=places["1403"])
    RoleAssignment.objects.create(user=user, role=Role.SERVICE_PROVIDER, place=places["1403"])
    assert_shut_out(user, referral)


def test_police_and_ministry_personas_are_shut_out(
    sokha: User, vannak: User, chenda: User, national: User, nobody: User, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    for user in (sokha, vannak, chenda, national, nobody):
        assert_shut_out(user, referral)


def test_superuser_is_shut_out(make_user: Callable[..., User], make_referral: Callable[..., Referral]) -> None:
    referral = make_referral()
    admin = make_user("root", is_superuser=True, is_staff=True)
    assert_shut_out(admin, referral)


def test_provider_sees_only_referrals_sent_to_it(
    malis: User, vibol: User, make_referral: Callable[..., Referral], drop_in: Provider
) -> None:
    to_health_centre = make_referral()
    to_drop_in = make_referral(provider=drop_in, service="harm_reduction")
    assert_shut_out(vibol, to_health_centre, has_own_list=True)
    client = Client()
    client.force_login(vibol)
    listed = client.get("/api/v1/referrals/").json()
    assert [row["id"] for row in listed["results"]] == [to_drop_in.pk]
    page = client.get("/referrals/")
    assert f"/referrals/{to_drop_in.pk}/".encode() in page.content
    assert f"/referrals/{to_health_centre.pk}/".encode() not in page.content
    client.force_login(malis)
    assert client.get(f"/referrals/{to_health_centre.pk}/").status_code == 200
    assert client.get(f"/referrals/{to_drop_in.pk}/").status_code == 404
    assert client.get(f"/api/v1/referrals/{to_drop_in.pk}/").status_code == 404


def test_member_of_another_team_is_shut_out(
    make_user: Callable[..., User], places: dict[str, Place], make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    other_team = Team.objects.create(name="RRT Kanhchriech", place_code="1404")
    other = make_user("other-rrt", Role.RAPID_RESPONSE, places["1404"])
    TeamMember.objects.create(team=other_team, name="Other", kind=MemberKind.NGO, user_id=other.pk)
    client = Client()
    client.force_login(other)
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
    assert client.get("/referrals/").status_code == 200
