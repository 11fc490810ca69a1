"""The jobs the worker runs. Each is safe to run twice: a second run finds nothing left to
do (escalation, reminders) or writes one more verdict (verification), so a retried or
duplicated run changes nothing that matters.

A job raises when it fails: django-q2 records the run as failed with the error, retries it
(``Q_CLUSTER["max_attempts"]``) and the national secretariat sees it on the job runs page.
"""

from __future__ import annotations

import time

from django.utils import timezone, translation

from safevillage.audit.verify import verify_and_record
from safevillage.core import planner_stats
from safevillage.exports import expiry
from safevillage.exports import run as export_run
from safevillage.incidents.escalation import LEVEL_NAMES, escalate_overdue
from safevillage.reports.reminders import send_reminders


def escalate() -> str:
    """Escalate every overdue open record one level up (``incidents/escalation.py``)."""
    now = timezone.now()
    escalations = escalate_overdue(now)
    by_level = ", ".join(
        f"{sum(1 for e in escalations if e.to_level == level)} to {name}" for level, name in LEVEL_NAMES.items()
    )
    return f"Escalated {len(escalations)} record(s) at {now.isoformat(timespec='seconds')}: {by_level}."


def verify_audit() -> str:
    """Verify the audit chain and store the verdict; fail when it is broken."""
    # The stored problem is read by operators and auditors alike: in English, as the command.
    with translation.override("en"):
        verification = verify_and_record()
    return f"Intact: {verification.events} event(s) checked."


def verify_referrals() -> str:
    """Verify the referrals' own audit chain and store the verdict in the referrals database
    (``referrals/verification.py``); fail when it is broken. The result says no more than
    that: it is kept in the police database."""
    from safevillage.referrals.verification import verify_and_record as verify_referrals_chain

    with translation.override("en"):
        verify_referrals_chain()
    return "The referrals' audit chain is intact."


def remind_reports() -> str:
    """Remind the places whose report of a due period is not in (``reports/reminders.py``);
    each reminder once per place, period and stage, however often this runs."""
    now = timezone.now()
    sent = send_reminders(now)
    overdue = sum(1 for r in sent if r.stage == "overdue")
    return (
        f"Sent {len(sent)} reminder(s) at {now.isoformat(timespec='seconds')}: "
        f"{len(sent) - overdue} due, {overdue} overdue."
    )


def export_records(export_id: int) -> str:
    """Write one export of the register that a user asked for (``exports/run.py``)."""
    export = export_run.run(export_id)
    return f"Export {export.pk} ({export.format}): {export.rows_written} row(s)."


def remove_expired_exports() -> str:
    """Remove the files of expired exports (``exports/expiry.py``)."""
    cleanup = expiry.remove_expired()
    return f"Removed {cleanup.removed} expired export(s); {cleanup.abandoned} unfinished export(s) marked failed."


def classify_safety() -> str:
    """Classify every commune for the last ended quarter under each framework version
    (``safety/national.py``): decisions that changed since the last run are stored anew."""
    from safevillage.policy.models import FrameworkVersion
    from safevillage.safety.classify import NoThresholds, thresholds_for
    from safevillage.safety.national import classify_all, last_ended_quarter

    period = last_ended_quarter()
    try:
        thresholds_for(period)
    except NoThresholds:
        # Retrying would not help: the administrator adds a threshold set (shown on /jobs/).
        return f"No threshold set applies to {period.id}: nothing classified."
    lines = []
    for framework in FrameworkVersion.objects.order_by("effective_from"):
        for timed in classify_all(period, framework):
            lines.append(timed.describe("", period, framework))
    return " ".join(lines) or "No framework loaded."


def check_integrity() -> str:
    """Run the integrity checks for the whole country on the last ended quarter
    (``integrity/run.py``): flags are raised, refreshed or marked no longer found."""
    from safevillage.integrity.run import last_ended_period, run_checks

    return run_checks(last_ended_period()).describe()


def refresh_statistics() -> str:
    """Fresh planner statistics for the tables that changed (``core/planner_stats.py``)."""
    tables = planner_stats.refresh()
    return f"Analysed {len(tables)} table(s): {', '.join(tables) or 'none needed it'}."


def publish_portal() -> str:
    """Compute the portal's publications of the periods visitors read most, before the cached
    ones expire (``portal/trend.py``): no visitor waits for a computation."""
    from safevillage.portal.publication import refresh
    from safevillage.portal.trend import periods_to_publish

    started = time.monotonic()
    periods = periods_to_publish(timezone.localdate())
    for period in periods:
        refresh(period)
    return f"Published {len(periods)} period(s) in {time.monotonic() - started:.1f} s."
