"""Setting up the teams and the providers (``manage.py add_referral_team``,
``add_referral_provider``). Not through Django's admin on purpose: the admin's own log is a
table of the police database and would keep the names of teams and providers there. Each
change is an event of the referrals' own audit chain."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from safevillage.accounts.models import User
from safevillage.accounts.roles import Role
from safevillage.referrals import chain
from safevillage.referrals.access import cleared
from safevillage.referrals.models import (
    MemberKind,
    Provider,
    ProviderArea,
    ProviderService,
    ProviderStaff,
    Service,
    Team,
    TeamMember,
)
from safevillage.referrals.router import ALIAS


def _account(username: str, role: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ValidationError(f"no account {username!r}")
    if not cleared(user):
        raise ValidationError(f"{username} holds a role that reads the register: never a referral account")
    if not user.assignments.active().filter(role=role).exists():
        raise ValidationError(f"{username} does not hold the role {Role(role).label}")
    return user


@transaction.atomic(using=ALIAS)
def add_team(*, name: str, place_code: str, members: Iterable[tuple[str, str, str | None]]) -> Team:
    """``members``: (name, kind, username or None) triples; a member with an account refers."""
    if len(place_code) not in (4, 6) or not place_code.isdigit():
        raise ValidationError("a team is of a district (4 digits) or a commune (6 digits)")
    team = Team.objects.create(name=name, place_code=place_code)
    for member_name, kind, username in members:
        if kind not in MemberKind.values:
            raise ValidationError(f"member kind must be one of {', '.join(MemberKind.values)}")
        user_id = _account(username, Role.RAPID_RESPONSE).pk if username else None
        TeamMember.objects.create(team=team, name=member_name, kind=kind, user_id=user_id)
    chain.record("team.create", actor=None, target=team, place_code=place_code, new={"members": team.members.count()})
    return team


@transaction.atomic(using=ALIAS)
def add_provider(*, name: str, services: Iterable[str], areas: Iterable[str], staff: Iterable[str]) -> Provider:
    provider = Provider.objects.create(name=name)
    for service in services:
        if service not in Service.values:
            raise ValidationError(f"service must be one of {', '.join(Service.values)}")
        ProviderService.objects.create(provider=provider, service=service)
    for code in areas:
        if not code.isdigit() or len(code) not in (2, 4, 6, 8):
            raise ValidationError(f"{code!r} is not an NCDD code")
        ProviderArea.objects.create(provider=provider, place_code=code)
    for username in staff:
        ProviderStaff.objects.create(provider=provider, user_id=_account(username, Role.SERVICE_PROVIDER).pk)
    chain.record(
        "provider.create", actor=None, target=provider, new={"services": sorted(services), "areas": sorted(areas)}
    )
    return provider
