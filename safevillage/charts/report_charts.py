"""The charts of a report page and of a supervisor's home, read from the summaries (never
from the register) so that a national chart costs what a commune's does:

- the monthly trend of records reported, each month beside the same month a year earlier
  (``CaseSummary``, month grain);
- the share of crimes solved, month by month (the same rows);
- the mix of categories: each category's records of the period, solved, closed otherwise or
  still open (the report's own figures, snapshot or live, so the chart and the table agree);
- the age of the records overdue now (``OpenDeadline``), each bucket linked with the
  register's ``overdue_days``;
- the completeness and timeliness of the reports below over the last periods (``ResultReport``).

Each point links to the records it counts with the report's own drill-down links
(``reports.trace``); the register list then counts them from the summaries again
(``reports.drill_counts``), and shows only what the reader may see.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from safevillage.charts.render import Chart, Kind, Point, Series, Unit, render_chart
from safevillage.core.periods import Period, PeriodError, PeriodKind
from safevillage.places.codes import under
from safevillage.policy.models import Category
from safevillage.reports.figures import VILLAGE_CODE_LENGTH, case_counts
from safevillage.reports.indicators import ratio
from safevillage.reports.models import Basis, OpenDeadline
from safevillage.reports.tables import ReportData
from safevillage.reports.trace import trace_url

TREND_MONTHS = 12
MIX_CATEGORIES = 8  # the largest categories; the others are one click away in the table
COMPLETENESS_PERIODS = 6
# Days past the deadline: up to a week, a month, a quarter, a year, more.
OVERDUE_EDGES = (7, 30, 90, 365)


def months_to(period: Period, count: int = TREND_MONTHS) -> list[Period]:
    """The ``count`` months ending with the period's last month, oldest first (fewer at the
    start of the calendar the product knows)."""
    month = Period.from_month(period.last_month)
    out = [month]
    for _i in range(count - 1):
        try:
            out.append(out[-1].previous())
        except PeriodError:
            break
    return out[::-1]


def year_earlier(month: Period) -> Period | None:
    try:
        return month.year_earlier()
    except PeriodError:  # before the first year the product knows
        return None


def _slug(place_code: str) -> str:
    return place_code or "KH"


def _monthly(place_code: str, months: list[Period]) -> dict[Period, tuple[int, int, int]]:
    """(records reported, crimes reported, crimes solved) per month, one summary query for the
    months and the same months a year earlier."""
    crime_ids = set(Category.objects.filter(is_crime=True).values_list("id", flat=True))
    wanted = months + [e for m in months if (e := year_earlier(m)) is not None]
    by_month = case_counts(place_code, wanted, Basis.OCCURRED)
    out = {}
    for month, by_category in by_month.items():
        crimes = [counts for category, counts in by_category.items() if category in crime_ids]
        out[month] = (
            sum(c.reported for c in by_category.values()),
            sum(c.reported for c in crimes),
            sum(c.solved for c in crimes),
        )
    return out


def trend_chart(place_code: str, period: Period, monthly: dict[Period, tuple[int, int, int]] | None = None) -> Chart:
    months = months_to(period)
    monthly = monthly if monthly is not None else _monthly(place_code, months)
    base = {"place": place_code, "status": "counted"}

    def point(month: Period | None) -> Point:
        if month is None:
            return Point("", None)
        return Point(month.label, monthly[month][0], trace_url({**base, "period": month.id}), f"{month.index:02d}")

    return Chart(
        key="trend",
        title=_("Records reported, month by month"),
        kind=Kind.LINE,
        series=[
            Series(_("The last 12 months"), [point(m) for m in months]),
            Series(_("The same month a year earlier"), [point(year_earlier(m)) for m in months]),
        ],
        note=_("By month of occurrence. Each point opens the records it counts."),
    )


def solved_chart(place_code: str, period: Period, monthly: dict[Period, tuple[int, int, int]] | None = None) -> Chart:
    months = months_to(period)
    monthly = monthly if monthly is not None else _monthly(place_code, months)
    base = {"place": place_code, "crime": "true", "status": "closed", "outcome": "solved"}

    def point(month: Period | None) -> Point:
        if month is None:
            return Point("", None)
        _reported, crimes, solved = monthly[month]
        share = ratio(solved, crimes)
        return Point(
            month.label, share, trace_url({**base, "period": month.id}) if crimes else "", f"{month.index:02d}"
        )

    return Chart(
        key="solved",
        title=_("Share of crimes solved, month by month"),
        kind=Kind.LINE,
        unit=Unit.PERCENT,
        series=[
            Series(_("The last 12 months"), [point(m) for m in months]),
            Series(_("The same month a year earlier"), [point(year_earlier(m)) for m in months]),
        ],
        note=_("Crimes of each month solved by now. Each point opens the solved crimes."),
    )


def _name(row: dict[str, Any]) -> str:
    english = (get_language() or "km").startswith("en")
    return str(row.get("name_en" if english else "name_km") or row.get("name_en") or "")


def mix_chart(data: ReportData) -> Chart:
    """The categories of the report's table (each once, whatever the framework), largest first."""
    seen: dict[str, dict[str, Any]] = {}
    for row in data["rows"]:
        code = row.get("filters", {}).get("category")
        if row.get("kind") == "category" and code and code not in seen and (row["values"].get("reported") or 0) > 0:
            seen[code] = row
    rows = sorted(seen.values(), key=lambda r: -int(r["values"]["reported"]))[:MIX_CATEGORIES]

    def value(row: dict[str, Any], code: str) -> int:
        return int(row["values"].get(code) or 0)

    solved = [Point(_name(r), value(r, "solved"), r["links"].get("solved", "")) for r in rows]
    other = [
        Point(
            _name(r),
            max(value(r, "reported") - value(r, "solved") - value(r, "open"), 0),
            r["links"].get("reported", ""),
        )
        for r in rows
    ]
    still_open = [Point(_name(r), value(r, "open"), r["links"].get("open", "")) for r in rows]
    return Chart(
        key="mix",
        title=_("Records of the period by category"),
        kind=Kind.BARS,
        series=[
            Series(_("Solved"), solved),
            Series(_("Closed otherwise"), other),
            Series(_("Still open"), still_open),
        ],
        note=_(
            "The largest categories. Each part of a bar opens its records "
            "(closed otherwise: all the category's records)."
        ),
    )


def overdue_age_chart(place_code: str, now: datetime.datetime | None = None) -> Chart | None:
    """Open records past a deadline now, by how long they have been overdue; None for a
    village (the summaries stop at the commune: its overdue records are on its list)."""
    if len(place_code) == VILLAGE_CODE_LENGTH:
        return None
    now = now or timezone.now()
    edges = [datetime.timedelta(days=d) for d in (0, *OVERDUE_EDGES)]
    buckets = {}
    for i, low in enumerate(edges):
        q = Q(due_at__lt=now - low)
        if i + 1 < len(edges):
            q &= Q(due_at__gte=now - edges[i + 1])
        buckets[f"b{i}"] = Sum("n", filter=q)
    rows = OpenDeadline.objects.filter(due_at__lt=now)
    if place_code:
        rows = rows.filter(under("place_code", place_code))
    totals = rows.aggregate(**buckets)
    days = [*(str(d) for d in (0, *OVERDUE_EDGES)), ""]
    # The register's own rule for each bucket (``overdue_days``): the bar and its list agree.
    urls = [
        trace_url({"place": place_code, "overdue": "true", "overdue_days": f"{days[i]}-{days[i + 1]}"})
        for i in range(len(edges))
    ]
    labels = [
        _("Up to 7 days"),
        _("8 to 30 days"),
        _("31 to 90 days"),
        _("91 to 365 days"),
        _("More than a year"),
    ]
    shorts = ["≤7", "8–30", "31–90", "91–365", ">365"]
    points = [
        Point(label, int(totals[f"b{i}"] or 0), urls[i] if totals[f"b{i}"] else "", shorts[i])
        for i, label in enumerate(labels)
    ]
    return Chart(
        key="overdue-age",
        title=_("Records overdue now, by days past the deadline"),
        kind=Kind.COLUMNS,
        series=[Series(_("Overdue records"), points)],
        note=_("Each bar opens the records it counts."),
        empty=_("No record is overdue."),
    )


def completeness_chart(place_code: str, period: Period, level: int) -> Chart | None:
    """The share of the reports below that are in, and in by the deadline, for the last
    periods of the same kind; None for a commune (villages do not report)."""
    from safevillage.reports.approval import completeness

    if level >= 3:
        return None
    periods = [period]
    for _i in range(COMPLETENESS_PERIODS - 1):
        try:
            periods.append(periods[-1].previous())
        except PeriodError:
            break
    periods.reverse()
    done_points, on_time_points = [], []
    for p in periods:
        result = completeness(place_code, p)
        expected = len(result.children)
        done = sum(1 for c in result.children if c.completed_at is not None)
        on_time = sum(1 for c in result.children if c.on_time)
        url = reverse("reports:completeness", args=[_slug(place_code), p.id])
        short = f"{p.index:02d}" if p.kind == PeriodKind.MONTH else p.id[4:] or p.id
        done_points.append(Point(p.label, ratio(done, expected) if expected else None, url, short))
        on_time_points.append(Point(p.label, ratio(on_time, expected) if expected else None, url, short))
    return Chart(
        key="completeness",
        title=_("Reports below that are in"),
        kind=Kind.LINE,
        unit=Unit.PERCENT,
        series=[Series(_("In"), done_points), Series(_("In by the deadline"), on_time_points)],
        note=_("Each point opens the list of the reports below for that period."),
    )


def report_charts(place_code: str, period: Period, data: ReportData, level: int) -> list[str]:
    """The charts of a report page (and its PDF), in the order a reader asks: how many, which,
    how many solved, what is late, who has reported."""
    monthly = _monthly(place_code, months_to(period))
    charts: list[Chart | None] = [
        trend_chart(place_code, period, monthly),
        mix_chart(data),
        solved_chart(place_code, period, monthly),
        overdue_age_chart(place_code),
        completeness_chart(place_code, period, level),
    ]
    return [render_chart(chart) for chart in charts if chart is not None]


def home_charts(place_code: str, now: datetime.datetime | None = None) -> list[str]:
    """A supervisor's home: the trend to this month and the age of what is overdue."""
    now = now or timezone.now()
    month = Period.containing(now)
    out = []
    for chart in (trend_chart(place_code, month), overdue_age_chart(place_code, now)):
        if chart is not None:
            # A reader with several places has several queues on the page: ids stay unique.
            chart.key = f"{chart.key}-{_slug(place_code)}"
            out.append(render_chart(chart))
    return out
