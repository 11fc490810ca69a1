"""What a report page and its PDF add to their context for the charts and the comparison of
the children: one call from ``reports.views``, so the report's own module stays about the
report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from safevillage.charts.comparison import compare
from safevillage.charts.report_charts import report_charts
from safevillage.places.models import Level

if TYPE_CHECKING:
    from safevillage.reports.tables import ReportData
    from safevillage.reports.views import Target


def report_extras(target: Target, data: ReportData, sort: str = "") -> dict[str, Any]:
    """``charts`` (rendered) and, on the pages of the country, a province or a district,
    ``comparison`` (its children's rows)."""
    level = target.place.level if target.place is not None else 0
    return {
        "charts": report_charts(target.place_code, target.period, data, level),
        "comparison": compare(target.place, target.period, sort) if level < Level.COMMUNE else None,
    }
