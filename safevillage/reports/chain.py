"""The approval chain in view: where each report under a place stands, before the place's
own report is approved.

A district sees each of its communes, a province each of its districts and, under each, how
many of its communes have submitted and which have not; the national secretariat sees each
province. Each child is in one of the states people speak of — not started (no report
yet), draft, submitted, approved, accepted, sent back — with the date it got there, and
the date it was last reminded when its report is late (``reminders``).

A handful of queries whatever the number of children: the children, their reports, their
reminders, and for a province the communes and their reports.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import cast

from django.utils.translation import gettext_lazy as _

from safevillage.core.periods import Period
from safevillage.places.models import Level, Place
from safevillage.reports.models import ReportReminder, ReportStatus, ResultReport
from safevillage.reports.reminders import is_in

NOT_STARTED = "not_started"
STATE_LABELS = {
    NOT_STARTED: _("Not started"),
    ReportStatus.DRAFT: _("Draft"),
    ReportStatus.SUBMITTED: _("Submitted"),
    ReportStatus.APPROVED: _("Approved"),
    ReportStatus.ACCEPTED: _("Accepted"),
    ReportStatus.RETURNED: _("Sent back"),
}


@dataclass
class Progress:
    """How many of a place's children have their report in, and those that have not."""

    expected: int = 0
    done: int = 0
    behind: list[Place] = field(default_factory=list)


@dataclass
class ChainRow:
    place: Place
    state: str
    # When the report reached its state: sent back, accepted, approved, submitted, or last
    # saved as a draft; None when not started.
    at: datetime.datetime | None
    done: bool
    reminded_at: datetime.datetime | None = None
    # A province's districts: the communes under each.
    below: Progress | None = None

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])


def _state_and_date(report: ResultReport | None) -> tuple[str, datetime.datetime | None]:
    if report is None:
        return NOT_STARTED, None
    status = ReportStatus(report.status)
    at = {
        ReportStatus.RETURNED: report.returned_at,
        ReportStatus.ACCEPTED: report.accepted_at,
        ReportStatus.APPROVED: report.approved_at,
        ReportStatus.SUBMITTED: report.submitted_at,
    }.get(status)
    return status, at or report.updated_at


def children_of(place: Place | None, period: Period) -> list[Place]:
    """The places reporting to ``place`` (None: the country's provinces) current at the
    period's end, by code."""
    places = Place.objects.current(on=period.end)
    places = places.filter(parent=place) if place is not None else places.filter(level=Level.PROVINCE)
    return list(places.order_by("code"))


def approval_chain(place: Place | None, period: Period) -> list[ChainRow]:
    """Each child of ``place`` (None: the country) with the state of its report of ``period``."""
    if place is not None and place.level not in (Level.PROVINCE, Level.DISTRICT):
        return []
    children = children_of(place, period)
    reports = {r.place_id: r for r in ResultReport.objects.filter(place__in=children, period_id=period.id)}
    reminded: dict[str, datetime.datetime] = {}
    for code, sent_at in ReportReminder.objects.filter(
        place_code__in=[c.code for c in children], period_id=period.id
    ).values_list("place_code", "sent_at"):
        reminded[code] = max(sent_at, reminded.get(code, sent_at))
    rows = []
    for child in children:
        report = reports.get(child.id)
        state, at = _state_and_date(report)
        done = is_in(child.level, report.status if report else None)
        rows.append(ChainRow(child, state, at, done, None if done else reminded.get(child.code)))
    if place is not None and place.level == Level.PROVINCE:
        _add_communes(rows, period)
    return rows


def _add_communes(rows: list[ChainRow], period: Period) -> None:
    """Under each district of a province: how many of its communes have submitted."""
    districts = {row.place.id: row for row in rows}
    communes = list(Place.objects.current(on=period.end).filter(parent_id__in=districts).order_by("code"))
    statuses = dict(
        ResultReport.objects.filter(place__in=communes, period_id=period.id).values_list("place_id", "status")
    )
    progress = {district_id: Progress() for district_id in districts}
    for row in rows:
        row.below = progress[row.place.id]
    for commune in communes:
        below = progress[cast(int, commune.parent_id)]
        below.expected += 1
        if is_in(commune.level, statuses.get(commune.id)):
            below.done += 1
        else:
            below.behind.append(commune)


def behind(rows: list[ChainRow]) -> list[ChainRow]:
    return [row for row in rows if not row.done]
