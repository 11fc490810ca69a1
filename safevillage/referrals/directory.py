"""Setting up the teams and the providers: the coordinator's pages (``programme_views.py``)
and the commands ``add_referral_team`` and ``add_referral_provider``. Not through Django's
admin on purpose: the admin's own log is a table of the police database and would keep the
names of teams and providers there. Each change is one transaction of the referrals
database and one event of its own audit chain, naming who made it (``None`` for a command).

Whoever calls these has been checked already (``programme.py``); what is checked here holds
for every door: the accounts tied to a team or a provider are referral accounts that read
nothing of the register, a team is of a district or a commune, a provider covers real places.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from safevillage.accounts.models import User
from safevillage.accounts.roles import Role
from safevillage.places.models import Place
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


def account(username: str, role: str, *, field: str = "username") -> User:
    """The account ``username``, if it may be tied to the referrals with ``role``."""
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise ValidationError({field: _("There is no active account %(username)s.") % {"username": username}})
    if not cleared(user):
        raise ValidationError(
            {
                field: _("%(username)s holds a role that reads the register: such an account never works on referrals.")
                % {"username": username}
            }
        )
    if not user.assignments.active().filter(role=role).exists():
        raise ValidationError(
            {
                field: _("%(username)s does not hold the role %(role)s.")
                % {"username": username, "role": Role(role).label}
            }
        )
    return user


def check_team_place(place_code: str) -> None:
    if len(place_code) not in (4, 6) or not place_code.isdigit():
        raise ValidationError({"place_code": _("A team is of a district (4 digits) or a commune (6 digits).")})
    if not Place.objects.filter(code=place_code).exists():
        raise ValidationError({"place_code": _("There is no place with the code %(code)s.") % {"code": place_code}})


def check_areas(areas: Iterable[str]) -> list[str]:
    codes = sorted({code.strip() for code in areas if code.strip()})
    if not codes:
        raise ValidationError({"areas": _("Name at least one place the provider covers.")})
    for code in codes:
        if not code.isdigit() or len(code) not in (2, 4, 6, 8):
            raise ValidationError({"areas": _("%(code)s is not a place code.") % {"code": code}})
    known = set(Place.objects.filter(code__in=codes).values_list("code", flat=True))
    missing = [code for code in codes if code not in known]
    if missing:
        raise ValidationError({"areas": _("There is no place with the code %(code)s.") % {"code": missing[0]}})
    return codes


def check_services(services: Iterable[str]) -> list[str]:
    chosen = sorted(set(services))
    if not chosen:
        raise ValidationError({"services": _("Choose at least one service.")})
    for service in chosen:
        if service not in Service.values:
            raise ValidationError({"services": _("Unknown service %(service)s.") % {"service": service}})
    return chosen


# Teams.


def _member(team: Team, name: str, kind: str, username: str | None) -> TeamMember:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Write the member's name.")})
    if kind not in MemberKind.values:
        raise ValidationError({"kind": _("Choose where the member comes from.")})
    user_id = None
    if username:
        user_id = account(username, Role.RAPID_RESPONSE).pk
        if kind == MemberKind.POLICE:
            # A police member acts in the register only: the incident closes as "referred".
            raise ValidationError({"username": _("A police member has no referral account.")})
        if TeamMember.objects.filter(team=team, user_id=user_id).exists():
            raise ValidationError({"username": _("This account is a member of the team already.")})
    return TeamMember.objects.create(team=team, name=name, kind=kind, user_id=user_id)


@transaction.atomic(using=ALIAS)
def create_team(*, actor: Any, name: str, place_code: str) -> Team:
    check_team_place(place_code)
    team = Team.objects.create(name=name.strip(), place_code=place_code)
    chain.record("team.create", actor=actor, target=team, place_code=place_code, new={"name": team.name})
    return team


@transaction.atomic(using=ALIAS)
def update_team(*, actor: Any, team: Team, name: str, place_code: str) -> Team:
    check_team_place(place_code)
    old = {"name": team.name, "place_code": team.place_code}
    team.name, team.place_code = name.strip(), place_code
    team.save(update_fields=["name", "place_code"])
    new = {"name": team.name, "place_code": team.place_code}
    if new != old:
        chain.record("team.update", actor=actor, target=team, place_code=place_code, old=old, new=new)
    return team


@transaction.atomic(using=ALIAS)
def set_team_active(*, actor: Any, team: Team, active: bool) -> Team:
    if team.active != active:
        team.active = active
        team.save(update_fields=["active"])
        action = "team.reactivate" if active else "team.deactivate"
        chain.record(action, actor=actor, target=team, place_code=team.place_code)
    return team


@transaction.atomic(using=ALIAS)
def add_member(*, actor: Any, team: Team, name: str, kind: str, username: str | None = None) -> TeamMember:
    member = _member(team, name, kind, username)
    chain.record(
        "team.member.add",
        actor=actor,
        target=team,
        place_code=team.place_code,
        new={"member": member.pk, "name": member.name, "kind": member.kind, "user_id": member.user_id},
    )
    return member


@transaction.atomic(using=ALIAS)
def set_member_active(*, actor: Any, member: TeamMember, active: bool) -> TeamMember:
    if member.active != active:
        member.active = active
        member.save(update_fields=["active"])
        chain.record(
            "team.member.reactivate" if active else "team.member.deactivate",
            actor=actor,
            target=member.team,
            place_code=member.team.place_code,
            new={"member": member.pk, "name": member.name},
        )
    return member


@transaction.atomic(using=ALIAS)
def add_team(*, name: str, place_code: str, members: Iterable[tuple[str, str, str | None]]) -> Team:
    """``members``: (name, kind, username or None) triples; a member with an account refers.
    For the command: one event for the team and its members."""
    check_team_place(place_code)
    team = Team.objects.create(name=name, place_code=place_code)
    for member_name, kind, username in members:
        _member(team, member_name, kind, username)
    chain.record("team.create", actor=None, target=team, place_code=place_code, new={"members": team.members.count()})
    return team


# Providers.


def _set_rows(provider: Provider, services: list[str], areas: list[str]) -> None:
    ProviderService.objects.filter(provider=provider).exclude(service__in=services).delete()
    for service in services:
        ProviderService.objects.get_or_create(provider=provider, service=service)
    ProviderArea.objects.filter(provider=provider).exclude(place_code__in=areas).delete()
    for code in areas:
        ProviderArea.objects.get_or_create(provider=provider, place_code=code)


def _shape(provider: Provider) -> dict[str, Any]:
    return {
        "name": provider.name,
        "services": sorted(provider.services.values_list("service", flat=True)),
        "areas": sorted(provider.areas.values_list("place_code", flat=True)),
    }


@transaction.atomic(using=ALIAS)
def create_provider(*, actor: Any, name: str, services: Iterable[str], areas: Iterable[str]) -> Provider:
    chosen, codes = check_services(services), check_areas(areas)
    provider = Provider.objects.create(name=name.strip())
    _set_rows(provider, chosen, codes)
    chain.record("provider.create", actor=actor, target=provider, new=_shape(provider))
    return provider


@transaction.atomic(using=ALIAS)
def update_provider(
    *, actor: Any, provider: Provider, name: str, services: Iterable[str], areas: Iterable[str]
) -> Provider:
    chosen, codes = check_services(services), check_areas(areas)
    old = _shape(provider)
    provider.name = name.strip()
    provider.save(update_fields=["name"])
    _set_rows(provider, chosen, codes)
    new = _shape(provider)
    if new != old:
        chain.record("provider.update", actor=actor, target=provider, old=old, new=new)
    return provider


@transaction.atomic(using=ALIAS)
def set_provider_active(*, actor: Any, provider: Provider, active: bool) -> Provider:
    if provider.active != active:
        provider.active = active
        provider.save(update_fields=["active"])
        chain.record("provider.reactivate" if active else "provider.deactivate", actor=actor, target=provider)
    return provider


@transaction.atomic(using=ALIAS)
def add_staff(*, actor: Any, provider: Provider, username: str) -> ProviderStaff:
    user = account(username, Role.SERVICE_PROVIDER)
    if ProviderStaff.objects.filter(user_id=user.pk).exists():
        raise ValidationError({"username": _("This account works for a provider already.")})
    staff = ProviderStaff.objects.create(provider=provider, user_id=user.pk)
    chain.record("provider.staff.add", actor=actor, target=provider, new={"user_id": user.pk})
    return staff


@transaction.atomic(using=ALIAS)
def remove_staff(*, actor: Any, staff: ProviderStaff) -> None:
    """The account no longer reads the provider's referrals (its role is the people pages')."""
    provider, user_id = staff.provider, staff.user_id
    staff.delete()
    chain.record("provider.staff.remove", actor=actor, target=provider, old={"user_id": user_id})


@transaction.atomic(using=ALIAS)
def add_provider(*, name: str, services: Iterable[str], areas: Iterable[str], staff: Iterable[str]) -> Provider:
    """For the command: the provider with its staff, one event."""
    chosen, codes = check_services(services), check_areas(areas)
    provider = Provider.objects.create(name=name)
    _set_rows(provider, chosen, codes)
    for username in staff:
        ProviderStaff.objects.create(provider=provider, user_id=account(username, Role.SERVICE_PROVIDER).pk)
    chain.record("provider.create", actor=None, target=provider, new={"services": chosen, "areas": codes})
    return provider
