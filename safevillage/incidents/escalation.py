"""Escalating overdue records up the hierarchy, and what supervisors see of it.

Policy rule: the commune's administrative police is the contact point that must act on
every report; complaints left "for months and years" are what the system exists to make
visible. So a record still open past one of its deadlines (``deadlines``) is escalated to
the district (level 2); if it is still overdue ``ESCALATION_REPEAT_DAYS`` days (default 7)
after it reached the district, to the province (1); after as many days more, to the
national secretariat (0). Escalation changes who is answerable, not the record's status.
The worker runs ``escalate_overdue`` every hour (``jobs/schedule.py``);
``manage.py escalate_overdue`` runs it by hand.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safevillage.accounts.scoping import prefixes
from safevillage.audit.log import record_event
from safevillage.incidents.deadlines import (
    MissedDeadline,
    classify,
    overdue_q,
    worst,
)
from safevillage.incidents.models import Incident, IncidentQuerySet
from safevillage.places.codes import under

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

DEFAULT_REPEAT_DAYS = 7
# Where a record goes next: not escalated → district → province → national; national is the top.
NEXT_LEVEL: dict[int | None, int] = {None: 2, 2: 1, 1: 0}
LEVEL_NAMES = {2: "district", 1: "province", 0: "national"}


def repeat_after() -> datetime.timedelta:
    """How long a record stays overdue at one level before it goes to the next."""
    return datetime.timedelta(days=getattr(settings, "ESCALATION_REPEAT_DAYS", DEFAULT_REPEAT_DAYS))


def due_for_escalation_q(now: datetime.datetime, wait: datetime.timedelta) -> Q:
    """Overdue records not yet escalated, or escalated below the top at least ``wait`` ago."""
    return overdue_q(now) & (
        Q(escalated_to_level__isnull=True) | Q(escalated_to_level__in=(1, 2), escalated_at__lte=now - wait)
    )


@dataclass(frozen=True)
class Escalation:
    reference: str
    place_code: str
    from_level: int | None
    to_level: int
    missed: list[MissedDeadline] = field(default_factory=list)

    def describe(self) -> str:
        late = worst(self.missed)
        why = f"{late.kind} {late.days_late} day(s) late" if late else "overdue"
        return f"{self.reference} ({self.place_code}) → {LEVEL_NAMES[self.to_level]}: {why}"


def _planned(incident: Incident, now: datetime.datetime) -> Escalation:
    return Escalation(
        reference=incident.reference,
        place_code=incident.place_code,
        from_level=incident.escalated_to_level,
        to_level=NEXT_LEVEL[incident.escalated_to_level],
        missed=classify(incident, now),
    )


def candidates(now: datetime.datetime, wait: datetime.timedelta) -> IncidentQuerySet:
    return Incident.objects.filter(due_for_escalation_q(now, wait)).order_by("place_code", "id")


@transaction.atomic
def escalate(incident_id: int, *, now: datetime.datetime, wait: datetime.timedelta) -> Escalation | None:
    """Escalate one record a level up, if it is still due for it once locked (an officer
    may have acted, or a concurrent run escalated it, since it was selected): lock, check,
    change, bump the version, write the audit event, in one transaction."""
    incident = (
        Incident.objects.select_for_update().filter(pk=incident_id).filter(due_for_escalation_q(now, wait)).first()
    )
    if incident is None:
        return None
    planned = _planned(incident, now)
    incident.escalated_to_level = planned.to_level
    incident.escalated_at = now
    incident.version += 1
    incident.save(update_fields=["escalated_to_level", "escalated_at", "version", "updated_at"])
    record_event(
        "incident.escalate",
        actor=None,
        target=incident,
        place_code=incident.place_code,
        old={"escalated_to_level": planned.from_level},
        new={
            "escalated_to_level": planned.to_level,
            "escalated_at": now,
            "missed": [{"deadline": m.kind, "due_at": m.due_at, "days_late": m.days_late} for m in planned.missed],
        },
        reason=f"Overdue: escalated to {LEVEL_NAMES[planned.to_level]} level by the scheduled check.",
    )
    return planned


def escalate_overdue(
    now: datetime.datetime | None = None, wait: datetime.timedelta | None = None, *, dry_run: bool = False
) -> list[Escalation]:
    """Escalate every record due for it, each in its own transaction (one bad row does not
    undo the others, and locks are held briefly). Running it twice at the same ``now``
    escalates nothing the second time. ``dry_run`` reports the plan and writes nothing."""
    now = now or timezone.now()
    wait = repeat_after() if wait is None else wait
    if dry_run:
        return [_planned(incident, now) for incident in candidates(now, wait).iterator()]
    done = []
    for pk in list(candidates(now, wait).values_list("pk", flat=True)):
        if (escalation := escalate(pk, now=now, wait=wait)) is not None:
            done.append(escalation)
    return done


# --- What supervisors see --------------------------------------------------------------


def escalated_to_q(user: AnyUser) -> Q:
    """Records escalated to the level at which ``user`` supervises, within that place (see
    ``escalated_to``); matches nothing for a user who supervises nowhere."""
    match = Q(pk__in=[])
    for prefix in prefixes(user, "incidents.supervise"):
        level = len(prefix) // 2
        if level in LEVEL_NAMES:
            match |= Q(escalated_to_level=level) & under("place_code", prefix)
    return match


def escalated_to(user: AnyUser) -> IncidentQuerySet:
    """Open records escalated to the level at which ``user`` supervises, within that
    place: a district officer sees those escalated to the district in their district, a
    provincial secretariat those escalated to the province, the national secretariat those
    escalated to the national level. (A user supervising a province and, separately, a
    district inside it sees the province's records only: scoping keeps the wider prefix.)"""
    return Incident.objects.visible_to(user, "incidents.supervise").open().filter(escalated_to_q(user))
