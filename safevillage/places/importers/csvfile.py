"""Reading a CSV file of an import: its header checked, each record with its line number."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import IO

from django.utils.translation import gettext as _


class ImportFileError(Exception):
    """The file as a whole cannot be read (missing, wrong encoding, missing columns):
    nothing is imported."""


def records(stream: IO[str], *, name: str, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each record as (line number, row). The header is line 1; a record's number is the
    physical line it ends on, as an editor shows it. Missing cells read as ""."""
    reader = csv.DictReader(stream)
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
            yield reader.line_num, {key: (value or "") for key, value in row.items() if isinstance(key, str)}
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
