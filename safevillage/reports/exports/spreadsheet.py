"""The report as an Excel workbook: the table, records by channel, the definitions of the
indicators, and the supplementary values and narrative. Figures are numbers (percentages
as 96.36 shown "96%"), so that the ministry can compute with them; "n/a" stays text.

XlsxWriter in ``constant_memory`` mode writes each row as it goes (rows strictly in order).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from safevillage.reports.indicators import Unit
from safevillage.reports.present import Cell, Presented
from safevillage.reports.supplementary import FIELDS


def _writer(book: Any) -> dict[str, Any]:
    return {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "head": book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#EEEEEE", "border": 1}),
        "text": book.add_format({"text_wrap": True, "valign": "top"}),
        "bold": book.add_format({"bold": True, "text_wrap": True}),
        Unit.COUNT: book.add_format({"num_format": "0"}),
        Unit.PERCENT: book.add_format({"num_format": '0"%"'}),
        Unit.CHANGE: book.add_format({"num_format": '+0"%";-0"%";0"%"'}),
        Unit.RATE: book.add_format({"num_format": "0.0"}),
    }


def _write_cell(sheet: Any, row: int, col: int, cell: Cell, unit: Unit, formats: dict[str, Any]) -> None:
    if cell.value is None:
        sheet.write_string(row, col, cell.text)
    elif isinstance(cell.value, Decimal):
        sheet.write_number(row, col, float(cell.value), formats[unit])
    else:
        sheet.write_number(row, col, cell.value, formats[unit])


# Number formats of the community figures (``community.Kind``); percentages are stored as 96.36.
_COMMUNITY_FORMATS = {
    "count": "0",
    "percent": '0"%"',
    "days": "0.0",
    "points": "+0.0;-0.0;0.0",
    "per_1000": "0.00",
    "riel": "#,##0",
}


def _write_community(book: Any, report: Presented, formats: dict[str, Any]) -> None:
    """The community programmes, one row a figure under its programme; a hidden or missing
    figure stays text ("hidden", "n/a")."""
    sheet = book.add_worksheet(_("Community programmes")[:31])
    sheet.set_column(0, 0, 60)
    sheet.set_column(1, 1, 16)
    sheet.write_string(0, 0, _("Programme and figure"), formats["head"])
    sheet.write_string(0, 1, _("Value"), formats["head"])
    numbers = {kind: book.add_format({"num_format": pattern}) for kind, pattern in _COMMUNITY_FORMATS.items()}
    row = 1
    for group in report.community:
        sheet.write_string(row, 0, group.name, formats["bold"])
        row += 1
        for item in group.lines:
            sheet.write_string(row, 0, "    " + item.name, formats["text"])
            if item.value is None:
                sheet.write_string(row, 1, item.text)
            else:
                sheet.write_number(row, 1, float(item.value), numbers.get(item.kind, formats[Unit.COUNT]))
            row += 1


def render_xlsx(report: Presented, *, status: str, supplementary: dict[str, int], narrative: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    formats = _writer(book)

    sheet = book.add_worksheet(_("Report")[:31])
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, len(report.columns), 12)
    sheet.write_string(0, 0, f"{report.place_name} — {report.period.label}", formats["title"])
    sheet.write_string(1, 0, f"{_('Status')}: {status}")
    sheet.write_string(2, 0, report.population)
    sheet.write_string(3, 0, f"{_('Figures as of')} {report.generated_at}")
    sheet.write_string(5, 0, _("Criterion, point or category"), formats["head"])
    for col, indicator in enumerate(report.columns, start=1):
        sheet.write_string(5, col, indicator.name, formats["head"])
    row = 6
    for line in report.lines:
        name = ("    " * line.depth) + line.name
        sheet.write_string(row, 0, name, formats["bold"] if line.kind != "category" else formats["text"])
        for col, (cell, indicator) in enumerate(zip(line.cells, report.columns, strict=False), start=1):
            _write_cell(sheet, row, col, cell, indicator.unit, formats)
        row += 1

    channels = book.add_worksheet(_("Channels")[:31])
    channels.set_column(0, 0, 36)
    channels.set_column(1, len(report.channel_columns), 14)
    channels.write_string(0, 0, _("Channel"), formats["head"])
    for col, indicator in enumerate(report.channel_columns, start=1):
        channels.write_string(0, col, indicator.name, formats["head"])
    for r, line in enumerate(report.channels, start=1):
        channels.write_string(r, 0, line.name)
        for col, (cell, indicator) in enumerate(zip(line.cells, report.channel_columns, strict=False), start=1):
            _write_cell(channels, r, col, cell, indicator.unit, formats)

    definitions = book.add_worksheet(_("Definitions")[:31])
    definitions.set_column(0, 0, 24)
    definitions.set_column(1, 1, 36)
    definitions.set_column(2, 2, 90)
    for col, head in enumerate((_("Code"), _("Indicator"), _("Formula"))):
        definitions.write_string(0, col, head, formats["head"])
    for r, indicator in enumerate(report.columns, start=1):
        definitions.write_string(r, 0, indicator.code)
        definitions.write_string(r, 1, indicator.name, formats["text"])
        definitions.write_string(r, 2, indicator.formula, formats["text"])

    other = book.add_worksheet(_("Supplementary")[:31])
    other.set_column(0, 0, 40)
    other.set_column(1, 1, 90)
    other.write_string(0, 0, _("Supplementary value"), formats["head"])
    other.write_string(0, 1, _("Value"), formats["head"])
    r = 1
    for field in FIELDS:
        other.write_string(r, 0, field.name)
        if field.code in supplementary:
            other.write_number(r, 1, supplementary[field.code], formats[Unit.COUNT])
        r += 1
    r += 1
    for label, text in narrative.items():
        other.write_string(r, 0, label, formats["bold"])
        other.write_string(r, 1, text, formats["text"])
        r += 1

    _write_community(book, report, formats)
    book.close()
    return buffer.getvalue()
