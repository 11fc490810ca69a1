"""Summaries of the register, and the periodic result reports sent up the hierarchy.

Summaries are counters kept in step with the register: every incident action passes the
record's summary row before and after the change to ``summary.apply_change`` in its own
transaction, so that a report at any scale reads a few thousand counters instead of millions
of records. ``rebuild_summaries`` recomputes them from the records and ``check_summaries``
proves that they agree.

Two grains are kept for each basis, both by commune: commune x month (months) and commune x
quarter (quarters, semesters and years: a national yearly report reads about 1,650 communes x
4 quarters x the categories, whatever the size of the register). Crimes alone are kept by commune
too (``CrimeSummary``), for the ranking. A village's figures are
read from the register itself, whose (place_code, period_month) index finds a village's few
records at once; a village grain would hold about one summary row per record.

A result report (2010 guideline, IV.3) is one row per place and period; it moves from the
commune up: the commune submits, the district approves when all its communes have
submitted, the province approves when all its districts have approved, the national
secretariat accepts. Approval stores the figures as they stood and the head of the audit
chain, and locks the period's records under that place (``locks.is_locked``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safevillage.core.periods import Period

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser


class Basis(models.TextChoices):
    # Counted by the month the offence occurred: "reported in the period", its outcome so far.
    OCCURRED = "occurred", _("By month of occurrence")
    # Counted by the month the record was closed: "closures recorded in the period", which
    # may concern older offences.
    CLOSED = "closed", _("By month of closure")


class Grain(models.TextChoices):
    # place_code is a commune (6 digits), period_key a month YYYYMM.
    MONTH = "month", _("Commune × month")
    # place_code is a commune (6 digits), period_key a quarter YYYYQ (20261 = 2026Q1).
    QUARTER = "quarter", _("Commune × quarter")


# The counters of a case summary row, in the order they are stored and shown.
MEASURES = (
    "reported",
    "open",
    "closed",
    "solved",
    "solved_by_arrest",
    "mediated",
    "referred",
    "transferred",
    "unfounded",
    "resolved",
    "unresolved",
    "arrests",
    "deaths",
    "injuries",
    "closed_in_time",
    "answered",
    "satisfied",
)


class CaseSummary(models.Model):
    """Counters of records for one place, period and category. Written only by
    ``summary.apply_change`` and ``rebuild_summaries``. Counters are plain integers, not
    positive ones: if they ever drifted, a decrement must not block an officer's action;
    ``check_summaries`` reports the drift instead."""

    basis = models.CharField(max_length=8, choices=Basis.choices)
    grain = models.CharField(max_length=8, choices=Grain.choices)
    place_code = models.CharField(max_length=8)
    period_key = models.PositiveIntegerField()
    # No index of its own: rows are read by period or by place (the unique key), and
    # categories are ended, never deleted.
    category = models.ForeignKey("policy.Category", on_delete=models.PROTECT, related_name="+", db_index=False)
    reported = models.IntegerField(default=0)
    open = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)
    solved_by_arrest = models.IntegerField(default=0)
    mediated = models.IntegerField(default=0)
    referred = models.IntegerField(default=0)
    transferred = models.IntegerField(default=0)
    unfounded = models.IntegerField(default=0)
    # Complaints, disasters and epidemics closed as resolved or not (a crime is solved instead).
    resolved = models.IntegerField(default=0, db_default=0)
    unresolved = models.IntegerField(default=0, db_default=0)
    arrests = models.IntegerField(default=0)
    # People killed and injured, summed over the records (the traffic indicators read them).
    deaths = models.IntegerField(default=0)
    injuries = models.IntegerField(default=0)
    # Closed by the record's closing deadline (the portal's "closed in time").
    closed_in_time = models.IntegerField(default=0, db_default=0)
    # The complainant's answer to "is it resolved?" (receipts), and those who said yes: the
    # portal and the ranking read them here, not from the register.
    answered = models.IntegerField(default=0, db_default=0)
    satisfied = models.IntegerField(default=0, db_default=0)

    class Meta:
        verbose_name = _("case summary")
        verbose_name_plural = _("case summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["basis", "grain", "place_code", "period_key", "category"], name="one_case_summary_per_key"
            )
        ]
        # National reports select by period first, place reports by place prefix (the unique index).
        indexes = [models.Index(fields=["basis", "grain", "period_key"], name="case_summary_by_period")]

    def __str__(self) -> str:
        return f"{self.basis}/{self.grain} {self.place_code} {self.period_key} {self.category_id}"


class ChannelSummary(models.Model):
    """Records by the channel they came in through (complaints by channel), by month of occurrence."""

    grain = models.CharField(max_length=8, choices=Grain.choices)
    place_code = models.CharField(max_length=8)
    period_key = models.PositiveIntegerField()
    channel = models.CharField(max_length=24)
    reported = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("channel summary")
        verbose_name_plural = _("channel summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "place_code", "period_key", "channel"], name="one_channel_summary_per_key"
            )
        ]
        indexes = [models.Index(fields=["grain", "period_key"], name="channel_summary_by_period")]

    def __str__(self) -> str:
        return f"{self.grain} {self.place_code} {self.period_key} {self.channel}"


class CrimeSummary(models.Model):
    """Crimes (records of the categories marked as crimes) and those solved, by commune and
    period, by month of occurrence: the commune ranking reads one row per commune here
    instead of adding up a row per commune and crime category. Kept with the case summaries
    (``summary.apply_change``); when a category's "is a crime" changes, ``rebuild_crimes``
    derives the rows again from the case summaries."""

    grain = models.CharField(max_length=8, choices=Grain.choices)
    place_code = models.CharField(max_length=8)
    period_key = models.PositiveIntegerField()
    reported = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("crime summary")
        verbose_name_plural = _("crime summaries")
        constraints = [
            models.UniqueConstraint(fields=["grain", "place_code", "period_key"], name="one_crime_summary_per_key")
        ]
        indexes = [models.Index(fields=["grain", "period_key"], name="crime_summary_by_period")]

    def __str__(self) -> str:
        return f"{self.grain} {self.place_code} {self.period_key}"


class OpenDeadline(models.Model):
    """Open records by commune, month of occurrence, category and the instant after which they
    are overdue (``deadlines.overdue_from``): a place's overdue records at ``now`` in a period
    are the sum of its rows with ``due_at`` before ``now``, so a provincial report reads its
    own communes' rows instead of the country's open records. Kept with the summaries
    (``summary.apply_change``: a record leaves its row when it is acknowledged, acted on,
    closed or withdrawn, and comes back when reopened); a row whose count falls to zero is
    deleted, so the table holds about one row per open record."""

    place_code = models.CharField(max_length=8)
    period_month = models.PositiveIntegerField()
    category = models.ForeignKey("policy.Category", on_delete=models.PROTECT, related_name="+", db_index=False)
    due_at = models.DateTimeField()
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("open deadline")
        verbose_name_plural = _("open deadlines")
        constraints = [
            models.UniqueConstraint(
                fields=["place_code", "period_month", "category", "due_at"], name="one_open_deadline_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.place_code} {self.period_month} {self.category_id} {self.due_at}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


# How far a report has gone up: a level above requires its children at a given rank.
STATUS_RANK = {
    ReportStatus.DRAFT: 0,
    ReportStatus.RETURNED: 0,
    ReportStatus.SUBMITTED: 1,
    ReportStatus.APPROVED: 2,
    ReportStatus.ACCEPTED: 3,
}
# Approved figures may not change under the approver: these states lock the records.
LOCKING_STATUSES = (ReportStatus.APPROVED, ReportStatus.ACCEPTED)


class ResultReportQuerySet(models.QuerySet["ResultReport"]):
    def visible_to(self, user: AnyUser, permission: str = "reports.view") -> ResultReportQuerySet:
        from safevillage.accounts.scoping import prefix_filter

        return self.filter(prefix_filter(user, permission, "place_code"))


class ResultReport(models.Model):
    place = models.ForeignKey("places.Place", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    # The place's code, denormalised: scoping and the lock check filter it by prefix.
    place_code = models.CharField(max_length=8, editable=False)
    # The DHIS2 period identifier (202601, 2026Q1, 2026S1, 2026) and the months it covers,
    # so that "is this month locked?" is one indexed range query.
    period_id = models.CharField(_("period"), max_length=8)
    first_month = models.PositiveIntegerField(editable=False)
    last_month = models.PositiveIntegerField(editable=False)
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)

    achievements = models.TextField(_("achievements"), blank=True)
    difficulties = models.TextField(_("difficulties"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    # Validated by ``supplementary.validate``: {code: non-negative integer}.
    supplementary = models.JSONField(_("supplementary values"), default=dict, blank=True)

    # The figures as they stood when the report was submitted or approved, and the audit
    # chain head at that moment, so that anyone can later prove what was approved.
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    snapshot_at = models.DateTimeField(null=True, blank=True, editable=False)
    audit_head_seq = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    audit_head_hash = models.CharField(max_length=64, blank=True, editable=False)

    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    returned_at = models.DateTimeField(null=True, blank=True, editable=False)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    return_reason = models.TextField(_("reason for return"), blank=True)

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResultReportQuerySet.as_manager()

    class Meta:
        ordering = ["place_code", "period_id"]
        verbose_name = _("result report")
        verbose_name_plural = _("result reports")
        constraints = [
            models.UniqueConstraint(fields=["place", "period_id"], name="one_report_per_place_and_period"),
            models.CheckConstraint(
                name="report_months_in_order", condition=models.Q(first_month__lte=models.F("last_month"))
            ),
            models.CheckConstraint(
                name="report_approved_has_snapshot",
                condition=~models.Q(status__in=["approved", "accepted"])
                | models.Q(snapshot__isnull=False, approved_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["place_code", "first_month", "last_month"], name="report_lock_lookup")]

    def __str__(self) -> str:
        return f"{self.place_code} {self.period_id}"

    @property
    def rank(self) -> int:
        return STATUS_RANK[ReportStatus(self.status)]

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKING_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class ReminderStage(models.TextChoices):
    # The period has ended and the report is not in yet: it is due by the deadline.
    DUE = "due", _("Due")
    # The deadline has passed and the report is still not in.
    OVERDUE = "overdue", _("Overdue")


class ReportReminder(models.Model):
    """A reminder that a place's report of a period is due, or overdue (``reminders``). One per
    place, period and stage: the worker's job may run any number of times and each reminder
    is still sent once. Its recipients are those who write the place's report; they see it on
    their home page while the report is not in."""

    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, related_name="+", db_index=False)
    # The place's code, denormalised: the home page finds a user's reminders by code.
    place_code = models.CharField(max_length=8)
    period_id = models.CharField(_("period"), max_length=8)
    stage = models.CharField(_("stage"), max_length=8, choices=ReminderStage.choices)
    deadline = models.DateField(_("deadline"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        constraints = [
            # The unique key is also how the home page and the approval chain read them.
            models.UniqueConstraint(fields=["place_code", "period_id", "stage"], name="one_reminder_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.place_code} {self.period_id} {self.stage}"

    @property
    def period(self) -> Period:
        return Period.parse(self.period_id)
