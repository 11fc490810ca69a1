"""What each role has to do now, for its home page.

One queue per role assignment (a role at a place), built from the user's scope
(``accounts.scoping``) and the register's one definition of overdue
(``Incident.objects.overdue(now)``):

- commune police and council: new records to acknowledge, overdue records, records
  reopened after the complainant said "not resolved" (or a supervisor reopened them),
  records assigned to the user, records escalated above the commune, and the commune's
  reports due, with the reminders sent for them;
- village chief: what was reported in the village and where it stands;
- district, province, national: records escalated to that level, the reports below that
  are not in (or are in and wait for this level's approval), with the deadline, and the
  records longest overdue under the place;
- auditor: the audit chain's last scheduled verification.

Cheap at national scale: every list is a LIMIT over an indexed selection, and every count
stops at ``CAP`` ("more than 1,000"), so a national home page never counts the country's
register. Reports are read from the result reports (a few rows per period), never from the
register.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from safevillage.accounts.models import RoleAssignment
from safevillage.accounts.roles import Role
from safevillage.accounts.scoping import can
from safevillage.audit.models import ChainHead, Verification
from safevillage.audit.verify import last_verification
from safevillage.charts.report_charts import home_charts
from safevillage.core.periods import Period, local_date
from safevillage.incidents.deadlines import classify, worst
from safevillage.incidents.models import OPEN_STATUSES, Incident, IncidentQuerySet, Status
from safevillage.incidents.workflow import may
from safevillage.places.codes import under
from safevillage.places.models import Level, Place
from safevillage.reports.chain import STATE_LABELS, children_of
from safevillage.reports.models import ReportReminder, ResultReport
from safevillage.reports.reminders import current_month, due_periods, is_in, reminders_for
from safevillage.workqueue.ages import in_words

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

# Records listed in each part of a queue; the rest are one link away.
LIMIT = 5
# Counts stop here: above it a queue says "more than 1,000" instead of counting the register.
CAP = 1000
# At most this many queues (role assignments) on one home page.
MAX_QUEUES = 6

COMMUNE_ROLES = (Role.COMMUNE_POLICE, Role.COMMUNE_COUNCIL)
SUPERVISOR_ROLES = (Role.DISTRICT_OFFICER, Role.PROVINCIAL_SECRETARIAT, Role.NATIONAL_SECRETARIAT)


@dataclass
class Item:
    """One record in a queue, with its age and its deadline in words."""

    incident: Incident
    age: str
    deadline: str
    late: bool
    can_acknowledge: bool = False


@dataclass
class Section:
    key: str
    title: str
    count: int
    capped: bool
    items: list[Item]
    url: str
    empty: str

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.items))


@dataclass
class ReportDue:
    """A report the queue's place must send up (or, for supervisors, its own to approve)."""

    place: Place | None
    period: Period
    state: str
    deadline: datetime.date
    late: bool
    url: str
    done: bool

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass
class ChildrenDue:
    """For a supervisor and one due period: the reports below that are not in."""

    period: Period
    deadline: datetime.date
    late: bool
    expected: int
    behind: list[Place]
    # All in, and the supervisor's own report waits for their approval (or acceptance).
    waiting: bool
    url: str


@dataclass
class AuditState:
    last: Verification | None
    stale: bool
    head_seq: int | None
    url: str


@dataclass
class Queue:
    role: str
    role_label: str
    place: Place | None
    sections: list[Section] = field(default_factory=list)
    reports: list[ReportDue] = field(default_factory=list)
    children: list[ChildrenDue] = field(default_factory=list)
    reminders: list[ReportReminder] = field(default_factory=list)
    audit: AuditState | None = None
    next_report: ReportDue | None = None
    # A supervisor's charts (charts.report_charts.home_charts), rendered.
    charts: list[str] = field(default_factory=list)

    @property
    def place_code(self) -> str:
        return self.place.code if self.place is not None else ""


# --- counting and listing cheaply -----------------------------------------------------------


def capped_count(queryset: IncidentQuerySet) -> tuple[int, bool]:
    """The number of rows, counting no further than ``CAP``: (count, more than CAP)."""
    n = queryset.order_by().values("pk")[: CAP + 1].count()
    return min(n, CAP), n > CAP


def _register(**params: str) -> str:
    return f"{reverse('incidents:list')}?{urlencode(params)}"


def _item(incident: Incident, now: datetime.datetime, due: datetime.datetime, user: AnyUser | None = None) -> Item:
    missed = worst(classify(incident, now))
    if not incident.is_open:  # closed or withdrawn: no deadline left to meet
        deadline, late = "", False
    elif missed is not None:
        deadline, late = _("%(time)s late") % {"time": in_words(missed.late_by)}, True
    else:
        deadline, late = _("due in %(time)s") % {"time": in_words(due - now)}, False
    return Item(
        incident=incident,
        age=in_words(now - incident.reported_at),
        deadline=deadline,
        late=late,
        can_acknowledge=user is not None and incident.status == Status.RECEIVED and may(user, "acknowledge", incident),
    )


def _section(
    key: str,
    title: str,
    selection: IncidentQuerySet,
    order: tuple[str, ...],
    now: datetime.datetime,
    url: str,
    empty: str,
    *,
    due: str = "close_due_at",
    user: AnyUser | None = None,
) -> Section:
    rows = list(selection.select_related("category", "village").order_by(*order)[:LIMIT])
    if len(rows) < LIMIT:
        count, capped = len(rows), False
    else:
        count, capped = capped_count(selection)
    items = [_item(i, now, getattr(i, due), user) for i in rows]
    return Section(key, title, count, capped, items, url, empty)


def oldest_overdue(user: AnyUser, prefix: str, now: datetime.datetime, limit: int = LIMIT) -> list[Incident]:
    """The open records under ``prefix`` longest past their closing deadline among the
    overdue ones. One query per open status, each walking the (status, close_due_at) index in
    order and stopped at ``limit``. The place is matched on the code's first digits, an
    expression no index serves, on purpose: with the place's index the database would sort
    every overdue record of a province (1.2 s a status at a million records on SQLite), with
    the deadline's it reads a few hundred entries. Rows outside the reader's scope are
    dropped (none are: ``prefix`` is one of their own assignments)."""
    rows: list[Incident] = []
    for status in OPEN_STATUSES:
        selection = Incident.objects.filter(status=status).overdue(now)
        if prefix:
            selection = selection.alias(code_prefix=Substr("place_code", 1, len(prefix))).filter(code_prefix=prefix)
        rows += selection.select_related("category", "village").order_by("close_due_at", "id")[:limit]
    rows = [row for row in rows if can(user, "incidents.supervise", row.place_code)]
    return sorted(rows, key=lambda i: (i.close_due_at, i.id))[:limit]


# --- the queues -------------------------------------------------------------------------


def commune_queue(user: AnyUser, role: str, commune: Place, now: datetime.datetime) -> Queue:
    queue = Queue(role, str(Role(role).label), commune)
    code = commune.code
    here = Incident.objects.visible_to(user).filter(under("place_code", code))
    queue.sections = [
        _section(
            "new",
            _("New records to acknowledge"),
            here.filter(status=Status.RECEIVED),
            ("acknowledge_due_at", "id"),
            now,
            _register(place=code, status=Status.RECEIVED),
            _("No new record waits to be acknowledged."),
            due="acknowledge_due_at",
            user=user,
        ),
        _section(
            "overdue",
            _("Overdue"),
            here.overdue(now),
            ("reported_at", "id"),
            now,
            f"{reverse('incidents:overdue')}?{urlencode({'place': code})}",
            _("No overdue record."),
        ),
        _section(
            "reopened",
            _("Reopened: the complainant or a supervisor says it is not resolved"),
            here.filter(status=Status.UNDER_REVIEW),
            ("reported_at", "id"),
            now,
            _register(place=code, status=Status.UNDER_REVIEW),
            _("No reopened record."),
        ),
        _section(
            "assigned",
            _("Assigned to me"),
            here.open().filter(assigned_to_id=user.pk),
            ("close_due_at", "id"),
            now,
            _register(assigned="me", status="open"),
            _("No open record is assigned to you."),
        ),
        _section(
            "escalated",
            _("Escalated above the commune"),
            here.open().filter(escalated_to_level__isnull=False),
            ("escalated_at", "id"),
            now,
            _register(place=code, escalated="true", status="open"),
            _("No record of the commune has been escalated."),
        ),
    ]
    queue.reports, queue.next_report = _own_reports(commune, now)
    queue.reminders = reminders_for([code])
    return queue


def village_queue(user: AnyUser, role: str, village: Place, now: datetime.datetime) -> Queue:
    queue = Queue(role, str(Role(role).label), village)
    here = Incident.objects.visible_to(user).filter(under("place_code", village.code))
    # Newest first: read straight from the (place_code, period_month, reported_at) index.
    recent = _section(
        "village",
        _("Reported in my village"),
        here,
        ("-period_month", "-reported_at", "-id"),
        now,
        _register(place=village.code),
        _("Nothing has been reported in your village."),
    )
    queue.sections = [recent]
    return queue


def supervisor_queue(user: AnyUser, role: str, place: Place | None, now: datetime.datetime) -> Queue:
    queue = Queue(role, str(Role(role).label), place)
    code = place.code if place is not None else ""
    level = len(code) // 2
    under_me = Incident.objects.visible_to(user, "incidents.supervise").filter(under("place_code", code))
    escalated = _section(
        "escalated_to_me",
        _("Escalated to you"),
        under_me.open().filter(escalated_to_level=level),
        ("escalated_at", "id"),
        now,
        _register(**{**({"place": code} if code else {}), "escalated": str(level), "status": "open"}),
        _("No record has been escalated to you."),
    )
    oldest = oldest_overdue(user, code, now)
    count, capped = (len(oldest), False) if len(oldest) < LIMIT else capped_count(under_me.overdue(now))
    overdue = Section(
        "oldest_overdue",
        _("Longest overdue under you"),
        count,
        capped,
        [_item(i, now, i.close_due_at) for i in oldest],
        reverse("incidents:overdue") + (f"?{urlencode({'place': code})}" if code else ""),
        _("No overdue records in your places."),
    )
    queue.sections = [escalated, overdue]
    queue.children = _children_due(place, now)
    queue.charts = list(home_charts(code, now))
    if place is not None:
        queue.reminders = reminders_for([code])
    return queue


def audit_queue(role: str, place: Place | None, now: datetime.datetime) -> Queue:
    queue = Queue(role, str(Role(role).label), place)
    last = last_verification()
    # Late when the daily check has not run for two of its intervals: the worker is not running.
    every = datetime.timedelta(minutes=settings.JOBS_VERIFY_AUDIT_EVERY_MINUTES)
    head = ChainHead.objects.filter(pk=1).values_list("last_seq", flat=True).first()
    queue.audit = AuditState(
        last=last,
        stale=last is None or now - last.verified_at > 2 * every,
        head_seq=head,
        url=reverse("audit:verify"),
    )
    return queue


# --- reports due ------------------------------------------------------------------------


def _report_url(code: str, period: Period) -> str:
    return reverse("reports:detail", args=[code or "KH", period.id])


def _own_reports(place: Place, now: datetime.datetime) -> tuple[list[ReportDue], ReportDue]:
    """The place's reports of the due periods that are not in yet, and the next one due."""
    today = local_date(now)
    periods = due_periods(today)
    statuses = dict(
        ResultReport.objects.filter(place=place, period_id__in=[p.id for p in periods]).values_list(
            "period_id", "status"
        )
    )
    due = []
    for period in periods:
        status = statuses.get(period.id)
        if is_in(place.level, status):
            continue
        deadline = period.deadline()
        due.append(
            ReportDue(
                place,
                period,
                status or "not_started",
                deadline,
                today > deadline,
                _report_url(place.code, period),
                False,
            )
        )
    month = current_month(today)
    upcoming = ReportDue(place, month, "not_started", month.deadline(), False, _report_url(place.code, month), False)
    return due, upcoming


def _children_due(place: Place | None, now: datetime.datetime) -> list[ChildrenDue]:
    """For each due period: the children whose report is not in, and whether the place's own
    report waits for the reader (all in and not yet approved; for the country, provinces
    approved and not yet accepted). Three queries for the four periods."""
    today = local_date(now)
    periods = due_periods(today)
    children = children_of(place, periods[0])
    ids = [p.id for p in periods]
    statuses = {
        (place_id, period_id): status
        for place_id, period_id, status in ResultReport.objects.filter(
            place__in=children, period_id__in=ids
        ).values_list("place_id", "period_id", "status")
    }
    own: dict[str, str] = {}
    if place is not None:
        own = dict(ResultReport.objects.filter(place=place, period_id__in=ids).values_list("period_id", "status"))
    out = []
    for period in periods:
        behind = [c for c in children if not is_in(c.level, statuses.get((c.id, period.id)))]
        if place is None:
            waiting = any(statuses.get((c.id, period.id)) == "approved" for c in children)
        else:
            waiting = not behind and not is_in(place.level, own.get(period.id))
        if not behind and not waiting:
            continue
        deadline = period.deadline()
        out.append(
            ChildrenDue(
                period,
                deadline,
                today > deadline,
                len(children),
                behind,
                waiting,
                _report_url(place.code if place else "", period),
            )
        )
    return out


# --- the whole home page ----------------------------------------------------------------------

ROLE_ORDER = {role: n for n, role in enumerate(Role.values)}


def queues_for(user: AnyUser, assignments: list[RoleAssignment], now: datetime.datetime | None = None) -> list[Queue]:
    """One queue per active role assignment of ``user`` (``assignments``, with their places),
    broadest role first."""
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    ordered = sorted(assignments, key=lambda a: (ROLE_ORDER.get(a.role, 99), a.place.code if a.place else ""))
    queues: list[Queue] = []
    seen: set[tuple[str, str]] = set()
    for assignment in ordered:
        key = (assignment.role, assignment.place.code if assignment.place else "")
        builder = _BUILDERS.get(assignment.role)
        if builder is None or key in seen:
            continue
        seen.add(key)
        if (queue := builder(user, assignment.role, assignment.place, now)) is not None:
            queues.append(queue)
        if len(queues) == MAX_QUEUES:
            break
    return queues


def _commune(user: AnyUser, role: str, place: Place | None, now: datetime.datetime) -> Queue | None:
    # A commune role is assigned at a commune (roles.ROLE_LEVELS); anything else has no queue.
    return commune_queue(user, role, place, now) if place is not None and place.level == Level.COMMUNE else None


def _village(user: AnyUser, role: str, place: Place | None, now: datetime.datetime) -> Queue | None:
    return village_queue(user, role, place, now) if place is not None else None


def _auditor(user: AnyUser, role: str, place: Place | None, now: datetime.datetime) -> Queue:
    return audit_queue(role, place, now)


_BUILDERS: dict[str, Any] = {
    Role.COMMUNE_POLICE: _commune,
    Role.COMMUNE_COUNCIL: _commune,
    Role.VILLAGE_CHIEF: _village,
    Role.DISTRICT_OFFICER: supervisor_queue,
    Role.PROVINCIAL_SECRETARIAT: supervisor_queue,
    Role.NATIONAL_SECRETARIAT: supervisor_queue,
    Role.AUDITOR: _auditor,
}
