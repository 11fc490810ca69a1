"""The benchmark document's formatting: numbers, times with their range, ratios, verdicts and
Markdown tables, shared by bench/report.py and bench/report_web.py."""

from __future__ import annotations

from typing import Any

NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# The register size at which the targets are stated.
TARGET_SIZE = 10_000_000


def n(value: float | int | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def ms(timing: dict[str, Any] | None) -> str:
    """A median with its range, in milliseconds."""
    if not timing:
        return "–"
    return f"{timing['median'] * 1000:,.0f} ({timing['min'] * 1000:,.0f}–{timing['max'] * 1000:,.0f})"


def ratio(ours: dict[str, Any] | None, reference: dict[str, Any] | None) -> float | None:
    if not ours or not reference or not reference["median"]:
        return None
    return ours["median"] / reference["median"]


def r(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def verdict(met: bool | None) -> str:
    return "–" if met is None else ("met" if met else "**not met**")


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]
