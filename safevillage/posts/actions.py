"""Every write of the posts module: permission at the place, one transaction, one audit row."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import Http404

from safevillage.accounts.scoping import can
from safevillage.audit.log import record_event
from safevillage.places.models import Place
from safevillage.posts.models import BudgetLine, DutyShift, Equipment

ROSTER = "posts.roster"  # the post's own roster and means: its commune police
BUDGET = "posts.budget"  # budget lines: the commune council and the levels above


def _check(user: Any, permission: str, place: Place) -> None:
    if not can(user, permission, place.code):
        raise Http404


@transaction.atomic
def add_shift(
    *, by: Any, place: Place, officer: Any, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> DutyShift:
    _check(by, ROSTER, place)
    shift = DutyShift.objects.create(place=place, officer=officer, starts_at=starts_at, ends_at=ends_at, recorded_by=by)
    record_event(
        "post.shift",
        actor=by,
        target=shift,
        new={"officer": officer.pk, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
        place_code=place.code,
    )
    return shift


@transaction.atomic
def record_equipment(
    *,
    by: Any,
    place: Place,
    kind: str,
    label: str,
    state: str,
    checked_on: datetime.date,
    item: Equipment | None = None,
) -> Equipment:
    _check(by, ROSTER, place)
    old = {"state": item.state, "checked_on": item.checked_on.isoformat()} if item else None
    if item is None:
        item = Equipment.objects.create(place=place, kind=kind, label=label, state=state, checked_on=checked_on)
    else:
        item.state, item.checked_on = state, checked_on
        item.save(update_fields=["state", "checked_on"])
    record_event(
        "post.equipment",
        actor=by,
        target=item,
        old=old,
        new={"kind": item.kind, "state": state, "checked_on": checked_on.isoformat()},
        place_code=place.code,
    )
    return item


@transaction.atomic
def record_budget(*, by: Any, place: Place, year: int, heading: str, planned: Decimal, spent: Decimal) -> BudgetLine:
    """A heading's figures for a year, replaced when the heading is given again."""
    _check(by, BUDGET, place)
    line = BudgetLine.objects.select_for_update().filter(place=place, year=year, heading=heading).first()
    old = {"planned": str(line.planned), "spent": str(line.spent)} if line else None
    if line is None:
        line = BudgetLine.objects.create(place=place, year=year, heading=heading, planned=planned, spent=spent)
    else:
        line.planned, line.spent = planned, spent
        line.save(update_fields=["planned", "spent"])
    record_event(
        "post.budget",
        actor=by,
        target=line,
        old=old,
        new={"year": year, "planned": str(planned), "spent": str(spent)},
        place_code=place.code,
    )
    return line
