"""Who reads a referral (deny by default).

- A Rapid Response Team member reads the referrals of the teams they belong to: they hold
  ``referrals.refer`` at (or above) the team's place *and* are a member of it (a row of the
  referrals database naming their account).
- A provider's staff read the referrals sent to their provider only: ``referrals.receive``
  and a staff row tying the account to that one provider.
- Nobody who reads the police register does, whatever else they hold: a user with any role
  granting ``incidents.view`` (the police, the secretariats and the district, the commune
  council and village chief, the auditors) gets the same 404 as for a referral that does not
  exist, on every page and endpoint. Nor does a superuser: an administrator of the server is
  not a health worker. Under international HIV guidance individual health data must never
  reach law enforcement, so this is checked here once, for every door.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db import models
from django.http import Http404

from safevillage.accounts.roles import role_grants
from safevillage.accounts.scoping import _assignments, can, prefixes, within
from safevillage.referrals.models import ProviderStaff, Referral, Team

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

REFER = "referrals.refer"
RECEIVE = "referrals.receive"
OVERRIDE_CONSENT = "referrals.override_consent"
# Holding any role that grants this shuts a user out of the referrals altogether.
REGISTER = "incidents.view"


def cleared(user: AnyUser) -> bool:
    """Whether ``user`` may hold any referral permission at all."""
    if not user.is_authenticated or not user.is_active or user.is_superuser:
        return False
    return not any(role_grants(role, REGISTER) for role, _code in _assignments(user))


def teams_of(user: AnyUser) -> models.QuerySet[Team]:
    """The teams ``user`` refers for (none: an empty queryset)."""
    if not cleared(user):
        return Team.objects.none()
    return Team.objects.filter(within(prefixes(user, REFER), "place_code")).filter(
        members__user_id=cast(int, user.pk), members__active=True
    )


def referring_teams(user: AnyUser) -> models.QuerySet[Team]:
    """The teams ``user`` sends new referrals for: a team the coordinator set aside sends
    none, while its members still read and follow up those it sent (``teams_of``)."""
    return teams_of(user).filter(active=True)


def provider_of(user: AnyUser) -> int | None:
    """The id of the provider ``user`` works for, if they may receive referrals."""
    if not cleared(user) or not can(user, RECEIVE):
        return None
    return ProviderStaff.objects.filter(user_id=cast(int, user.pk)).values_list("provider_id", flat=True).first()


def visible_referrals(user: AnyUser) -> models.QuerySet[Referral]:
    team_ids = list(teams_of(user).values_list("pk", flat=True))
    provider = provider_of(user)
    q = models.Q(team_id__in=team_ids)
    if provider is not None:
        q |= models.Q(provider_id=provider)
    if not team_ids and provider is None:
        return Referral.objects.none()
    return Referral.objects.filter(q)


def referral_or_404(user: AnyUser, pk: Any) -> Referral:
    """The same 404 for a referral that does not exist and one that is not the user's."""
    try:
        return visible_referrals(user).select_related("team", "provider").get(pk=int(pk))
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def uses_referrals(user: AnyUser) -> bool:
    """Whether the referral pages exist for ``user`` at all (the menu entry, the index)."""
    return teams_of(user).exists() or provider_of(user) is not None


def side(user: AnyUser, referral: Referral) -> str:
    """ "provider" for the provider's staff (they read everything), else "team"."""
    return "provider" if provider_of(user) == referral.provider_id else "team"


def may_override_consent(user: AnyUser, team: Team) -> bool:
    return cleared(user) and can(user, OVERRIDE_CONSENT, team.place_code)
