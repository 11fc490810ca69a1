"""Which reports are due, and reminding those who write them.

The 2010 guideline (IV.3) asks for results every month, quarter, semester and year. The
report of a period is due once the period has ended and is late after its deadline
(``Period.deadline``: ``REPORT_DEADLINE_DAYS`` after the end). A place's report is *in* when
it has gone as far as the level above needs: a commune's submitted, a district's or a
province's approved (``approval.children_behind`` asks the same).

The worker runs ``send_reminders`` on a schedule (``jobs/schedule.py``). It reminds every
commune, district and province whose report of a due period is not in: once when the period
has ended ("due"), once more when the deadline has passed ("overdue"). Each reminder is a
``ReportReminder`` row, unique per place, period and stage, so running the job twice, or
after a restart, sends nothing twice. There is no mail server: the recipients, those who
write the place's report, see their reminders on their home page, and the level above sees
when each of its places was reminded on the report's page (``chain``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from safevillage.core.periods import Period, PeriodKind, local_date
from safevillage.places.models import Level, Place
from safevillage.reports.models import STATUS_RANK, ReminderStage, ReportReminder, ReportStatus, ResultReport

# The levels that send a report up, and how far it must go to be in.
NEEDED_RANK = {
    Level.COMMUNE: STATUS_RANK[ReportStatus.SUBMITTED],
    Level.DISTRICT: STATUS_RANK[ReportStatus.APPROVED],
    Level.PROVINCE: STATUS_RANK[ReportStatus.APPROVED],
}


def due_periods(today: datetime.date | None = None) -> list[Period]:
    """The latest ended period of each kind (month, quarter, semester, year), shortest
    first: the reports being asked for now."""
    today = today or local_date(timezone.now())
    return [Period.containing(today, kind).previous() for kind in PeriodKind]


def current_month(today: datetime.date | None = None) -> Period:
    """The month under way: its report is the next one due."""
    return Period.containing(today or local_date(timezone.now()))


def is_in(level: int, status: str | None) -> bool:
    """Whether a report of a place at ``level`` in ``status`` (None: no report) is in."""
    rank = STATUS_RANK[ReportStatus(status)] if status else 0
    return rank >= NEEDED_RANK[Level(level)]


def stage_on(period: Period, today: datetime.date) -> str:
    return ReminderStage.OVERDUE if today > period.deadline() else ReminderStage.DUE


def places_behind(period: Period, places: Iterable[Place]) -> list[Place]:
    """Those of ``places`` (communes, districts, provinces) whose report of ``period`` is not in."""
    places = list(places)
    statuses = dict(
        ResultReport.objects.filter(place__in=places, period_id=period.id).values_list("place_id", "status")
    )
    return [p for p in places if not is_in(p.level, statuses.get(p.id))]


def send_reminders(now: datetime.datetime | None = None) -> list[ReportReminder]:
    """Remind every place whose report of a due period is not in; return the reminders sent
    by this run (none for a place, period and stage already reminded). A few queries per
    period whatever the size of the country: the reporting places (about 1,900), the reports
    of the period, and one insert."""
    now = now or timezone.now()
    today = local_date(now)
    sent: list[ReportReminder] = []
    for period in due_periods(today):
        stage = stage_on(period, today)
        reporting = Place.objects.current(on=period.end).filter(
            level__in=[Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]
        )
        behind = places_behind(period, reporting.only("id", "code", "level"))
        already = set(
            ReportReminder.objects.filter(period_id=period.id, stage=stage).values_list("place_code", flat=True)
        )
        new = [
            ReportReminder(
                place=place,
                place_code=place.code,
                period_id=period.id,
                stage=stage,
                deadline=period.deadline(),
                sent_at=now,
            )
            for place in behind
            if place.code not in already
        ]
        # ignore_conflicts: a concurrent run that inserted the same reminder meanwhile wins.
        ReportReminder.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
        sent.extend(new)
    return sent


def reminders_for(codes: Iterable[str], limit: int = 10) -> list[ReportReminder]:
    """The latest reminders of the places ``codes`` (those whose report the reader writes)
    whose report is still not in, the latest stage of each period only."""
    codes = list(codes)
    if not codes:
        return []
    recent = list(ReportReminder.objects.filter(place_code__in=codes).select_related("place")[: limit * 2])
    statuses = {
        (code, period): status
        for code, period, status in ResultReport.objects.filter(
            place_code__in=codes, period_id__in={r.period_id for r in recent}
        ).values_list("place_code", "period_id", "status")
    }
    shown: list[ReportReminder] = []
    seen: set[tuple[str, str]] = set()
    for reminder in recent:  # newest first: an overdue reminder comes before the due one
        key = (reminder.place_code, reminder.period_id)
        if key in seen or is_in(reminder.place.level, statuses.get(key)):
            continue
        seen.add(key)
        shown.append(reminder)
    # The period that ended last first (a month before the quarter, the year last).
    return sorted(shown, key=lambda r: (-r.deadline.toordinal(), r.period_id))[:limit]
