"""Referral counts for publication: only ever through ``core.disclosure.suppress``.

A count of people referred to an HIV service in a commune is a count of people someone can
go and find, so every table that leaves this module has its cells from 1 to 10 hidden, with
the secondary suppression that keeps its totals from revealing them. Nothing else in the
product counts referrals: the periodic reports take their rows from ``referral_table``.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from safevillage.core.disclosure import Published, suppress
from safevillage.core.periods import Period, PeriodKind, local_day_start
from safevillage.places.codes import under
from safevillage.places.models import Place
from safevillage.referrals.models import KeyPopulation, Referral, Service

DIMENSIONS = ("service", "key_population", "place")


@dataclass(frozen=True)
class ReferralTable:
    """A suppressed table: ``rows``/``columns`` are (key, label) pairs, ``published`` the
    figures as they may be shown (None where hidden)."""

    rows: list[tuple[str, str]]
    columns: list[tuple[str, str]]
    published: Published


def _keys(dimension: str, place_code: str) -> list[tuple[str, str]]:
    if dimension == "service":
        return [(str(value), str(label)) for value, label in Service.choices]
    if dimension == "key_population":
        return [(str(value), str(label)) for value, label in KeyPopulation.choices]
    if dimension == "place":
        children = Place.objects.filter(under("code", place_code), level=len(place_code) // 2 + 1).order_by("code")
        return [(place.code, f"{place.code} {place.name_km} · {place.name_latin}") for place in children]
    raise ValueError(f"a referral table is counted by {', '.join(DIMENSIONS)}, not {dimension!r}")


def referral_table(
    place_code: str, period: Period, rows: str = "service", columns: str = "key_population"
) -> ReferralTable:
    """Referrals sent by teams in ``place_code`` (an NCDD code, "" for the country) during
    ``period``, counted by ``rows`` by ``columns`` (``DIMENSIONS``), suppressed. A place
    dimension counts by the places one level below ``place_code``."""
    if rows == columns:
        raise ValueError("rows and columns must count different things")
    row_keys, column_keys = _keys(rows, place_code), _keys(columns, place_code)
    start = local_day_start(period.start)
    end = local_day_start(period.end + datetime.timedelta(days=1))
    referrals = Referral.objects.filter(under("place_code", place_code), created_at__gte=start, created_at__lt=end)
    width = len(place_code) + 2

    def key(dimension: str) -> str:
        return "place_code" if dimension == "place" else dimension

    counts: Counter[tuple[str, str]] = Counter()
    for row in referrals.values(key(rows), key(columns)).annotate(n=Count("id")):
        r, c = row[key(rows)], row[key(columns)]
        counts[(r[:width] if rows == "place" else r, c[:width] if columns == "place" else c)] += row["n"]
    cells = [[counts[(r, c)] for c, _label in column_keys] for r, _label in row_keys]
    return ReferralTable(rows=row_keys, columns=column_keys, published=suppress(cells))


def report_figures(place_code: str, period: Period) -> tuple[list[tuple[str, str]], Published] | None:
    """The referral figures a periodic report of ``place_code`` publishes, by service: None
    where a report publishes none.

    Every report's figures are cells of one suppressed table, the provinces by the services
    of a quarter: a province shows its row, the country the table's totals. Suppressed one
    report at a time, a district's total minus its published communes would give away the
    commune left hidden, and a quarter minus its published months the month; with one table
    and one kind of period there is no such difference to take. Districts, communes and
    villages, and months, semesters and years, therefore publish no referral figure."""
    if period.kind != PeriodKind.QUARTER or len(place_code) not in (0, 2):
        return None
    table = referral_table("", period, rows="place", columns="service")
    published = table.published
    if place_code:
        index = next((i for i, (code, _label) in enumerate(table.rows) if code == place_code), None)
        if index is None:
            return None
        cells, total = published.cells[index], published.row_totals[index]
    else:
        cells, total = published.column_totals, published.total
    column = Published(cells=[[value] for value in cells], row_totals=list(cells), column_totals=[total], total=total)
    return table.columns, column
