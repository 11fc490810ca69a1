"""Every change to a referral: one transaction of the referrals database, one event of its
own audit chain (``chain.py``), a 404 for whoever may not act (the same as for a referral
they cannot see).

The life of a referral (PCPI, ``004_…``): the team sends it (with the client's consent, or
an authorised override that says why); the provider accepts or declines it (with a reason a
team may read), then records the service given; either side closes it; the team revokes it
while the service is not given (the client withdrew). The team's follow-up is its own note.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.referrals import chain
from safevillage.referrals.access import (
    may_override_consent,
    provider_of,
    referring_teams,
    teams_of,
)
from safevillage.referrals.models import (
    DeclineReason,
    FollowUp,
    Provider,
    ProviderArea,
    ProviderService,
    Referral,
    Status,
    Team,
)
from safevillage.referrals.router import ALIAS

MAX_TEXT = 4000


def _clean_text(text: str, *, field: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError({field: _("Write at most %(max)d characters.") % {"max": MAX_TEXT}})
    return text


def covers(provider: Provider, place_code: str) -> bool:
    return any(
        place_code.startswith(code)
        for code in ProviderArea.objects.filter(provider=provider).values_list("place_code", flat=True)
    )


def offers(team: Team) -> list[tuple[Provider, str]]:
    """(provider, service) pairs a team may refer to: active providers covering its place."""
    pairs = []
    rows = (
        ProviderService.objects.filter(provider__active=True)
        .select_related("provider")
        .order_by("provider__name", "service")
    )
    for row in rows:
        if covers(row.provider, team.place_code) or any(
            code.startswith(team.place_code) for code in row.provider.areas.values_list("place_code", flat=True)
        ):
            pairs.append((row.provider, row.service))
    return pairs


@transaction.atomic(using=ALIAS)
def refer(
    *,
    by: Any,
    team: Team,
    provider: Provider,
    service: str,
    key_population: str,
    client_code: str,
    consent: bool,
    override_reason: str = "",
    place_code: str = "",
    incident_reference: str = "",
    note: str = "",
    follow_up_on: datetime.date | None = None,
) -> Referral:
    """Send a referral. No referral without the client's consent, unless a member allowed to
    override (``referrals.override_consent``) says why."""
    if not referring_teams(by).filter(pk=team.pk).exists():
        raise Http404
    override_reason = _clean_text(override_reason, field="override_reason")
    if not consent:
        if not may_override_consent(by, team):
            raise ValidationError({"consent": _("A referral is sent only with the client's consent.")})
        if not override_reason:
            raise ValidationError(
                {"override_reason": _("Without the client's consent, say why the referral is needed.")}
            )
    elif override_reason:
        override_reason = ""  # consent given: there is nothing to override
    place_code = place_code or team.place_code
    if not place_code.startswith(team.place_code):
        raise ValidationError({"place_code": _("Choose a place of the team's area.")})
    if (provider, service) not in offers(team):
        raise ValidationError({"offer": _("Choose a service from the list.")})
    referral = Referral.objects.create(
        client_code=client_code,
        key_population=key_population,
        team=team,
        provider=provider,
        service=service,
        place_code=place_code,
        consent=consent,
        consent_override_reason=override_reason,
        incident_reference=incident_reference.strip(),
        note=_clean_text(note, field="note"),
        follow_up_on=follow_up_on,
        created_by=by.pk,
    )
    chain.record(
        "referral.send",
        actor=by,
        target=referral,
        target_label=referral.client_code,
        new={"service": service, "provider": provider.pk, "team": team.pk, "consent": consent},
        reason=override_reason,
        place_code=place_code,
    )
    return referral


def _locked(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().select_related("team", "provider").get(pk=referral.pk)


def _as_provider(by: Any, referral: Referral) -> Referral:
    if provider_of(by) != referral.provider_id:
        raise Http404
    return _locked(referral)


def _as_team(by: Any, referral: Referral) -> Referral:
    if not teams_of(by).filter(pk=referral.team_id).exists():
        raise Http404
    return _locked(referral)


def _require(referral: Referral, *statuses: str) -> None:
    if referral.status not in statuses:
        raise ValidationError(
            _("This referral is “%(status)s”: that cannot be done now.") % {"status": referral.get_status_display()}
        )


def _move(referral: Referral, by: Any, action: str, status: str, fields: list[str], reason: str = "") -> Referral:
    old = referral.status
    referral.status = status
    referral.save(update_fields=["status", *fields])
    chain.record(
        action,
        actor=by,
        target=referral,
        target_label=referral.client_code,
        old={"status": old},
        new={"status": status},
        reason=reason,
        place_code=referral.place_code,
    )
    return referral


@transaction.atomic(using=ALIAS)
def accept(*, by: Any, referral: Referral) -> Referral:
    referral = _as_provider(by, referral)
    _require(referral, Status.SENT)
    referral.answered_at = timezone.now()
    return _move(referral, by, "referral.accept", Status.ACCEPTED, ["answered_at"])


@transaction.atomic(using=ALIAS)
def decline(*, by: Any, referral: Referral, reason: str) -> Referral:
    referral = _as_provider(by, referral)
    _require(referral, Status.SENT)
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    referral.answered_at, referral.decline_reason = timezone.now(), reason
    return _move(referral, by, "referral.decline", Status.DECLINED, ["answered_at", "decline_reason"], reason)


@transaction.atomic(using=ALIAS)
def record_service(*, by: Any, referral: Referral, note: str) -> Referral:
    """The provider records the service given; the note is the provider's alone."""
    referral = _as_provider(by, referral)
    _require(referral, Status.ACCEPTED)
    note = _clean_text(note, field="note")
    if not note:
        raise ValidationError({"note": _("Say what service was given.")})
    referral.service_note, referral.served_at = note, timezone.now()
    return _move(referral, by, "referral.serve", Status.SERVED, ["service_note", "served_at"])


@transaction.atomic(using=ALIAS)
def close(*, by: Any, referral: Referral) -> Referral:
    try:
        referral = _as_provider(by, referral)
    except Http404:
        referral = _as_team(by, referral)
    _require(referral, Status.SERVED, Status.DECLINED)
    referral.closed_at = timezone.now()
    return _move(referral, by, "referral.close", Status.CLOSED, ["closed_at"])


@transaction.atomic(using=ALIAS)
def revoke(*, by: Any, referral: Referral, reason: str) -> Referral:
    """The client withdrew (or the referral was a mistake): only before the service is given."""
    referral = _as_team(by, referral)
    _require(referral, Status.SENT, Status.ACCEPTED)
    reason = _clean_text(reason, field="reason")
    if not reason:
        raise ValidationError({"reason": _("Say why the referral is revoked.")})
    referral.revoke_reason, referral.closed_at = reason, timezone.now()
    return _move(referral, by, "referral.revoke", Status.REVOKED, ["revoke_reason", "closed_at"], reason)


@transaction.atomic(using=ALIAS)
def follow_up(*, by: Any, referral: Referral, done_on: datetime.date, note: str) -> FollowUp:
    referral = _as_team(by, referral)
    note = _clean_text(note, field="note")
    if not note:
        raise ValidationError({"note": _("Write what the follow-up found.")})
    item = FollowUp.objects.create(referral=referral, done_on=done_on, note=note, by=by.pk)
    chain.record(
        "referral.follow_up",
        actor=by,
        target=referral,
        target_label=referral.client_code,
        new={"done_on": done_on},
        place_code=referral.place_code,
    )
    return item


def feedback_words(referral: Referral) -> str:
    """What the referring team reads of the provider's side: received, service given, and
    nothing of what the service was."""
    return {
        Status.SENT: _("Sent, not yet received"),
        Status.ACCEPTED: _("Received"),
        Status.DECLINED: _("Not taken up"),
        Status.SERVED: _("Service given"),
        Status.CLOSED: _("Service given") if referral.served_at else _("Closed"),
        Status.REVOKED: _("Revoked"),
    }[Status(referral.status)]
