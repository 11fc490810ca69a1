"""A result report as a DHIS2 ``dataValueSet`` (JSON), for a ministry that runs DHIS2.

Mapping (import with ``idScheme=CODE``):

- ``dataSet``: ``SV_RESULT_REPORT``;
- ``period``: the report's period, already in DHIS2's form (202601, 2026Q1, 2026S1, 2026);
- ``orgUnit``: the place's NCDD code (``KH`` for the whole country) — the org unit's *code*;
- ``dataElement``: ``SV_<INDICATOR>_<SLICE>``, upper case, where INDICATOR is the indicator
  code (``REPORTED``, ``SOLVED_SHARE`` …) and SLICE is ``ALL``, ``CRIME``, a criterion
  ``C<framework>_<number>`` (``C2021_2``; ``C2010_NONE`` for the categories under no 2010
  criterion) or a category code (``THEFT``); records by channel are
  ``SV_CHANNEL_REPORTED_<CHANNEL>``;
- ``categoryOptionCombo``: ``default`` (the slice is in the data element, so no
  disaggregation is needed on the DHIS2 side).

Only values of the report's own period are sent: the previous period's and the year-earlier
figures, and the changes on them, are DHIS2's to compute from its own data. A figure that is
"n/a" (a ratio over zero) is left out rather than sent as zero.
"""

from __future__ import annotations

from typing import Any

from safevillage.reports.present import Presented

DATA_SET = "SV_RESULT_REPORT"
DEFAULT_COMBO = "default"
NOT_SENT = frozenset({"reported_previous", "change_previous", "reported_year_earlier", "change_year"})


def slice_code(row_key: str) -> str:
    """all → ALL, 2021-2 → C2021_2, 2021-2/theft → THEFT."""
    if "/" in row_key:
        return row_key.split("/", 1)[1].upper()
    if row_key in ("all", "crime"):
        return row_key.upper()
    return "C" + row_key.replace("-", "_").upper()


def data_value_set(report: Presented, *, complete_date: str = "") -> dict[str, Any]:
    values: dict[str, str] = {}
    for line in report.lines:
        if not line.cells:
            continue
        for cell in line.cells:
            if cell.code in NOT_SENT or cell.value is None:
                continue
            # A category appears under both frameworks: the same element, sent once.
            values.setdefault(f"SV_{cell.code}_{slice_code(line.key)}".upper(), str(cell.value))
    for line in report.channels:
        cell = line.cells[0]
        values[f"SV_CHANNEL_REPORTED_{line.key}".upper()] = str(cell.value)
    out: dict[str, Any] = {
        "dataSet": DATA_SET,
        "period": report.period.id,
        "orgUnit": report.place_code or "KH",
        "idScheme": "CODE",
        "dataValues": [
            {"dataElement": element, "categoryOptionCombo": DEFAULT_COMBO, "value": value}
            for element, value in values.items()
        ],
    }
    if complete_date:
        out["completeDate"] = complete_date
    return out
