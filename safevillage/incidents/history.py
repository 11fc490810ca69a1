"""A record's history as officers read it: the audit events of the record in words, with
repeated views of names folded together.

Every page or API answer that shows names is audited (``actions.record_identity_view``), so a
record read every day carries hundreds of "names viewed" events. The audit log keeps each one;
the history on the record's page shows a run of consecutive views by the same person as one
line with a count and the first and last time, so that the changes to the record stay in view.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safevillage.audit.models import AuditEvent

VIEW_NAMES = "incident.view_identity"

# The audit action codes in words.
HISTORY_LABELS: dict[str, Promise] = {
    "incident.create": _("Recorded"),
    "incident.acknowledge": _("Acknowledged"),
    "incident.start_investigation": _("Investigation started"),
    "incident.close": _("Closed"),
    "incident.reopen": _("Reopened for review"),
    "incident.assign": _("Assigned"),
    "incident.add_note": _("Note added"),
    "incident.withdraw": _("Withdrawn"),
    "incident.complainant_feedback": _("Complainant answered"),
    VIEW_NAMES: _("Names viewed"),
    "incident.escalate": _("Escalated"),
}


@dataclass
class HistoryLine:
    action: str
    label: str
    actor_id: int | None
    actor_label: str
    first_at: datetime.datetime
    last_at: datetime.datetime
    # How many audit events the line stands for (more than 1 only for repeated views of names).
    count: int = 1


def collapse_history(events: Iterable[AuditEvent]) -> list[HistoryLine]:
    """The lines of the history, oldest first: one per event, except that consecutive views
    of names by the same person make one line."""
    lines: list[HistoryLine] = []
    for event in events:
        last = lines[-1] if lines else None
        if (
            event.action == VIEW_NAMES
            and last is not None
            and last.action == VIEW_NAMES
            and (last.actor_id, last.actor_label) == (event.actor_id, event.actor_label)
        ):
            last.count += 1
            last.last_at = event.occurred_at
            continue
        label = HISTORY_LABELS.get(event.action)
        lines.append(
            HistoryLine(
                action=event.action,
                label=str(label) if label is not None else event.action,
                actor_id=event.actor_id,
                actor_label=event.actor_label,
                first_at=event.occurred_at,
                last_at=event.occurred_at,
            )
        )
    return lines
