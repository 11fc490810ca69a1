"""Every write of the disputes module: the mediator's permission at the commune, one
transaction, one audit row (without the parties' names: auditors read audit rows)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from safevillage.accounts.scoping import can
from safevillage.audit.log import record_event
from safevillage.disputes.models import Dispute, Party, Session
from safevillage.places.models import Level, Place
from safevillage.policy.models import Category

MEDIATE = "disputes.mediate"


def may_mediate(user: Any, commune_code: str) -> bool:
    return can(user, MEDIATE, commune_code)


def refuse_unmediable(category: Category | None) -> None:
    """The policy never mediates some offences (trafficking, rape, drug dealing…): refused here
    with the same message as the register's mediated closure."""
    if category is not None and not category.mediation_allowed:
        raise ValidationError(
            _("A case of “%(category)s” cannot be mediated out of court.") % {"category": category.name},
            code="not_mediable",
        )


@transaction.atomic
def open_dispute(
    *,
    by: Any,
    commune: Place,
    kind: str,
    summary: str,
    mediators: str,
    opened_on: datetime.date,
    parties: list[tuple[str, str, str]],
    category: Category | None = None,
    incident: Any = None,
) -> Dispute:
    if commune.level != Level.COMMUNE or not may_mediate(by, commune.code):
        raise Http404
    refuse_unmediable(incident.category if incident is not None else category)
    dispute = Dispute.objects.create(
        commune=commune,
        kind=kind,
        category=incident.category if incident is not None else category,
        incident=incident,
        summary=summary,
        mediators=mediators,
        opened_on=opened_on,
        recorded_by=by,
    )
    Party.objects.bulk_create(
        Party(dispute=dispute, side=side, name=name, phone=phone) for side, name, phone in parties
    )
    record_event(
        "dispute.open",
        actor=by,
        target=dispute,
        new={"kind": kind, "parties": len(parties), "opened_on": opened_on.isoformat()},
        place_code=commune.code,
    )
    return dispute


def _locked(by: Any, dispute: Dispute) -> Dispute:
    if not may_mediate(by, dispute.commune.code):
        raise Http404
    return Dispute.objects.select_for_update().select_related("commune").get(pk=dispute.pk)


@transaction.atomic
def add_session(*, by: Any, dispute: Dispute, held_on: datetime.date, note: str) -> Session:
    dispute = _locked(by, dispute)
    if dispute.outcome:
        raise ValidationError(_("This dispute is closed."), code="closed")
    if held_on < dispute.opened_on:
        raise ValidationError(_("A session cannot come before the dispute was opened."), code="before")
    session = Session.objects.create(dispute=dispute, held_on=held_on, note=note, recorded_by=by)
    record_event(
        "dispute.session",
        actor=by,
        target=dispute,
        new={"held_on": held_on.isoformat()},
        place_code=dispute.commune.code,
    )
    return session


@transaction.atomic
def close_dispute(*, by: Any, dispute: Dispute, outcome: str, closed_on: datetime.date) -> Dispute:
    dispute = _locked(by, dispute)
    if dispute.outcome:
        raise ValidationError(_("This dispute is closed."), code="closed")
    if closed_on < dispute.opened_on:
        raise ValidationError(_("A dispute cannot close before it was opened."), code="before")
    dispute.outcome, dispute.closed_on = outcome, closed_on
    dispute.save(update_fields=["outcome", "closed_on"])
    record_event(
        "dispute.close",
        actor=by,
        target=dispute,
        new={"outcome": outcome, "closed_on": closed_on.isoformat(), "days": dispute.days},
        place_code=dispute.commune.code,
    )
    return dispute
