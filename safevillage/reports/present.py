"""Report data (live or a stored snapshot) as the reader sees it: names and formulas in the
active language, figures formatted, each with the link to its records. Pages, the PDF, the
spreadsheet and the CSV all print this, so they always agree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from safevillage.core.periods import Period
from safevillage.reports import community
from safevillage.reports.indicators import BY_CODE, Indicator, Unit, display, from_json
from safevillage.reports.tables import ReportData, figure_link, figure_parts

# Columns of the channel table: the first five indicators.
CHANNEL_COLUMNS = ("reported", "reported_previous", "change_previous", "reported_year_earlier", "change_year")
# The figures a phone shows first (how much, the trend, how much is solved, what is still
# open and late); the other columns are one tap away. Pages only: exports print every column.
KEY_INDICATORS = ("reported", "change_year", "solved_share", "open", "overdue")


def _pick(item: dict[str, Any]) -> str:
    english = (get_language() or "km").startswith("en")
    return str(item.get("name_en" if english else "name_km") or item.get("name_en") or "")


@dataclass
class Cell:
    code: str
    value: Any  # int, Decimal or None: for spreadsheets
    text: str
    url: str = ""


@dataclass
class Line:
    key: str
    kind: str
    depth: int
    name: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Part:
    """One of the two counts behind a share or a change, and the link to its records."""

    label: str  # the indicator's name (a share) or the period (a change)
    figure: str
    url: str


@dataclass
class Headline:
    label: str
    figure: str
    url: str  # the records the figure counts: a share's numerator, a change's this period
    unit: str
    parts: list[Part] = field(default_factory=list)  # a share's (numerator, denominator), a change's two periods

    @property
    def is_share(self) -> bool:
        return self.unit == Unit.PERCENT.value and len(self.parts) == 2

    @property
    def is_change(self) -> bool:
        return self.unit == Unit.CHANGE.value and len(self.parts) == 2


@dataclass
class CommunityLine:
    key: str
    name: str
    kind: str
    value: Any  # int, Decimal or None (n/a, or hidden when ``suppressed``): for spreadsheets
    text: str
    url: str = ""
    suppressed: bool = False


@dataclass
class CommunityGroup:
    code: str
    name: str
    lines: list[CommunityLine] = field(default_factory=list)


@dataclass
class Presented:
    place_code: str
    place_name: str
    period: Period
    previous: Period
    year_earlier: Period
    columns: list[Indicator]
    lines: list[Line]
    channel_columns: list[Indicator]
    channels: list[Line]
    headline: list[Headline]
    population: str
    generated_at: str
    overdue_included: bool
    key_codes: tuple[str, ...] = KEY_INDICATORS
    # Empty for a report stored before the section existed.
    community: list[CommunityGroup] = field(default_factory=list)


_HEADLINE_LABELS = {
    "crime_change": lambda: _("Reported crime, change on the same period a year earlier"),
    "crime_solved": lambda: _("Reported crimes solved"),
    "traffic_change": lambda: _("Traffic accidents, change on the same period a year earlier"),
    "traffic_accidents": lambda: _("Traffic accidents"),
    "traffic_deaths": lambda: _("Deaths in traffic accidents"),
    "traffic_injuries": lambda: _("People injured in traffic accidents"),
}


def _cells(codes: list[str] | tuple[str, ...], row: dict[str, Any]) -> list[Cell]:
    cells = []
    for code in codes:
        unit = BY_CODE[code].unit
        value = from_json(row["values"].get(code), unit)
        cells.append(Cell(code, value, display(value, unit), row.get("links", {}).get(code, "")))
    return cells


def population_text(population: dict[str, Any] | None) -> str:
    if not population:
        return _("Population not known: no rate per 10,000 residents.")
    sources = {"census": _("census"), "estimate": _("estimate"), "mixed": _("several sources")}
    return _("Population %(value)s (%(source)s, %(year)s)") % {
        "value": population["value"],
        "source": sources.get(population["source"], population["source"]),
        "year": population["year"],
    }


def present(data: ReportData) -> Presented:
    from safevillage.incidents.models import Channel

    columns = [BY_CODE[code] for code in data["columns"] if code in BY_CODE]
    codes = [c.code for c in columns]
    lines = [
        Line(row["key"], row["kind"], row["depth"], _pick(row), _cells(codes, row) if "values" in row else [])
        for row in data["rows"]
    ]
    channel_labels = dict(Channel.choices)
    channels = [
        Line(
            row["channel"],
            "channel",
            0,
            str(channel_labels.get(row["channel"], row["channel"])),
            _cells(CHANNEL_COLUMNS, row),
        )
        for row in data["channels"]
    ]
    period, previous, year_earlier = (Period.parse(data[key]) for key in ("period", "previous", "year_earlier"))
    headline = [_headline(item, data["rows"], (period, previous, year_earlier)) for item in data.get("headline", [])]
    return Presented(
        place_code=data["place"]["code"],
        place_name=_pick(data["place"]),
        period=period,
        previous=previous,
        year_earlier=year_earlier,
        columns=columns,
        lines=lines,
        channel_columns=[BY_CODE[c] for c in CHANNEL_COLUMNS],
        channels=channels,
        headline=headline,
        population=population_text(data.get("population")),
        generated_at=data.get("generated_at", ""),
        overdue_included=bool(data.get("overdue_included")),
        community=_community(data.get("community", [])),
    )


def _community(groups: list[dict[str, Any]]) -> list[CommunityGroup]:
    out = []
    for group in groups:
        lines = []
        for row in group["rows"]:
            value = community.from_json(row["value"], row["kind"])
            suppressed = bool(row.get("suppressed"))
            lines.append(
                CommunityLine(
                    key=row["key"],
                    name=_pick(row),
                    kind=row["kind"],
                    value=value,
                    text=community.display(value, row["kind"], suppressed),
                    url=row.get("link", ""),
                    suppressed=suppressed,
                )
            )
        out.append(CommunityGroup(group["code"], _pick(group), lines))
    return out


def _headline(item: dict[str, Any], rows: list[dict[str, Any]], periods: tuple[Period, Period, Period]) -> Headline:
    """A headline figure with the links to the records it counts, read from its row: a
    snapshot stored before headlines carried their parts drills down the same way."""
    unit = Unit(item["unit"])
    row = next((r for r in rows if r.get("key") == item.get("row") and "values" in r), None)
    url, parts = item.get("link", ""), []
    if row is not None:
        url = figure_link(row, item["indicator"])
        period_of = {"reported": periods[0], "reported_previous": periods[1], "reported_year_earlier": periods[2]}
        for part in figure_parts(row, item["indicator"]):
            code = part["indicator"]
            label = period_of[code].label if unit == Unit.CHANGE and code in period_of else BY_CODE[code].name
            parts.append(Part(str(label), display(from_json(part["value"], Unit.COUNT), Unit.COUNT), part["link"]))
    return Headline(
        label=_HEADLINE_LABELS[item["code"]]() if item["code"] in _HEADLINE_LABELS else item["code"],
        figure=display(from_json(item["value"], unit), unit),
        url=url,
        unit=unit.value,
        parts=parts,
    )


def keep_followable_links(report: Presented, may_follow: Callable[[str], bool]) -> None:
    """Blank the community links whose page the reader may not open (``may_follow(permission)``),
    so that a figure never leads to a 404: a commune officer reads the training figures of
    the commune without the training pages."""
    for group in report.community:
        permission = community.link_permission(group.code)
        if not permission or not may_follow(permission):
            for item in group.lines:
                item.url = ""
