"""Writing an export (run by the worker, ``jobs.tasks.export_records``).

The records are read in windows of the primary key, newest first: ``id <= hi AND id > hi -
WINDOW``, each window one short query, never an offset. A window bounded on both sides is
answered from the primary key on both databases (an open-ended ``id < hi ... LIMIT`` lets
SQLite prefer the place index and sort every chunk again), so the whole file costs one walk
of the register, and no read stays open for minutes. The worker writes the count first, then
the rows written about once a second, which the progress page reads.

The selection is the register page's (``incidents.filters``), within both the scope the
owner had when asking (``RecordExport.scope``) and the one they have now; deadlines are
judged at the time of asking. The file is written beside its final name and moved there
when complete, so a file under its name is always whole.
"""

from __future__ import annotations

import csv
import datetime
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import xlsxwriter
from django.conf import settings
from django.db.models import Min
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safevillage.accounts.scoping import within
from safevillage.exports.models import Format, RecordExport, State
from safevillage.incidents import exports as columns
from safevillage.incidents.filters import filter_incidents
from safevillage.incidents.models import Incident, IncidentQuerySet

# Ids per query: a few megabytes of records in memory at a time.
WINDOW = 20_000
PROGRESS_SECONDS = 1.0
# A worksheet has 1,048,576 rows: the header, the records and a last line saying the file is cut.
XLSX_MAX_RECORDS = 1_048_576 - 2


def path_of(export: RecordExport) -> Path:
    return Path(settings.EXPORTS_DIR) / f"{export.pk}.{export.format}"


def _save(export: RecordExport, **fields: Any) -> None:
    fields.setdefault("updated_at", timezone.now())
    RecordExport.objects.filter(pk=export.pk).update(**fields)
    for name, value in fields.items():
        setattr(export, name, value)


def records(export: RecordExport) -> IncidentQuerySet:
    """The records the export holds, unordered."""
    params = QueryDict(export.query).dict()
    visible = Incident.objects.visible_to(export.owner).filter(within(export.scope, "place_code"))
    result = filter_incidents(visible, params, export.created_at)
    if result.errors:  # checked when asked for; only a category removed since can do this
        raise ValueError("; ".join(result.errors.values()))
    return result.queryset.filter(pk__lte=export.last_id).order_by()


def _newest_first(selected: IncidentQuerySet, last_id: int, lines: columns.Lines) -> Iterator[Any]:
    first_id = Incident.objects.aggregate(first=Min("pk"))["first"] or 1
    high = last_id
    while high >= first_id:
        in_window = selected.filter(pk__gt=high - WINDOW, pk__lte=high).order_by("-pk")
        window = list(in_window.values_list(*columns.FIELDS, named=True))
        lines.read_places(window)
        yield from window
        high -= WINDOW


class _Progress:
    """Counts the rows written and saves the count about once a second."""

    def __init__(self, export: RecordExport) -> None:
        self.export = export
        self.rows = 0
        self.saved_at = time.monotonic()

    def add(self) -> None:
        self.rows += 1
        if time.monotonic() - self.saved_at >= PROGRESS_SECONDS:
            _save(self.export, rows_written=self.rows)
            self.saved_at = time.monotonic()


def _write_csv(part: Path, rows: Iterator[Any], lines: columns.Lines, progress: _Progress) -> None:
    with part.open("w", encoding="utf-8", newline="") as out:
        out.write(columns.BOM)
        writer = csv.writer(out)
        writer.writerow(columns.header())
        for incident in rows:
            writer.writerow(lines.values(incident))
            progress.add()


def _write_xlsx(part: Path, rows: Iterator[Any], lines: columns.Lines, progress: _Progress, *, matched: int) -> None:
    # constant_memory: each row goes to disk when the next begins, so memory stays flat.
    book = xlsxwriter.Workbook(str(part), {"constant_memory": True})
    sheet = book.add_worksheet(_("Records"))
    bold = book.add_format({"bold": True})
    for col, title in enumerate(columns.header()):
        sheet.write_string(0, col, title, bold)
    line = 0
    for incident in rows:
        if line == XLSX_MAX_RECORDS:
            break
        line += 1
        for col, value in enumerate(lines.values(incident)):
            # write_string, never write(): a text starting with "=" stays text, not a formula.
            if isinstance(value, int) and not isinstance(value, bool):
                sheet.write_number(line, col, value)
            elif value not in ("", None):
                sheet.write_string(line, col, str(value))
        progress.add()
    if matched > XLSX_MAX_RECORDS:
        cut = _("Cut: only the first %(limit)s of %(total)s records are in this file; narrow the filters.")
        sheet.write_string(line + 1, 0, cut % {"limit": XLSX_MAX_RECORDS, "total": matched})
    book.close()


def run(export_id: int) -> RecordExport:
    """Write the export's file; on failure the export says so, and the error is raised for the
    worker to record and retry. A second delivery of a finished export does nothing."""
    export = RecordExport.objects.select_related("owner").get(pk=export_id)
    if export.state in (State.DONE, State.EXPIRED):
        return export
    started = timezone.now()
    _save(export, state=State.RUNNING, started_at=started, rows_written=0, total=None, error="", updated_at=started)
    final = path_of(export)
    part = final.with_name(final.name + ".part")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        with translation.override(export.language):
            selected = records(export)
            matched = selected.count()
            total = min(matched, XLSX_MAX_RECORDS) if export.format == Format.XLSX else matched
            _save(export, total=total)
            progress = _Progress(export)
            lines = columns.Lines(export.created_at, text=export.format == Format.CSV)
            rows = _newest_first(selected, export.last_id, lines)
            if export.format == Format.XLSX:
                _write_xlsx(part, rows, lines, progress, matched=matched)
            else:
                _write_csv(part, rows, lines, progress)
        os.replace(part, final)
    except Exception as error:
        part.unlink(missing_ok=True)
        finished = timezone.now()
        _save(export, state=State.FAILED, error=f"{type(error).__name__}: {error}", finished_at=finished)
        raise
    finished = timezone.now()
    _save(
        export,
        state=State.DONE,
        rows_written=progress.rows,
        file_name=final.name,
        finished_at=finished,
        expires_at=finished + datetime.timedelta(days=settings.EXPORTS_KEEP_DAYS),
    )
    return export
