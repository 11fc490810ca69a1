"""The portal's trend: a place's published figures over the periods up to the page's own.

Each point is the figure the portal publishes on that period's own page, read from the same
publication (``portal/publication.py``): a trend point is never computed apart, so it can
neither show more than a page does (a count hidden there is a gap here) nor give away a
hidden count by a difference between two periods' exact figures. A point opens the place's
page for its period, never the records behind it: the portal has no records.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable

from django.utils.translation import gettext as _

from safevillage.charts.render import Chart, Kind, Point, Series, Unit
from safevillage.core.periods import Period, PeriodError, PeriodKind
from safevillage.portal.publication import Publication, publication

# Points on each kind of period's trend: a year of months, two years of quarters, three of
# semesters, five years.
POINTS = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 8, PeriodKind.SEMESTER: 6, PeriodKind.YEAR: 5}


def trend_periods(period: Period) -> list[Period]:
    """The periods of the trend ending with ``period``, oldest first (fewer at the start of
    the calendar the product knows)."""
    out = [period]
    for _i in range(POINTS[period.kind] - 1):
        try:
            out.append(out[-1].previous())
        except PeriodError:
            break
    return out[::-1]


def periods_to_publish(today: datetime.date) -> list[Period]:
    """The periods visitors read most, each with its trend: of every kind, the one under way
    and the last one ended (the portal opens on the last ended quarter)."""
    wanted: set[Period] = set()
    for kind in POINTS:
        current = Period.containing(today, kind)
        wanted.update(trend_periods(current))
        with contextlib.suppress(PeriodError):
            wanted.update(trend_periods(current.previous()))
    return sorted(wanted, key=lambda p: (p.first_month, p.last_month))


def history(period: Period) -> list[Publication]:
    """The publications of the trend's periods, oldest first (the last one is the page's)."""
    return [publication(p) for p in trend_periods(period)]


def _short(period: Period) -> str:
    if period.kind == PeriodKind.MONTH:
        return f"{period.index:02d}"
    if period.kind == PeriodKind.YEAR:
        return str(period.year)
    return period.id[2:]  # 26Q3, 26S1


def trend_charts(code: str, publications: list[Publication], link: Callable[[Period], str]) -> list[Chart]:
    """Records reported and the share solved over the periods, as published for ``code``."""
    reported, solved = [], []
    for pub in publications:
        period = Period.parse(pub.period_id)
        figures = pub.places.get(code)
        count = figures.counts.get("reported") if figures else None
        share = figures.shares.get("solved_share") if figures else None
        reported.append(Point(period.label, count, link(period), _short(period)))
        solved.append(Point(period.label, share, link(period), _short(period)))
    note = _("As published on each period's page: a hidden figure is a gap. Each point opens that period's page.")
    return [
        Chart(
            key="portal-trend",
            title=_("Records reported, period by period"),
            kind=Kind.LINE,
            series=[Series(_("Reported"), reported)],
            note=note,
            empty=_("Nothing is published for these periods yet."),
        ),
        Chart(
            key="portal-solved",
            title=_("Share solved, period by period"),
            kind=Kind.LINE,
            unit=Unit.PERCENT,
            series=[Series(_("Share solved"), solved)],
            note=note,
            empty=_("Nothing is published for these periods yet."),
        ),
    ]
