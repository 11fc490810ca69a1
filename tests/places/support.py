"""Helpers for the gazetteer tests: run a command, write a CSV, read a defect report."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

from django.core.management import call_command

REPO_ROOT = Path(__file__).resolve().parents[2]
# The reference data lives next to the repository, in ../shared/data (see its README.md).
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

NCDD_HEADER = [
    "level",
    "code",
    "parent_code",
    "name_latin",
    "name_km",
    "name_ungegn",
    "unit_type_en",
    "unit_type_latin",
    "unit_type_km",
    "lat",
    "lon",
]


def run(*args: str) -> str:
    """Run a management command; its standard output."""
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, bom: bool = False) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def ncdd_row(code: str, latin: str, km: str, unit_type: str, *, parent: str | None = None) -> list[str]:
    level = {2: "province", 4: "district", 6: "commune", 8: "village"}.get(len(code), "district")
    return [level, code, code[:-2] if parent is None else parent, latin, km, "", "", unit_type, "", "", ""]


def read_report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as report:
        return list(csv.DictReader(report))


def problems_by_line(path: Path) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for row in read_report(path):
        if row["line"]:
            found.setdefault(int(row["line"]), []).append(row["problem"])
    return found
