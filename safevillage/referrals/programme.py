"""Who runs the referral programme: the coordinator's reach (deny by default).

A coordinator holds ``referrals.manage`` (``Role.REFERRAL_COORDINATOR``) for the country, a
province or a district. They set up the teams of the districts and communes under their
place, and the providers all of whose places lie under it (a provider covering two provinces
is the national coordinator's), and read the referrals' audit verdicts. They read no
referral: a coordinator is not a team member nor a provider's staff.

As for the referrals themselves (``access.cleared``), nobody holding a role that reads the
register (the police, the ministry's secretariats, the auditors) nor a superuser is a
coordinator, whatever else they hold: the same 404 as for a page that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef
from django.http import Http404

from safevillage.accounts.scoping import prefixes, within
from safevillage.referrals.access import cleared
from safevillage.referrals.models import Provider, ProviderArea, Team

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

MANAGE = "referrals.manage"


def reach(user: AnyUser) -> tuple[str, ...]:
    """The place-code prefixes the coordinator runs (``("",)``: the country); none for others."""
    if not cleared(user):
        return ()
    return prefixes(user, MANAGE)


def coordinates(user: AnyUser) -> bool:
    return bool(reach(user))


def covers_place(user: AnyUser, code: str) -> bool:
    return any(code.startswith(prefix) for prefix in reach(user))


def managed_teams(user: AnyUser) -> models.QuerySet[Team]:
    allowed = reach(user)
    if not allowed:
        return Team.objects.none()
    return Team.objects.filter(within(allowed, "place_code"))


def managed_providers(user: AnyUser) -> models.QuerySet[Provider]:
    """Providers with at least one place, every one of them under the coordinator's reach
    (the national coordinator: every provider)."""
    allowed = reach(user)
    if not allowed:
        return Provider.objects.none()
    if "" in allowed:
        return Provider.objects.all()
    areas = ProviderArea.objects.filter(provider=OuterRef("pk"))
    return Provider.objects.filter(Exists(areas)).exclude(Exists(areas.exclude(within(allowed, "place_code"))))


def _one(queryset: models.QuerySet[Any], pk: Any) -> Any:
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def team_or_404(user: AnyUser, pk: Any) -> Team:
    """The same 404 for a team that does not exist and one outside the coordinator's reach."""
    team: Team = _one(managed_teams(user), pk)
    return team


def provider_or_404(user: AnyUser, pk: Any) -> Provider:
    provider: Provider = _one(managed_providers(user), pk)
    return provider
