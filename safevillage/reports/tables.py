"""The result report's table for a place and period, built from the summaries.

The table follows the ministry's layout: a row for all records and one for crimes, then for
each framework (the 2021 points first, then the 2010 criteria) a row per criterion followed
by its categories; columns are the indicators of ``indicators.INDICATORS``, in order. A
second table counts records by channel.

The result is plain JSON-ready data (``ReportData``) — what an approval stores as its
snapshot, what the API returns and what every export and page renders — so that an approved
report reads the same forever, whatever later happens to the register or the category names.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from safevillage.core.periods import Period
from safevillage.places.models import Place
from safevillage.policy.models import Category, FrameworkVersion
from safevillage.reports.community import build_community
from safevillage.reports.figures import (
    Counts,
    case_counts,
    channel_counts,
    overdue_counts,
    population_of,
)
from safevillage.reports.indicators import BY_CODE, INDICATORS, TRAFFIC_ACCIDENT, Inputs, Unit, as_json, change
from safevillage.reports.models import Basis
from safevillage.reports.trace import trace_url

SNAPSHOT_VERSION = 1
NATIONAL = ""

ReportData = dict[str, Any]

# Names of the rows that are not criteria or categories (data, like the policy's names).
_ALL = ("All records", "កំណត់ត្រាទាំងអស់")
_CRIME = ("Crimes", "បទល្មើសព្រហ្មទណ្ឌ")
_NO_CRITERION = ("Under no criterion", "មិនស្ថិតក្រោមលក្ខខណ្ឌណាមួយ")
_COUNTRY = ("Cambodia", "ព្រះរាជាណាចក្រកម្ពុជា")


def overdue_included(place_code: str) -> bool:
    """Overdue records are counted live from the register's open records, except for the
    whole country: the national report reads summaries only (its overdue records are one
    link away, and each province's report counts them)."""
    return place_code != NATIONAL


def _sum(by_category: dict[int, Counts], ids: list[int]) -> Counts:
    total = Counts()
    for category_id in ids:
        total = total + by_category.get(category_id, Counts())
    return total


def place_header(place_code: str) -> dict[str, Any]:
    if place_code == NATIONAL:
        return {"code": NATIONAL, "name_en": _COUNTRY[0], "name_km": _COUNTRY[1], "level": 0}
    place = Place.objects.values("code", "name_km", "name_latin", "level").get(code=place_code)
    return {"code": place["code"], "name_en": place["name_latin"], "name_km": place["name_km"], "level": place["level"]}


def build_report_data(place_code: str, period: Period, *, now: datetime.datetime | None = None) -> ReportData:
    """The figures of (place, period) as they stand now."""
    now = now or timezone.now()
    previous, year_earlier = period.previous(), period.year_earlier()
    occurred = case_counts(place_code, [period, previous, year_earlier], Basis.OCCURRED)
    closures = case_counts(place_code, [period], Basis.CLOSED)[period]
    with_overdue = overdue_included(place_code)
    overdue = overdue_counts(place_code, period, now) if with_overdue else {}
    population = population_of(place_code)
    channels = channel_counts(place_code, [period, previous, year_earlier])

    categories = list(Category.objects.select_related("criterion_2010__framework", "point_2021__framework"))
    touched = {cid for counts in (*occurred.values(), closures) for cid in counts} | set(overdue)
    shown = {c.id for c in categories if c.active or c.id in touched}
    traffic_ids = {c.id for c in categories if c.code == TRAFFIC_ACCIDENT}
    base = {"place": place_code, "period": period.id}

    def row(key: str, kind: str, depth: int, names: tuple[str, str], ids: list[int], filters: dict[str, str]) -> dict:
        traffic = [i for i in ids if i in traffic_ids]
        inputs = Inputs(
            period=period,
            current=_sum(occurred[period], ids),
            previous=_sum(occurred[previous], ids),
            year_earlier=_sum(occurred[year_earlier], ids),
            closures=_sum(closures, ids),
            overdue=sum(overdue.get(i, 0) for i in ids) if with_overdue else None,
            population=population.value if population else None,
            traffic=_sum(occurred[period], traffic) if traffic else None,
        )
        values: dict[str, Any] = {}
        links: dict[str, str] = {}
        for indicator in INDICATORS:
            values[indicator.code] = as_json(indicator.compute(inputs))
            trace = indicator.trace(period)
            if trace is not None and values[indicator.code] is not None:
                links[indicator.code] = trace_url({**base, **filters, **trace})
        return {
            "key": key,
            "kind": kind,
            "depth": depth,
            "name_en": names[0],
            "name_km": names[1],
            "filters": filters,
            "values": values,
            "links": links,
        }

    all_ids = [c.id for c in categories]
    rows = [
        row("all", "total", 0, _ALL, all_ids, {}),
        row("crime", "total", 0, _CRIME, [c.id for c in categories if c.is_crime], {"crime": "true"}),
    ]
    for framework in FrameworkVersion.objects.order_by("-effective_from").prefetch_related("criteria"):
        rows.append(
            {
                "key": framework.code,
                "kind": "framework",
                "depth": 0,
                "name_en": framework.name_en,
                "name_km": framework.name_km,
            }
        )
        placed: set[int] = set()
        for criterion in framework.criteria.order_by("number"):
            members = [c for c in categories if criterion.id in (c.criterion_2010_id, c.point_2021_id)]
            placed.update(c.id for c in members)
            code = f"{framework.code}-{criterion.number}"
            names = (f"{criterion.number}. {criterion.name_en}", f"{criterion.number}. {criterion.name_km}")
            rows.append(row(code, "criterion", 0, names, [c.id for c in members], {"criterion": code}))
            rows.extend(
                row(f"{code}/{c.code}", "category", 1, (c.name_en, c.name_km), [c.id], {"category": c.code})
                for c in members
                if c.id in shown
            )
        outside = [c for c in categories if c.id not in placed]
        if outside:
            code = f"{framework.code}-none"
            rows.append(row(code, "criterion", 0, _NO_CRITERION, [c.id for c in outside], {"criterion": code}))
            rows.extend(
                row(f"{code}/{c.code}", "category", 1, (c.name_en, c.name_km), [c.id], {"category": c.code})
                for c in outside
                if c.id in shown
            )

    return {
        "version": SNAPSHOT_VERSION,
        "place": place_header(place_code),
        "period": period.id,
        "previous": previous.id,
        "year_earlier": year_earlier.id,
        "generated_at": now.astimezone(datetime.UTC).isoformat(),
        "population": (
            {"value": population.value, "year": population.year, "source": population.source} if population else None
        ),
        "overdue_included": with_overdue,
        "columns": [indicator.code for indicator in INDICATORS],
        "rows": rows,
        "channels": _channel_rows(base, period, channels),
        "headline": _headline(rows),
        # Forums, disputes, training and the post (``community.PROVIDERS``), stored with the rest.
        "community": build_community(place_code, period),
    }


def _channel_rows(base: dict[str, str], period: Period, channels: dict[Period, dict[str, int]]) -> list[dict[str, Any]]:
    from safevillage.incidents.models import Channel

    previous, year_earlier = period.previous(), period.year_earlier()
    out = []
    for channel in Channel.values:
        current = channels[period].get(channel, 0)
        before = channels[previous].get(channel, 0)
        earlier = channels[year_earlier].get(channel, 0)
        values = {
            "reported": current,
            "reported_previous": before,
            "change_previous": as_json(change(current, before)),
            "reported_year_earlier": earlier,
            "change_year": as_json(change(current, earlier)),
        }
        links = {
            "reported": trace_url({**base, "channel": channel, "status": "counted"}),
            "reported_previous": trace_url({**base, "period": previous.id, "channel": channel, "status": "counted"}),
            "reported_year_earlier": trace_url(
                {**base, "period": year_earlier.id, "channel": channel, "status": "counted"}
            ),
        }
        out.append({"channel": channel, "values": values, "links": links})
    return out


# The figures of a provincial yearly press release (Kandal 2022): reported crime on a year
# earlier, share of reported crimes solved, traffic accidents on a year earlier; then the
# traffic accidents of the period with their dead and injured. A row is found by its register
# filters, whatever the framework codes.
_TRAFFIC_ROW = {"category": TRAFFIC_ACCIDENT}
HEADLINE = (
    ("crime_change", {"crime": "true"}, "change_year", Unit.CHANGE),
    ("crime_solved", {"crime": "true"}, "solved_share", Unit.PERCENT),
    ("traffic_change", _TRAFFIC_ROW, "change_year", Unit.CHANGE),
    ("traffic_accidents", _TRAFFIC_ROW, "reported", Unit.COUNT),
    ("traffic_deaths", _TRAFFIC_ROW, "traffic_deaths", Unit.COUNT),
    ("traffic_injuries", _TRAFFIC_ROW, "traffic_injuries", Unit.COUNT),
)


def figure_parts(row: dict[str, Any], indicator: str) -> list[dict[str, Any]]:
    """The counts a share or a change of ``row`` is computed from, each with the link to its
    records: [numerator, denominator] of a share, [this period, period compared with] of a
    change; empty for a figure that is a count itself."""
    parts = BY_CODE[indicator].parts if indicator in BY_CODE else None
    if not parts:
        return []
    return [
        {"indicator": code, "value": row["values"].get(code), "link": row.get("links", {}).get(code, "")}
        for code in parts
    ]


def figure_link(row: dict[str, Any], indicator: str) -> str:
    """The records behind one figure: a count's own records, a share's numerator (the 53
    solved of "96 % solved", not the 55 reported), a change's records of this period (its
    ``figure_parts`` give both periods)."""
    link: str = row.get("links", {}).get(indicator, "")
    if not link and (parts := figure_parts(row, indicator)):
        link = parts[0]["link"]
    return link


def _headline(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for code, filters, indicator, unit in HEADLINE:
        found = next((r for r in rows if r.get("filters") == filters), None)
        if found is not None:
            out.append(
                {
                    "code": code,
                    "row": found["key"],
                    "indicator": indicator,
                    "unit": unit.value,
                    "value": found["values"][indicator],
                    "link": figure_link(found, indicator),
                    "parts": figure_parts(found, indicator),
                }
            )
    return out
