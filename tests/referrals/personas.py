"""The referral personas, a plugin of tests/conftest.py (the browser tests use them too).

A Rapid Response Team of Kampong Trabaek district (1403) with an NGO member who uses the
application (Sreyleak) and a police member who does not; two providers, each with one staff
account (Malis at the health centre, Vibol at the drop-in centre); and the police and
ministry people of tests/conftest.py, who must never read a referral."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from safevillage.accounts.models import User
from safevillage.accounts.roles import Role
from safevillage.places.models import Place
from safevillage.referrals import actions
from safevillage.referrals.codes import client_code
from safevillage.referrals.models import (
    KeyPopulation,
    MemberKind,
    Provider,
    ProviderArea,
    ProviderService,
    ProviderStaff,
    Referral,
    Service,
    Team,
    TeamMember,
)

BOTH = ["default", "referrals"]


@pytest.fixture
def team(places: dict[str, Place]) -> Team:
    team = Team.objects.create(name="RRT Kampong Trabaek", place_code="1403")
    TeamMember.objects.create(team=team, name="Sok Dara (commune police)", kind=MemberKind.POLICE)
    return team


@pytest.fixture
def health_centre(places: dict[str, Place]) -> Provider:
    provider = Provider.objects.create(name="Kampong Trabaek health centre")
    ProviderArea.objects.create(provider=provider, place_code="1403")
    for service in (Service.HIV_TESTING, Service.OPIOID_SUBSTITUTION):
        ProviderService.objects.create(provider=provider, service=service)
    return provider


@pytest.fixture
def drop_in(places: dict[str, Place]) -> Provider:
    provider = Provider.objects.create(name="Prey Veng drop-in centre")
    ProviderArea.objects.create(provider=provider, place_code="14")
    ProviderService.objects.create(provider=provider, service=Service.HARM_REDUCTION)
    return provider


@pytest.fixture
def sreyleak(team: Team, places: dict[str, Place], make_user: Callable[..., User]) -> User:
    """NGO member of the team, who refers."""
    user = make_user("sreyleak", Role.RAPID_RESPONSE, places["1403"], full_name="Pech Sreyleak")
    TeamMember.objects.create(team=team, name="Pech Sreyleak", kind=MemberKind.NGO, user_id=user.pk)
    return user


@pytest.fixture
def malis(health_centre: Provider, places: dict[str, Place], make_user: Callable[..., User]) -> User:
    """Counsellor at the health centre."""
    user = make_user("malis", Role.SERVICE_PROVIDER, places["1403"], full_name="Chea Malis")
    ProviderStaff.objects.create(provider=health_centre, user_id=user.pk)
    return user


@pytest.fixture
def vibol(drop_in: Provider, places: dict[str, Place], make_user: Callable[..., User]) -> User:
    """Outreach worker of the drop-in centre: another provider."""
    user = make_user("vibol", Role.SERVICE_PROVIDER, places["14"], full_name="Ly Vibol")
    ProviderStaff.objects.create(provider=drop_in, user_id=user.pk)
    return user


CLIENT = {"family_name": "Chan", "given_name": "Sophal", "born_on": datetime.date(1996, 4, 2), "sex": "m"}


@pytest.fixture
def make_referral(sreyleak: User, team: Team, health_centre: Provider) -> Callable[..., Referral]:
    def make(provider: Provider | None = None, service: str = Service.HIV_TESTING, **extra: Any) -> Referral:
        fields: dict[str, Any] = {
            "by": sreyleak,
            "team": team,
            "provider": provider or health_centre,
            "service": service,
            "key_population": KeyPopulation.DRUG_INJECTION,
            "client_code": client_code(**CLIENT),
            "consent": True,
            "note": "Prefers afternoons, phone via outreach worker",
            **extra,
        }
        return actions.refer(**fields)

    return make
