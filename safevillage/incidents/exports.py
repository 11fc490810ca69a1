"""The columns of the register in a spreadsheet: one line per record, for the exports that
the worker writes (``safevillage/exports``).

No name of anyone involved goes into the file — no complainant, victim, suspect, witness or
officer — and no free text (description, outcome details, notes), which may hold names.
A CSV file starts with a UTF-8 byte-order mark (``BOM``) so that Excel reads Khmer correctly.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.incidents.deadlines import classify, worst
from safevillage.incidents.models import Channel, Status
from safevillage.places.models import Place
from safevillage.policy.models import Category

BOM = "\ufeff"
# Spreadsheets run a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


# The record's fields the lines read (``values_list(*FIELDS, named=True)``): a file of millions
# of records builds no model instance and reads no description or note it does not print.
FIELDS = (
    "reference",
    "channel",
    "category_id",
    "village_id",
    "place_code",
    "occurred_at",
    "period_month",
    "reported_at",
    "status",
    "outcome",
    "clearance",
    "exceptional_reason",
    "arrests",
    "acknowledge_due_at",
    "acknowledged_at",
    "action_due_at",
    "first_action_at",
    "close_due_at",
    "closed_at",
    "closed_after_the_fact",
    "escalated_to_level",
    "escalated_at",
    "complainant_satisfied",
)


class Lines:
    """The lines of one file, judged at ``now``, from records read as ``FIELDS`` (an
    ``Incident`` serves too). Labels are translated once per file and the names of
    categories and villages read once, not per record: at a million records, translations,
    time-zone look-ups and model instances took most of the time.

    ``text``: for a CSV file, where a cell starting like a formula is defused. Only the names
    of categories and villages come from data people typed; every other cell is a code, a
    number, a date or a label of the product, so the names are defused once, as they are read.
    """

    def __init__(self, now: datetime.datetime, *, text: bool) -> None:
        self.now = now
        self.text = text
        self.zone = timezone.get_current_timezone()
        self.channels = {value: str(label) for value, label in Channel.choices}
        self.statuses = {value: str(label) for value, label in Status.choices}
        self.yes, self.no = _("yes"), _("no")
        self.categories = {c.pk: (self._name(c.name), c.code) for c in Category.objects.all()}
        self.villages: dict[int, tuple[str, str]] = {}

    def _name(self, name: str) -> str:
        return _cell(name) if self.text else name

    def read_places(self, records: Iterable[Any]) -> None:
        """Read the names of the villages of ``records`` not read yet, in one query."""
        missing = {record.village_id for record in records} - self.villages.keys()
        if missing:
            names = Place.objects.filter(pk__in=missing).values_list("pk", "name_km", "name_latin")
            self.villages.update((pk, (self._name(km), self._name(latin))) for pk, km, latin in names)

    def _when(self, value: datetime.datetime | None) -> str:
        # Local time with its offset: unambiguous, and what officers read.
        return value.astimezone(self.zone).isoformat(timespec="minutes") if value else ""

    def values(self, incident: Any) -> list[Any]:
        """The record's line (whole numbers stay numbers, for a workbook)."""
        missed = classify(incident, self.now)
        late = worst(missed)
        satisfied = {True: self.yes, False: self.no, None: ""}[incident.complainant_satisfied]
        category, category_code = self.categories[incident.category_id]
        village_km, village_latin = self.villages[incident.village_id]
        when = self._when
        return [
            incident.reference,
            self.channels.get(incident.channel, incident.channel),
            incident.channel,
            category,
            category_code,
            incident.place_code,
            village_km,
            village_latin,
            when(incident.occurred_at),
            incident.period_month,
            when(incident.reported_at),
            self.statuses.get(incident.status, incident.status),
            incident.status,
            incident.outcome,
            incident.clearance,
            incident.exceptional_reason,
            incident.arrests,
            when(incident.acknowledge_due_at),
            when(incident.acknowledged_at),
            when(incident.action_due_at),
            when(incident.first_action_at),
            when(incident.close_due_at),
            when(incident.closed_at),
            self.yes if incident.closed_after_the_fact else "",
            " ".join(m.kind for m in missed),
            late.days_late if late else "",
            "" if incident.escalated_to_level is None else incident.escalated_to_level,
            when(incident.escalated_at),
            satisfied,
        ]
