"""What "overdue" means, once for the whole product, and which deadline a record has missed.

Every record gets three deadlines at intake, from its category (``policy.Category``): to be
acknowledged, to see a first action, and to be closed. A record is *overdue* while it is
open and one of them has passed with the step still undone; a deadline is missed once
``now`` is strictly after it (at the very instant of the deadline the record is still on
time). Deadlines and ``now`` are instants, compared in UTC whatever the reader's time zone.

``overdue_q`` is that rule in SQL, and the only one: the home page's counts, the overdue
page, the register's "overdue only" filter (page, export, API), escalation and the reports'
overdue figure all select through it (``Incident.objects.overdue(now)``). ``classify`` is its
Python twin for one record already loaded, and says "overdue" for exactly the same records.
``overdue_records`` is what one reader sees of them: the overdue records among those they
may see in the register, so that every count of theirs is the same number.

The same rule read the other way: an open record is overdue exactly when ``now`` is strictly
after its *overdue instant* (``overdue_from``, and ``overdue_from_sql`` in the database), the
earliest deadline whose step is still undone (the closure deadline always counts). The
provincial and district reports count through that instant (``reports.OpenDeadline``, kept
with the summaries) instead of walking the country's open records; a test proves the two
select the same records.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, Count, DateTimeField, F, Q, When
from django.db.models.functions import Least, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safevillage.accounts.scoping import can
from safevillage.incidents.models import OPEN_STATUSES, Incident, IncidentQuerySet

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

ACKNOWLEDGEMENT = "acknowledgement"
FIRST_ACTION = "first_action"
CLOSURE = "closure"

LABELS = {
    ACKNOWLEDGEMENT: _("Not acknowledged in time"),
    FIRST_ACTION: _("No first action in time"),
    CLOSURE: _("Not closed in time"),
}


def _aware(now: datetime.datetime | None) -> datetime.datetime:
    if now is None:
        return timezone.now()
    if timezone.is_naive(now):
        # A naive time would be read in Asia/Phnom_Penh by the database layer and in no zone
        # at all by ``classify``: the two would disagree by seven hours.
        raise ValueError("Overdue is decided at an aware instant, not a naive time.")
    return now


def overdue_q(now: datetime.datetime | None = None) -> Q:
    """Open records past a deadline at ``now``: not acknowledged in time, no first action in
    time, or not closed in time. A deadline equal to ``now`` is not yet missed. Closed and
    withdrawn records are never overdue."""
    now = _aware(now)
    return Q(status__in=OPEN_STATUSES) & (
        Q(acknowledged_at__isnull=True, acknowledge_due_at__lt=now)
        | Q(first_action_at__isnull=True, action_due_at__lt=now)
        | Q(close_due_at__lt=now)
    )


def overdue_from(incident: Incident) -> datetime.datetime | None:
    """The instant after which ``incident`` is overdue (``overdue_q`` holds for every later
    ``now`` and no earlier one): the earliest of its deadlines whose step is undone; None
    when it is not open."""
    if incident.status not in OPEN_STATUSES:
        return None
    dues = [incident.close_due_at]
    if incident.acknowledged_at is None:
        dues.append(incident.acknowledge_due_at)
    if incident.first_action_at is None:
        dues.append(incident.action_due_at)
    return min(dues)


def overdue_from_sql() -> Least:
    """``overdue_from`` as an expression over the register, for open records: a step done
    leaves the closure deadline in its place, which never lowers the minimum."""
    close = F("close_due_at")
    return Least(
        Case(When(acknowledged_at__isnull=True, then=F("acknowledge_due_at")), default=close),
        Case(When(first_action_at__isnull=True, then=F("action_due_at")), default=close),
        close,
        output_field=DateTimeField(),
    )


def _missed(due: datetime.datetime, now: datetime.datetime) -> bool:
    """The Python form of ``overdue_q``'s comparison: strictly after the deadline."""
    return due < now


# Who reads the overdue records (the overdue page and its count on the home page):
# supervisors (district and above) and the commune police, who must act on them.
OVERDUE_READERS = ("incidents.supervise", "incidents.investigate")


def reads_overdue(user: AnyUser) -> bool:
    return any(can(user, permission) for permission in OVERDUE_READERS)


def overdue_records(user: AnyUser, now: datetime.datetime | None = None) -> IncidentQuerySet:
    """The overdue records ``user`` sees: the register's records visible to them
    (``incidents.view``) that are overdue at ``now``. The home page counts these, the overdue
    page lists them, and the register's "overdue only" filter selects the same ones."""
    return Incident.objects.visible_to(user).overdue(now)


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
    now = _aware(now)
    if incident.status not in OPEN_STATUSES:
        return []
    missed = []
    if incident.acknowledged_at is None and _missed(incident.acknowledge_due_at, now):
        missed.append(MissedDeadline(ACKNOWLEDGEMENT, incident.acknowledge_due_at, now - incident.acknowledge_due_at))
    if incident.first_action_at is None and _missed(incident.action_due_at, now):
        missed.append(MissedDeadline(FIRST_ACTION, incident.action_due_at, now - incident.action_due_at))
    if _missed(incident.close_due_at, now):
        missed.append(MissedDeadline(CLOSURE, incident.close_due_at, now - incident.close_due_at))
    return sorted(missed, key=lambda m: m.due_at)


@dataclass(frozen=True)
class Deadline:
    kind: str
    due_at: datetime.datetime

    @property
    def label(self) -> str:
        return str(NEXT_LABELS[self.kind])


NEXT_LABELS = {
    ACKNOWLEDGEMENT: _("Acknowledge by"),
    FIRST_ACTION: _("First action by"),
    CLOSURE: _("Close by"),
}


def next_deadline(incident: Incident) -> Deadline | None:
    """The earliest deadline of an open record whose step is still undone (missed or not);
    None for a closed or withdrawn record."""
    if incident.status not in OPEN_STATUSES:
        return None
    if incident.acknowledged_at is None:
        return Deadline(ACKNOWLEDGEMENT, incident.acknowledge_due_at)
    if incident.first_action_at is None:
        return Deadline(FIRST_ACTION, incident.action_due_at)
    return Deadline(CLOSURE, incident.close_due_at)


def worst(missed: list[MissedDeadline]) -> MissedDeadline | None:
    """The deadline missed by the longest time (the first one missed)."""
    return max(missed, key=lambda m: m.late_by, default=None)


def overdue_by_commune(incidents: IncidentQuerySet, now: datetime.datetime | None = None) -> dict[str, int]:
    """Number of overdue records per commune code (the village code's first six digits),
    counted in the database in one query."""
    rows = (
        incidents.overdue(now)
        .order_by()
        .annotate(commune=Substr("place_code", 1, 6))
        .values("commune")
        .annotate(n=Count("id"))
        .values_list("commune", "n")
    )
    return dict(sorted(rows))
