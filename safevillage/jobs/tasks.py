"""The jobs the worker runs. Each is safe to run twice: a second run finds nothing left to
do (escalation) or writes one more verdict (verification), so a retried or duplicated run
changes nothing that matters.

A job raises when it fails: django-q2 records the run as failed with the error, retries it
(``Q_CLUSTER["max_attempts"]``) and the national secretariat sees it on the job runs page.
"""

from __future__ import annotations

from django.utils import timezone, translation

from safevillage.audit.verify import verify_and_record
from safevillage.core import planner_stats
from safevillage.exports import expiry
from safevillage.exports import run as export_run
from safevillage.incidents.escalation import LEVEL_NAMES, escalate_overdue


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


def refresh_statistics() -> str:
    """Fresh planner statistics for the tables that changed (``core/planner_stats.py``)."""
    tables = planner_stats.refresh()
    return f"Analysed {len(tables)} table(s): {', '.join(tables) or 'none needed it'}."


def export_records(export_id: int) -> str:
    """Write one export of the register that a user asked for (``exports/run.py``)."""
    export = export_run.run(export_id)
    return f"Export {export.pk} ({export.format}): {export.rows_written} row(s)."


def remove_expired_exports() -> str:
    """Remove the files of expired exports (``exports/expiry.py``)."""
    cleanup = expiry.remove_expired()
    return f"Removed {cleanup.removed} expired export(s); {cleanup.abandoned} unfinished export(s) marked failed."
