"""The register as CSV: what the user may see, with the list's filters, for a spreadsheet.

No name of anyone involved goes into the file — no complainant, victim, suspect, witness or
officer — and no free text (description, outcome details, notes), which may hold names.
The file starts with a UTF-8 byte-order mark so that Excel reads Khmer correctly, and is cut
at ``EXPORT_MAX_ROWS`` with a last line saying so.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.incidents.deadlines import classify, worst
from safevillage.incidents.models import Incident

# A spreadsheet holds about a million rows; a bigger file is a job for the reports.
EXPORT_MAX_ROWS = 100_000
BOM = "\ufeff"
# Spreadsheets run a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """csv.writer writes to this and gets each formatted line back, for streaming."""

    def write(self, value: str) -> str:
        return value


def header() -> list[str]:
    return [
        _("Reference"),
        _("Channel"),
        _("Channel (code)"),
        _("Category"),
        _("Category (code)"),
        _("Village (code)"),
        _("Village (Khmer)"),
        _("Village (Latin)"),
        _("Occurred"),
        _("Month"),
        _("Reported"),
        _("Status"),
        _("Status (code)"),
        _("Outcome (code)"),
        _("Clearance (code)"),
        _("Exceptional reason (code)"),
        _("People arrested"),
        _("Acknowledge by"),
        _("Acknowledged"),
        _("First action by"),
        _("First action"),
        _("Close by"),
        _("Closed"),
        _("Closure entered after the fact"),
        _("Missed deadlines"),
        _("Days late"),
        _("Escalated to level"),
        _("Escalated"),
        _("Complainant satisfied"),
    ]


def _when(value: datetime.datetime | None) -> str:
    # Local time with its offset: unambiguous, and what officers read.
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def row(incident: Incident, now: datetime.datetime) -> list[str]:
    missed = classify(incident, now)
    late = worst(missed)
    satisfied = {True: _("yes"), False: _("no"), None: ""}[incident.complainant_satisfied]
    values: list[Any] = [
        incident.reference,
        incident.get_channel_display(),
        incident.channel,
        incident.category.name,
        incident.category.code,
        incident.place_code,
        incident.village.name_km,
        incident.village.name_latin,
        _when(incident.occurred_at),
        incident.period_month,
        _when(incident.reported_at),
        incident.get_status_display(),
        incident.status,
        incident.outcome,
        incident.clearance,
        incident.exceptional_reason,
        incident.arrests,
        _when(incident.acknowledge_due_at),
        _when(incident.acknowledged_at),
        _when(incident.action_due_at),
        _when(incident.first_action_at),
        _when(incident.close_due_at),
        _when(incident.closed_at),
        _("yes") if incident.closed_after_the_fact else "",
        " ".join(m.kind for m in missed),
        late.days_late if late else "",
        "" if incident.escalated_to_level is None else incident.escalated_to_level,
        _when(incident.escalated_at),
        satisfied,
    ]
    return [_cell(value) for value in values]


def csv_lines(
    incidents: Iterable[Incident], *, total: int, now: datetime.datetime, limit: int = EXPORT_MAX_ROWS
) -> Iterator[str]:
    """The file, line by line: the BOM and header, at most ``limit`` records, and a last
    line stating the cut when ``total`` is larger."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow(header())
    for incident in incidents:
        yield writer.writerow(row(incident, now))
    if total > limit:
        yield writer.writerow(
            [
                _("Cut: only the first %(limit)s of %(total)s records are in this file; narrow the filters.")
                % {"limit": limit, "total": total}
            ]
        )
