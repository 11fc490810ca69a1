"""A stored ranking as the pages show it: names of the indicators in the reader's language,
figures with the register links behind them, and the funnel plot's geometry (the page draws
it as inline SVG with no text in it: Khmer inside SVG text is not shaped everywhere, so every
label is HTML beside the drawing, and a table says the same for screen readers)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safevillage.core.periods import Period
from safevillage.ranking.models import (
    COMMUNE_INDICATORS,
    LOWER_IS_BETTER,
    OFFICER_INDICATORS,
    RankingLevel,
    RankingResult,
)
from safevillage.reports.trace import trace_url

NAMES: dict[str, Promise] = {
    "offence_rate": _("Offences per 1,000 residents a year"),
    "solved": _("Offences solved"),
    "overdue": _("Records overdue"),
    "forums": _("Forums held (villages and commune, each quarter)"),
    "confirmed": _("Complaints the citizen confirmed resolved"),
    "completeness": _("Months with a submitted report"),
    "timeliness": _("Months reported by the deadline"),
    "officer_solved": _("Offences solved"),
    "officer_overdue": _("Records overdue"),
}

FLAGS: dict[str, Promise] = {
    "above_998": _("Above the 99.8 per cent limit: a real difference, not chance"),
    "above_95": _("Above the 95 per cent limit"),
    "below_95": _("Below the 95 per cent limit"),
    "below_998": _("Below the 99.8 per cent limit: a real difference, not chance — check for under-recording"),
    "": _("Within the limits: no different from the rest"),
}


def weights(data: dict[str, Any], level: str) -> list[dict[str, Any]]:
    names = COMMUNE_INDICATORS if level == RankingLevel.COMMUNE else OFFICER_INDICATORS
    return [
        {"name": NAMES[n], "weight": data[n], "lower_is_better": n in LOWER_IS_BETTER}
        for n in names
        if float(data[n]) > 0
    ]


def links_for(code: str, period: Period) -> dict[str, str]:
    base = {"place": code, "period": period.id}
    return {
        "offence_rate": trace_url({**base, "crime": "true", "status": "counted"}),
        "solved": trace_url({**base, "crime": "true", "status": "closed", "outcome": "solved"}),
        "overdue": trace_url({**base, "overdue": "true"}),
        "completeness": reverse("reports:detail", args=[code, period.id]),
        "timeliness": reverse("reports:detail", args=[code, period.id]),
        "forums": reverse("forums:place", args=[code]),
    }


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f} %"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def commune_rows(result: RankingResult, period: Period) -> list[dict[str, Any]]:
    out = []
    for row in result.rows:
        links = links_for(row["code"], period)
        cells = []
        for name in COMMUNE_INDICATORS:
            data = row["indicators"].get(name)
            if data is None:
                cells.append({"name": NAMES[name], "empty": True})
                continue
            fmt = _rate if name == "offence_rate" else _percent
            cells.append(
                {
                    "name": NAMES[name],
                    "raw": fmt(data["raw"]),
                    "estimate": fmt(data["estimate"]),
                    "numerator": data["numerator"],
                    "denominator": data["denominator"],
                    "link": links.get(name, ""),
                    "known": name in ("completeness", "timeliness"),
                }
            )
        out.append({**row, "cells": cells, "flag_label": FLAGS[row["funnel"]]})
    return out


def officer_rows(result: RankingResult) -> list[dict[str, Any]]:
    return [
        {
            **row,
            "cells": [
                {
                    "name": NAMES[name],
                    "raw": _percent(row["indicators"][name]["raw"]),
                    "estimate": _percent(row["indicators"][name]["estimate"]),
                    "numerator": row["indicators"][name]["numerator"],
                    "denominator": row["indicators"][name]["denominator"],
                }
                for name in OFFICER_INDICATORS
            ],
        }
        for row in result.rows
    ]


# The drawing's own units (the SVG scales to the page width).
WIDTH, HEIGHT, PAD = 600, 360, 8
TICKS = 5


def _polyline(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def funnel_chart(result: RankingResult) -> dict[str, Any]:
    """Circles and limit lines in drawing units, and the tick values the page prints around
    it. The vertical axis stops a little above the highest commune so that the limits of the
    smallest populations, which shoot up, do not flatten everyone else."""
    fun = result.inputs["funnel"]
    points = [p for p in fun["points"] if p["population"]]
    if not points:
        return {}
    x_max = max(p["population"] for p in points) * 1.05
    # High enough for every commune and for the funnel's neck (its limits at the largest population).
    neck = fun["curve"][-1]["high_998"] if fun["curve"] else 0
    y_max = max(max(p["rate"] for p in points), neck, fun["centre"] * 2, 1e-9) * 1.1

    def x(population: float) -> float:
        return PAD + (WIDTH - 2 * PAD) * population / x_max

    def y(rate: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * min(max(rate, 0.0), y_max) / y_max

    names = {row["code"]: row for row in result.rows}
    lines = {
        key: _polyline([(x(c["population"]), y(c[key])) for c in fun["curve"]])
        for key in ("low_998", "low_95", "high_95", "high_998")
    }
    circles = [
        {
            "x": f"{x(p['population']):.1f}",
            "y": f"{y(p['rate']):.1f}",
            "code": p["code"],
            "name_latin": names.get(p["code"], {}).get("name_latin", ""),
            "flag": p["flag"],
            "href": "#c-" + p["code"],
        }
        for p in points
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "centre_y": f"{y(fun['centre']):.1f}",
        "left": PAD,
        "right": WIDTH - PAD,
        "lines": lines,
        "circles": circles,
        "x_ticks": [f"{x_max * i / (TICKS - 1):,.0f}" for i in range(TICKS)],
        "y_ticks": [f"{y_max * i / (TICKS - 1):.1f}" for i in reversed(range(TICKS))],
        "centre": fun["centre"],
        "outside": [p for p in points if p["flag"]],
        "table": [
            {
                **p,
                "name_km": names.get(p["code"], {}).get("name_km", ""),
                "name_latin": names.get(p["code"], {}).get("name_latin", ""),
                "flag_label": FLAGS[p["flag"]],
            }
            for p in points
        ],
    }
