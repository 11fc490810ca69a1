"""The result report's way up the hierarchy, as in DHIS2's data approval.

The 2010 guideline (IV.3) has provinces hold result meetings every month, quarter, semester
and year and send the results up to the Ministry of Interior. Here:

- the commune (commune police or council, ``reports.submit``) writes and **submits** its report;
- the district (``reports.approve``) **approves** its own report once *every* commune under it
  has submitted; the province approves once every district has approved;
- the national secretariat (``reports.accept``) **accepts** a province's approved report;
- the level above may send a report back (**unapprove**, with a reason): a submitted commune
  report by its district, an approved district report by its province, a province's by the
  national secretariat — but only while the level above has not itself approved.

Approval stores the figures as they stand (``snapshot``) and the head of the audit chain at
that moment, and locks the period's records under the place (``locks``). Every step is one
transaction with its audit event.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.accounts.scoping import can
from safevillage.audit.log import current_head, record_event
from safevillage.core.periods import Period, local_date
from safevillage.core.text import refused_text
from safevillage.places.models import Level, Place
from safevillage.reports import supplementary
from safevillage.reports.indicators import ratio
from safevillage.reports.models import STATUS_RANK, ReportStatus, ResultReport
from safevillage.reports.tables import build_report_data

if TYPE_CHECKING:
    from safevillage.accounts.models import User

MAX_TEXT = 10_000
MAX_REASON = 2_000


class ReportError(Exception):
    """A step the rules refuse; the message is translated and meant for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotPermitted(ReportError):
    pass


class FormErrors(ReportError):
    """Several fields are wrong at once (``errors``: field → message)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Correct the errors below."))
        self.errors = errors


def author_permission(place: Place) -> str:
    """Who writes a place's report: the commune submits; districts and provinces write their
    own report and approve it."""
    return "reports.submit" if place.level == Level.COMMUNE else "reports.approve"


def can_send_back(user: Any, place: Place) -> bool:
    """The level above the place: its district or province, or for a province the ministry."""
    if place.level == Level.PROVINCE:
        return can(user, "reports.accept", "")
    return can(user, "reports.approve", place.parent_code)


def _ensure(place: Place, period: Period) -> ResultReport:
    """The locked report row of (place, period), created as a draft when missing."""
    if place.level not in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        raise ReportError(_("Result reports are made by communes, districts and provinces."))
    report = ResultReport.objects.select_for_update().filter(place=place, period_id=period.id).first()
    if report is None:
        try:
            with transaction.atomic():
                ResultReport.objects.create(
                    place=place,
                    place_code=place.code,
                    period_id=period.id,
                    first_month=period.first_month,
                    last_month=period.last_month,
                )
        except IntegrityError:
            pass  # created meanwhile by another request: lock that one
        report = ResultReport.objects.select_for_update().get(place=place, period_id=period.id)
    return report


def _check_version(report: ResultReport, version: int | None) -> None:
    if version is not None and version != report.version:
        raise ReportError(_("Someone else changed this report meanwhile. Reload the page and try again."))


def _require_ended(period: Period) -> None:
    if not period.has_ended():
        raise ReportError(
            _("This period has not ended yet: its report can be sent after %(end)s.") % {"end": period.end}
        )


def _snapshot(report: ResultReport, period: Period, now: datetime.datetime) -> None:
    data = build_report_data(report.place_code, period, now=now)
    data["supplementary"] = dict(report.supplementary)
    data["supplementary_below"] = supplementary_below(report.place, period)
    report.snapshot = data
    report.snapshot_at = now
    head = current_head()
    report.audit_head_seq, report.audit_head_hash = head if head is not None else (None, "")


def _state(report: ResultReport) -> dict[str, Any]:
    return {"status": report.status, "version": report.version}


def _finish(action: str, report: ResultReport, old: dict[str, Any], by: Any, reason: str = "", **extra: Any) -> None:
    report.version += 1
    report.save()
    record_event(
        action,
        actor=by,
        target=report,
        target_label=f"{report.place_code} {report.period_id}",
        old=old,
        new={**_state(report), **extra},
        reason=reason,
    )


# What the report form carries: the narrative and the supplementary values.
NARRATIVE = ("achievements", "difficulties", "next_steps")


def _write(
    report: ResultReport, by: User, narrative: Mapping[str, str], supplementary_values: Mapping[str, str]
) -> None:
    """Validate the typed narrative and supplementary values and store them in ``report``
    (locked, editable), with its "report.edit" event. A field the request does not carry
    keeps its stored value, so a request with none of them changes nothing. Raises
    FormErrors, leaving the report as it was, when any value is wrong."""
    errors: dict[str, str] = {}
    texts = {}
    for name in NARRATIVE:
        text = str(narrative[name] if name in narrative else getattr(report, name)).strip()
        if len(text) > MAX_TEXT:
            errors[name] = _("Write at most %(limit)d characters.") % {"limit": MAX_TEXT}
        elif problem := refused_text(text):
            errors[name] = problem
        texts[name] = text
    stored = {code: str(value) for code, value in (report.supplementary or {}).items()}
    raw = {code: supplementary_values.get(code, stored.get(code, "")) for code in supplementary.BY_CODE}
    values, value_errors = supplementary.validate(raw)
    errors.update(value_errors)
    if errors:
        raise FormErrors(errors)
    # Codes that are not fields (older reports' traffic casualties) are not compared.
    current = {code: value for code, value in (report.supplementary or {}).items() if code in supplementary.BY_CODE}
    if values == current and all(getattr(report, name) == text for name, text in texts.items()):
        return  # nothing typed differs from what is stored: no edit to record
    old = {
        **_state(report),
        **{name: getattr(report, name) for name in texts},
        "supplementary": report.supplementary,
    }
    for name, text in texts.items():
        setattr(report, name, text)
    report.supplementary = values
    _finish("report.edit", report, old, by, supplementary=values, **texts)


@transaction.atomic
def save_draft(
    place: Place,
    period: Period,
    *,
    by: User,
    narrative: Mapping[str, str],
    supplementary_values: Mapping[str, str],
    version: int | None = None,
) -> ResultReport:
    """Write the narrative (achievements, difficulties, next steps) and the supplementary
    values of a report that is still a draft or was sent back."""
    if not can(by, author_permission(place), place.code):
        raise NotPermitted(_("You may not write this report."))
    report = _ensure(place, period)
    _check_version(report, version)
    if not report.is_editable:
        raise ReportError(_("This report has been sent up; it can be changed only after it is sent back."))
    _write(report, by, narrative, supplementary_values)
    return report


@transaction.atomic
def submit(
    place: Place,
    period: Period,
    *,
    by: User,
    version: int | None = None,
    narrative: Mapping[str, str] | None = None,
    supplementary_values: Mapping[str, str] | None = None,
) -> ResultReport:
    """The commune sends its report up to the district with the narrative and values given
    (what the officer sees on the screen), saved first as ``save_draft`` saves them: a report
    is never sent up without what was typed into it. Any error refuses the whole step and
    nothing is saved. The figures are stored as they stand, with the audit chain head."""
    if place.level != Level.COMMUNE:
        raise ReportError(_("Only a commune submits its report; districts and provinces approve theirs."))
    if not can(by, "reports.submit", place.code):
        raise NotPermitted(_("You may not submit this report."))
    report = _ensure(place, period)
    _check_version(report, version)
    if not report.is_editable:
        raise ReportError(_("This report has already been submitted."))
    _require_ended(period)
    _write(report, by, narrative or {}, supplementary_values or {})
    old = _state(report)
    now = timezone.now()
    _snapshot(report, period, now)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at, report.submitted_by = now, by
    _finish("report.submit", report, old, by, audit_head_seq=report.audit_head_seq)
    return report


def children_behind(place: Place, period: Period) -> list[Place]:
    """The children that have not reached what the place's approval needs: every commune
    submitted (for a district), every district approved (for a province)."""
    needed = STATUS_RANK[ReportStatus.SUBMITTED if place.level == Level.DISTRICT else ReportStatus.APPROVED]
    children = list(Place.objects.current(on=period.end).filter(parent=place).order_by("code"))
    statuses = dict(
        ResultReport.objects.filter(place__in=children, period_id=period.id).values_list("place_id", "status")
    )
    return [c for c in children if STATUS_RANK[ReportStatus(statuses.get(c.id, ReportStatus.DRAFT))] < needed]


@transaction.atomic
def approve(
    place: Place,
    period: Period,
    *,
    by: User,
    version: int | None = None,
    narrative: Mapping[str, str] | None = None,
    supplementary_values: Mapping[str, str] | None = None,
) -> ResultReport:
    """A district or province approves its report, with the narrative and values given
    (saved first, as by ``submit``), when all of its children are far enough up; the period's
    records under the place are then locked."""
    if place.level not in (Level.DISTRICT, Level.PROVINCE):
        raise ReportError(_("Only districts and provinces approve reports."))
    if not can(by, "reports.approve", place.code):
        raise NotPermitted(_("You may not approve this report."))
    report = _ensure(place, period)
    _check_version(report, version)
    if not report.is_editable:
        raise ReportError(_("This report is already approved."))
    _require_ended(period)
    behind = children_behind(place, period)
    if behind:
        names = ", ".join(f"{c.code} {c.name_latin}" for c in behind)
        if place.level == Level.DISTRICT:
            raise ReportError(_("Every commune must submit first. Not yet submitted: %(places)s.") % {"places": names})
        raise ReportError(_("Every district must approve first. Not yet approved: %(places)s.") % {"places": names})
    _write(report, by, narrative or {}, supplementary_values or {})
    old = _state(report)
    now = timezone.now()
    _snapshot(report, period, now)
    report.status = ReportStatus.APPROVED
    report.approved_at, report.approved_by = now, by
    _finish("report.approve", report, old, by, audit_head_seq=report.audit_head_seq)
    return report


@transaction.atomic
def accept(place: Place, period: Period, *, by: User, version: int | None = None) -> ResultReport:
    """The national secretariat accepts a province's approved report."""
    if place.level != Level.PROVINCE:
        raise ReportError(_("The ministry accepts the reports of provinces."))
    if not can(by, "reports.accept", place.code):
        raise NotPermitted(_("You may not accept this report."))
    report = _ensure(place, period)
    _check_version(report, version)
    if report.status != ReportStatus.APPROVED:
        raise ReportError(_("Only an approved report can be accepted."))
    old = _state(report)
    report.status = ReportStatus.ACCEPTED
    report.accepted_at, report.accepted_by = timezone.now(), by
    _finish("report.accept", report, old, by)
    return report


@transaction.atomic
def unapprove(place: Place, period: Period, *, by: User, reason: str, version: int | None = None) -> ResultReport:
    """The level above sends a report back, saying why: a submitted, approved or accepted
    report returns to its authors and the period's records unlock. Refused while the level
    above has itself approved (it must be un-approved first, from the top down)."""
    if not can_send_back(by, place):
        raise NotPermitted(_("Only the level above may send this report back."))
    reason = (reason or "").strip()
    if not reason:
        raise ReportError(_("Say why the report is sent back."), field="reason")
    if len(reason) > MAX_REASON:
        raise ReportError(_("Write at most %(limit)d characters.") % {"limit": MAX_REASON}, field="reason")
    if problem := refused_text(reason):
        raise ReportError(problem, field="reason")
    report = _ensure(place, period)
    _check_version(report, version)
    if report.rank == 0:
        raise ReportError(_("This report has not been sent up."))
    if place.level != Level.PROVINCE:
        parent = ResultReport.objects.filter(place__code=place.parent_code, period_id=period.id).first()
        if parent is not None and parent.is_locked:
            raise ReportError(
                _("The report of %(place)s is approved: it must be sent back first.") % {"place": place.parent_code}
            )
    action = "report.return" if report.status == ReportStatus.SUBMITTED else "report.unapprove"
    old = _state(report)
    report.status = ReportStatus.RETURNED
    report.returned_at, report.returned_by, report.return_reason = timezone.now(), by, reason
    _finish(action, report, old, by, reason=reason)
    return report


# --- completeness and timeliness ------------------------------------------------------------
@dataclass(frozen=True)
class ChildReport:
    place: Place
    status: str
    completed_at: datetime.datetime | None
    on_time: bool

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


@dataclass(frozen=True)
class Completeness:
    parent_code: str
    period: Period
    deadline: datetime.date
    children: list[ChildReport]

    @property
    def expected(self) -> int:
        return len(self.children)

    @property
    def completed(self) -> int:
        return sum(c.completed for c in self.children)

    @property
    def on_time(self) -> int:
        return sum(c.on_time for c in self.children)

    @property
    def completed_percent(self) -> Decimal | None:
        return ratio(self.completed, self.expected)

    @property
    def on_time_percent(self) -> Decimal | None:
        return ratio(self.on_time, self.expected)


def completeness(parent_code: str, period: Period, deadline_days: int | None = None) -> Completeness:
    """For a parent place ("" the country) and period: which children's reports are in —
    submitted for communes, approved for districts and provinces — and which were in by the
    deadline (local date of the latest submission or approval). Percentages are of the
    children expected (places current at the end of the period)."""
    deadline = period.deadline(deadline_days)
    if parent_code:
        children = Place.objects.current(on=period.end).filter(parent__code=parent_code)
    else:
        children = Place.objects.current(on=period.end).filter(level=Level.PROVINCE)
    children = children.order_by("code")
    reports = {r.place_id: r for r in ResultReport.objects.filter(place__in=children, period_id=period.id)}
    out = []
    for child in children:
        report = reports.get(child.id)
        completed_at = None
        if report is not None:
            if child.level == Level.COMMUNE and report.rank >= STATUS_RANK[ReportStatus.SUBMITTED]:
                completed_at = report.submitted_at
            elif child.level != Level.COMMUNE and report.rank >= STATUS_RANK[ReportStatus.APPROVED]:
                completed_at = report.approved_at
        on_time = completed_at is not None and local_date(completed_at) <= deadline
        out.append(ChildReport(child, report.status if report else ReportStatus.DRAFT, completed_at, on_time))
    return Completeness(parent_code, period, deadline, out)


def supplementary_below(place: Place | None, period: Period) -> dict[str, int]:
    """The sum of the supplementary values of the reports just below (children that have at
    least submitted). Only the current fields are summed: traffic casualties typed into older
    reports are not, since the records' own casualties are counted in the figures."""
    reports = ResultReport.objects.filter(period_id=period.id)
    reports = reports.filter(place__parent=place) if place is not None else reports.filter(place__level=Level.PROVINCE)
    totals: dict[str, int] = {}
    for report in reports.exclude(status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED]):
        for code, value in (report.supplementary or {}).items():
            if code in supplementary.BY_CODE and isinstance(value, int) and not isinstance(value, bool):
                totals[code] = totals.get(code, 0) + value
    return totals
