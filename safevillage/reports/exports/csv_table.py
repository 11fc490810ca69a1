"""The report table as CSV (UTF-8 with a byte-order mark, so that Excel reads Khmer)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from safevillage.reports.present import Presented


def _raw(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def render_csv(report: Presented) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["place", "period", "row", "name", *[c.code for c in report.columns]])
    for line in report.lines:
        if not line.cells:
            continue
        writer.writerow(
            [report.place_code, report.period.id, line.key, line.name, *[_raw(c.value) for c in line.cells]]
        )
    for line in report.channels:
        writer.writerow(
            [
                report.place_code,
                report.period.id,
                f"channel/{line.key}",
                line.name,
                *[_raw(c.value) for c in line.cells],
            ]
        )
    # Community programmes: the figure in the first column of figures, empty when hidden.
    for group in report.community:
        for item in group.lines:
            writer.writerow([report.place_code, report.period.id, f"community/{item.key}", item.name, _raw(item.value)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
