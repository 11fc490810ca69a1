"""Reading a CSV file of an import: its header checked, each record with its line number."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import IO, cast

from django.utils.translation import gettext as _

from safevillage.places.importers.report import ImportReport


class ImportFileError(Exception):
    """The file as a whole cannot be read (missing, wrong encoding, missing columns):
    nothing is imported."""


# Where DictReader puts the values beyond the header's columns (a name no header can have).
EXTRA = "\x00extra"


def records(
    stream: IO[str], *, name: str, required: Iterable[str], report: ImportReport, code_column: str = "code"
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each record as (line number, row), counted as read in ``report``. The header is line 1;
    a record's number is the physical line it ends on, as an editor shows it. Missing cells
    read as "". A record with more values than the header has columns is refused with its
    line, never yielded: a stray comma shifts every value after it into the wrong column."""
    reader = csv.DictReader(stream, restkey=EXTRA)
    try:
        header = reader.fieldnames
    except UnicodeDecodeError as error:
        raise ImportFileError(_("%(file)s is not UTF-8 text: %(error)s") % {"file": name, "error": error}) from None
    except csv.Error as error:
        raise ImportFileError(_("%(file)s is not a CSV file: %(error)s") % {"file": name, "error": error}) from None
    if not header:
        raise ImportFileError(_("%(file)s is empty.") % {"file": name})
    columns = [(column or "").strip() for column in header]
    reader.fieldnames = columns
    absent = [column for column in required if column not in columns]
    if absent:
        raise ImportFileError(
            _("%(file)s lacks the column(s) %(columns)s (it has: %(found)s).")
            % {"file": name, "columns": ", ".join(absent), "found": ", ".join(columns)}
        )
    try:
        for row in reader:
            report.read += 1
            if extra := cast(list[str] | None, row.pop(EXTRA, None)):
                report.refuse(
                    name,
                    reader.line_num,
                    (row.get(code_column) or "").strip(),
                    _extra_problem(columns, extra),
                    reason="columns",
                )
                continue
            yield reader.line_num, {key: (value or "") for key, value in row.items()}
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("%(file)s is not UTF-8 text after line %(line)d: %(error)s")
            % {"file": name, "line": reader.line_num, "error": error}
        ) from None
    except csv.Error as error:
        raise ImportFileError(
            _("%(file)s cannot be read after line %(line)d: %(error)s")
            % {"file": name, "line": reader.line_num, "error": error}
        ) from None


def _extra_problem(columns: list[str], extra: list[str]) -> str:
    return _(
        "%(found)d values where the header names %(expected)d columns: a comma too many, or a value "
        "holding a comma without quotes"
    ) % {"found": len(columns) + len(extra), "expected": len(columns)}
