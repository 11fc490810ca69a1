"""Charts drawn on the server as inline SVG, with every word in HTML.

A chart is data (``Chart``: series of points, each with its value and the link to the records
behind it) rendered by one function, ``render_chart``, into a ``<figure>``: the shapes are SVG
(no script, no library, a few hundred bytes per chart), the title, axis labels, legend and
values are HTML around the SVG, because WeasyPrint draws Khmer inside SVG ``<text>`` broken and
the same markup prints in the report's PDF. Nothing is positioned with a ``style`` attribute
(the Content-Security-Policy forbids inline styles): the geometry is SVG attributes, the
labels are equal flex cells under the plot, one per point, aligned with the SVG's equal slots.

Every chart carries its table (``<details>``): the same figures, each with the same link, for
screen readers, for a reader who wants the numbers, and for the PDF.

The portal renders its charts with the same function; it passes points without links.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# The plot's own coordinates: the SVG scales to the width of its box, keeping this ratio.
WIDTH = 300
HEIGHT = 120
TICKS = 4  # intervals on the value axis: 0, ¼, ½, ¾ and the top
# Series colours, also written as SVG attributes: the PDF printer does not style SVG from the
# page's style sheets. Each keeps 3:1 against white; the legend names every series in words.
COLOURS = ("#1d4f91", "#6b7280", "#b45309")


class Kind(StrEnum):
    LINE = "line"  # a trend: one polyline per series, a point per period
    COLUMNS = "columns"  # counts per slot (ages, buckets), one bar per series side by side
    BARS = "bars"  # horizontal bars, one row per item, stacked when there are several series


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"


@dataclass
class Point:
    label: str  # the full name of the slot (a month, a category, an age)
    value: int | Decimal | None  # None: no figure (nothing to divide by), drawn as a gap
    url: str = ""  # the records behind the figure; empty: no drill-down
    short: str = ""  # the axis label when the full one is too long for a phone


@dataclass
class Series:
    name: str
    points: list[Point]


@dataclass
class Chart:
    key: str  # unique on the page: ids of the figure and its table
    title: str
    kind: Kind
    series: list[Series]
    unit: Unit = Unit.COUNT
    note: str = ""  # a sentence under the title: what is counted, what a click opens
    empty: str = ""  # shown instead of the plot when there is no figure at all

    @property
    def labels(self) -> list[Point]:
        return self.series[0].points if self.series else []


@dataclass
class _Shape:
    series: int
    x: float
    y: float
    width: float = 0
    height: float = 0
    url: str = ""
    title: str = ""

    @property
    def colour(self) -> str:
        return COLOURS[self.series % len(COLOURS)]


@dataclass
class _Layout:
    chart: Chart
    top: Decimal | int
    ticks: list[str]
    gridlines: list[float]
    shapes: list[_Shape] = field(default_factory=list)
    lines: list[tuple[int, str, str]] = field(default_factory=list)  # (series, colour, SVG points)
    rows: list[dict[str, object]] = field(default_factory=list)  # horizontal bars
    width: int = WIDTH
    height: int = HEIGHT


def figure_text(value: int | Decimal | None, unit: Unit | str = Unit.COUNT) -> str:
    """A figure as Cambodian officials write it: grouped thousands (1,234,567), percentages
    whole; the separators are the active language's (``safevillage/formats``)."""
    if value is None:
        return _("n/a")
    if unit == Unit.PERCENT:
        whole = Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return f"{number_format(whole, decimal_pos=0, force_grouping=True)}%"
    return str(number_format(value, decimal_pos=0, force_grouping=True))


def nice_top(largest: int | Decimal | None, unit: Unit | str = Unit.COUNT) -> int:
    """The top of the value axis: the smallest of 4 x (1, 2, 2.5 or 5 x 10ⁿ) at or above the
    largest value, so that the four ticks are round numbers; at least 4 (whole counts);
    100 for a percentage (a share is read against the whole)."""
    if unit == Unit.PERCENT:
        return 100
    largest = max(math.ceil(largest or 0), 1)
    step = largest / TICKS
    magnitude = 10 ** max(math.floor(math.log10(step)), 0)
    for factor in (1, 2, 2.5, 5, 10):
        candidate = factor * magnitude
        if candidate >= step and float(candidate).is_integer():
            return int(candidate * TICKS)
    return int(10 * magnitude * TICKS)  # pragma: no cover - the loop always ends at 10


def _values(chart: Chart) -> list[int | Decimal]:
    return [p.value for s in chart.series for p in s.points if p.value is not None]


def _title(series: Series, point: Point, unit: Unit) -> str:
    return f"{point.label} · {series.name}: {figure_text(point.value, unit)}"


def layout(chart: Chart) -> _Layout:
    """Where each shape goes, in the plot's coordinates (0,0 top left; ``HEIGHT`` is zero)."""
    values = _values(chart)
    if chart.kind == Kind.BARS:
        return _bars(chart, values)
    top = nice_top(max(values, default=0), chart.unit)
    ticks = [figure_text(Decimal(top) * (TICKS - i) / TICKS, chart.unit) for i in range(TICKS + 1)]
    gridlines = [HEIGHT * i / TICKS for i in range(TICKS + 1)]
    out = _Layout(chart, top, ticks, gridlines)
    slots = max(len(chart.labels), 1)
    slot = WIDTH / slots

    def y(value: int | Decimal) -> float:
        return round(HEIGHT - float(value) * HEIGHT / top, 2)

    if chart.kind == Kind.LINE:
        for s, series in enumerate(chart.series):
            run: list[str] = []
            for i, point in enumerate(series.points):
                if point.value is None:  # a gap: the line breaks, it is never drawn to zero
                    if len(run) > 1:
                        out.lines.append((s, COLOURS[s % len(COLOURS)], " ".join(run)))
                    run = []
                    continue
                x = round(slot * (i + 0.5), 2)
                run.append(f"{x},{y(point.value)}")
                out.shapes.append(_Shape(s, x, y(point.value), url=point.url, title=_title(series, point, chart.unit)))
            if len(run) > 1:
                out.lines.append((s, COLOURS[s % len(COLOURS)], " ".join(run)))
    else:
        count = max(len(chart.series), 1)
        bar = slot * 0.7 / count
        for s, series in enumerate(chart.series):
            for i, point in enumerate(series.points):
                if point.value is None:
                    continue
                top_y = y(point.value)
                out.shapes.append(
                    _Shape(
                        s,
                        round(slot * i + slot * 0.15 + bar * s, 2),
                        top_y,
                        round(bar, 2),
                        round(HEIGHT - top_y, 2),
                        point.url,
                        _title(series, point, chart.unit),
                    )
                )
    return out


def _bars(chart: Chart, values: list[int | Decimal]) -> _Layout:
    """Horizontal bars, one row per item; several series stack along the row (their sum is
    the bar's length), the longest row filling the width."""
    items = chart.labels
    totals = [sum((s.points[i].value or 0) for s in chart.series) for i in range(len(items))]
    longest = max(totals, default=0) or 1
    if chart.unit == Unit.PERCENT:
        longest = 100
    out = _Layout(chart, longest, [], [])
    for i, item in enumerate(items):
        x = 0.0
        segments = []
        for s, series in enumerate(chart.series):
            point = series.points[i]
            if not point.value:
                continue
            width = round(float(point.value) * 100 / float(longest), 2)
            segments.append(_Shape(s, round(x, 2), 0, width, 10, point.url, _title(series, point, chart.unit)))
            x += width
        out.rows.append(
            {
                "label": item.label,
                "url": item.url if len(chart.series) == 1 else "",
                "total": figure_text(totals[i], chart.unit),
                "segments": segments,
            }
        )
    return out


def render_chart(chart: Chart) -> str:
    """The chart as HTML: a ``<figure>`` holding the plot (SVG shapes, HTML words), its legend
    and its table. Reusable anywhere a template can print a string: the template escapes every
    label and link, and what Django's template engine returns is already marked safe."""
    if not _values(chart):
        return render_to_string("charts/chart.html", {"chart": chart, "empty": True})
    table = [
        {
            "label": point.label,
            "cells": [
                {
                    "text": figure_text(series.points[i].value, chart.unit),
                    "url": series.points[i].url if series.points[i].value is not None else "",
                }
                for series in chart.series
            ],
        }
        for i, point in enumerate(chart.labels)
    ]
    return render_to_string("charts/chart.html", {"chart": chart, "plot": layout(chart), "table": table})
