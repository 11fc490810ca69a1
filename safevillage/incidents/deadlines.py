"""Which deadline an open record has missed, and by how long.

Every record gets three deadlines at intake, from its category (``policy.Category``): to be
acknowledged, to see a first action, and to be closed. A record is *overdue* while it is
open and one of them has passed with the step still undone. ``classify`` is the Python
twin of ``filters.overdue_q`` (the SQL form): both say "overdue" for exactly the same
records at the same instant — a deadline is missed once ``now`` is strictly after it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safevillage.incidents.filters import overdue_q
from safevillage.incidents.models import OPEN_STATUSES, Incident, IncidentQuerySet

ACKNOWLEDGEMENT = "acknowledgement"
FIRST_ACTION = "first_action"
CLOSURE = "closure"

LABELS = {
    ACKNOWLEDGEMENT: _("Not acknowledged in time"),
    FIRST_ACTION: _("No first action in time"),
    CLOSURE: _("Not closed in time"),
}


@dataclass(frozen=True)
class MissedDeadline:
    kind: str
    due_at: datetime.datetime
    late_by: datetime.timedelta

    @property
    def days_late(self) -> int:
        """Whole days past the deadline (0 during the first day)."""
        return self.late_by.days

    @property
    def label(self) -> str:
        return str(LABELS[self.kind])


def classify(incident: Incident, now: datetime.datetime | None = None) -> list[MissedDeadline]:
    """The deadlines ``incident`` has missed at ``now``, earliest first; empty when it is
    closed, withdrawn or on time."""
    now = now or timezone.now()
    if incident.status not in OPEN_STATUSES:
        return []
    missed = []
    if incident.acknowledged_at is None and incident.acknowledge_due_at < now:
        missed.append(MissedDeadline(ACKNOWLEDGEMENT, incident.acknowledge_due_at, now - incident.acknowledge_due_at))
    if incident.first_action_at is None and incident.action_due_at < now:
        missed.append(MissedDeadline(FIRST_ACTION, incident.action_due_at, now - incident.action_due_at))
    if incident.close_due_at < now:
        missed.append(MissedDeadline(CLOSURE, incident.close_due_at, now - incident.close_due_at))
    return sorted(missed, key=lambda m: m.due_at)


def worst(missed: list[MissedDeadline]) -> MissedDeadline | None:
    """The deadline missed by the longest time (the first one missed)."""
    return max(missed, key=lambda m: m.late_by, default=None)


def overdue(incidents: IncidentQuerySet, now: datetime.datetime | None = None) -> IncidentQuerySet:
    return incidents.filter(overdue_q(now or timezone.now()))


def overdue_by_commune(incidents: IncidentQuerySet, now: datetime.datetime | None = None) -> dict[str, int]:
    """Number of overdue records per commune code (the village code's first six digits),
    counted in the database in one query."""
    rows = (
        overdue(incidents, now)
        .order_by()
        .annotate(commune=Substr("place_code", 1, 6))
        .values("commune")
        .annotate(n=Count("id"))
        .values_list("commune", "n")
    )
    return dict(sorted(rows))
