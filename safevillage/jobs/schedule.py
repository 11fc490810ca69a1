"""The product's schedule: which job runs how often. Written to django-q2's ``Schedule``
table by the worker at start (``ensure_schedules``), so nobody sets it up by hand and a
change of interval in the settings takes effect at the next start.

Reminders of reports due and overdue (``reports/reminders.py``) are sent by one more job.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_q.models import Schedule


@dataclass(frozen=True)
class Job:
    name: str  # the Schedule's name: stable, it is how a restarted worker finds its row
    func: str
    label: Promise
    setting: str  # the setting holding the interval in minutes

    def minutes(self) -> int:
        minutes: int = getattr(settings, self.setting)
        return minutes


TASKS = "safevillage.jobs.tasks"
JOBS = [
    Job("escalate_overdue", f"{TASKS}.escalate", _("Escalate overdue records"), "JOBS_ESCALATE_EVERY_MINUTES"),
    Job("verify_audit", f"{TASKS}.verify_audit", _("Verify the audit chain"), "JOBS_VERIFY_AUDIT_EVERY_MINUTES"),
    Job(
        "verify_referrals",
        f"{TASKS}.verify_referrals",
        _("Verify the referrals' audit chain"),
        "JOBS_VERIFY_REFERRALS_EVERY_MINUTES",
    ),
    Job(
        "remind_reports",
        f"{TASKS}.remind_reports",
        _("Remind of reports due and overdue"),
        "JOBS_REMIND_REPORTS_EVERY_MINUTES",
    ),
    Job(
        "remove_expired_exports",
        f"{TASKS}.remove_expired_exports",
        _("Remove expired exports"),
        "JOBS_REMOVE_EXPIRED_EXPORTS_EVERY_MINUTES",
    ),
    Job(
        "safety_classification",
        f"{TASKS}.classify_safety",
        _("Classify the communes' safety"),
        "JOBS_CLASSIFY_SAFETY_EVERY_MINUTES",
    ),
    Job(
        "integrity_checks",
        f"{TASKS}.check_integrity",
        _("Check the figures' integrity"),
        "JOBS_INTEGRITY_EVERY_MINUTES",
    ),
    Job(
        "refresh_statistics",
        f"{TASKS}.refresh_statistics",
        _("Refresh the database's statistics"),
        "JOBS_STATISTICS_EVERY_MINUTES",
    ),
    Job(
        "publish_portal",
        f"{TASKS}.publish_portal",
        _("Publish the portal's figures"),
        "JOBS_PORTAL_EVERY_MINUTES",
    ),
]
# Jobs queued on demand rather than on a schedule, named on the job runs page all the same.
ON_DEMAND = {f"{TASKS}.export_records": _("Export of the register")}
LABELS = {job.func: job.label for job in JOBS} | ON_DEMAND


@transaction.atomic
def ensure_schedules(now: datetime.datetime | None = None) -> list[Schedule]:
    """Create or update each job's schedule, idempotently. A new job is due at once; a job
    already scheduled keeps its next run, brought forward if the interval became shorter.
    Schedules of jobs no longer listed are removed, so the table is what ``JOBS`` says."""
    now = now or timezone.now()
    schedules = []
    for job in JOBS:
        minutes = job.minutes()
        schedule = Schedule.objects.select_for_update().filter(name=job.name).first()
        if schedule is None:
            schedule = Schedule(name=job.name, next_run=now)
        latest = now + datetime.timedelta(minutes=minutes)
        if schedule.next_run is None or schedule.next_run > latest:
            schedule.next_run = latest
        schedule.func = job.func
        schedule.schedule_type = Schedule.MINUTES
        schedule.minutes = minutes
        schedule.repeats = -1  # for ever
        schedule.save()
        schedules.append(schedule)
    Schedule.objects.filter(func__startswith=f"{TASKS}.").exclude(name__in=[j.name for j in JOBS]).delete()
    return schedules
