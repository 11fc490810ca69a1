"""The chart renderer: round scales, shapes where the figures say, a link on every figure
that has records behind it, the same figures as a table, words in HTML (never SVG text)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from safevillage.charts.render import (
    HEIGHT,
    Chart,
    Kind,
    Point,
    Series,
    Unit,
    figure_text,
    layout,
    nice_top,
    render_chart,
)


@pytest.mark.parametrize(
    ("largest", "top"),
    [
        (0, 4),
        (1, 4),
        (3, 4),
        (4, 4),
        (5, 8),
        (9, 20),
        (17, 20),
        (24, 40),
        (38, 40),
        (41, 80),
        (99, 100),
        (101, 200),
        (1234, 2000),
    ],
)
def test_the_value_axis_ends_on_a_round_number_divisible_into_four(largest, top):
    assert nice_top(largest) == top
    assert top % 4 == 0


def test_a_share_is_read_against_the_whole():
    assert nice_top(Decimal("37.5"), Unit.PERCENT) == 100


def test_figures_are_written_with_grouped_thousands(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    assert figure_text(1234567) == "1,234,567"
    assert figure_text(Decimal("96.36"), Unit.PERCENT) == "96%"
    assert figure_text(None) in ("n/a", "គ្មាន")


def _trend() -> Chart:
    return Chart(
        key="t",
        title="Records",
        kind=Kind.LINE,
        series=[
            Series(
                "This year",
                [
                    Point("January 2026", 10, "/incidents/?period=202601"),
                    Point("February 2026", 40, "/incidents/?period=202602"),
                ],
            ),
            Series(
                "A year earlier", [Point("January 2025", 20, "/incidents/?period=202501"), Point("February 2025", None)]
            ),
        ],
    )


def test_points_sit_at_their_value_on_the_scale():
    plot = layout(_trend())
    assert plot.top == 40
    heights = [shape.y for shape in plot.shapes]
    # 10 of 40 is a quarter up, 40 the top, 20 half-way; the missing figure draws nothing.
    assert heights == [HEIGHT * 3 / 4, 0, HEIGHT / 2]
    assert plot.ticks == ["40", "30", "20", "10", "0"]


def test_every_figure_with_records_is_a_link_on_the_chart_and_in_its_table():
    html = render_chart(_trend())
    for url in ("/incidents/?period=202601", "/incidents/?period=202602", "/incidents/?period=202501"):
        assert html.count(f'href="{url}"') == 2  # the point, and the cell of the table
    table = html[html.index("<table") :]
    assert "January 2026" in table and "A year earlier" in table
    assert re.search(r"<td>n/a</td>|<td>គ្មាន</td>", table)  # the missing figure is written, not drawn


def test_no_word_is_drawn_inside_the_svg():
    html = render_chart(_trend())
    assert "<text" not in html
    assert "<svg" in html and "<title>" in html


def test_horizontal_bars_stack_their_series_and_link_each_part():
    chart = Chart(
        key="mix",
        title="Mix",
        kind=Kind.BARS,
        series=[
            Series("Solved", [Point("Theft", 3, "/s/theft"), Point("Robbery", 1, "/s/robbery")]),
            Series("Open", [Point("Theft", 1, "/o/theft"), Point("Robbery", 0, "")]),
        ],
    )
    plot = layout(chart)
    theft, robbery = plot.rows
    assert [(s.x, s.width) for s in theft["segments"]] == [(0, 75.0), (75.0, 25.0)]
    assert [(s.x, s.width) for s in robbery["segments"]] == [(0, 25.0)]
    html = render_chart(chart)
    assert 'href="/s/theft"' in html and 'href="/o/theft"' in html


def test_a_chart_without_figures_says_so():
    chart = Chart("e", "Nothing", Kind.COLUMNS, [Series("n", [Point("a", None)])], empty="No record is overdue.")
    html = render_chart(chart)
    assert "No record is overdue." in html and "<svg" not in html
