"""Population figures: a CSV of ``code,population,year,source``, source being ``census``
(a count) or ``estimate`` (derived, and labelled so wherever it is shown).

A figure is refused when its place is unknown, its population is not a whole number of
people or not plausible, its year is outside the range of Cambodian censuses and estimates,
or its source is neither census nor estimate; a code given twice keeps its first line.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.audit.log import record_event
from safevillage.places.importers import progress
from safevillage.places.importers.csvfile import ImportFileError, records
from safevillage.places.importers.report import ImportReport
from safevillage.places.importers.store import (
    Existing,
    Options,
    analyze_places,
    batches,
    read_existing,
    update_rows,
)
from safevillage.places.importers.validation import clean_code
from safevillage.places.models import LEVEL_BY_LENGTH, Place, PopulationSource

REQUIRED = ["code", "population", "year", "source"]
# Cambodia's first census was in 1962; nothing older is worth loading.
MIN_YEAR = 1950
# More than the whole country (15.6 million in 2019) twice over is a typing error.
MAX_POPULATION = 30_000_000
FIELDS = ["population", "population_year", "population_source"]


@dataclass
class PopulationRow:
    file: str
    line: int
    code: str
    population_raw: str
    year_raw: str
    source_raw: str
    population: int = 0
    year: int = 0
    source: str = ""


def read_rows(path: Path, report: ImportReport, *, show_progress: bool) -> Iterator[PopulationRow]:
    try:
        stream = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise ImportFileError(_("%(file)s cannot be opened: %(error)s") % {"file": path, "error": error}) from None
    with stream:
        lines = records(stream, name=path.name, required=REQUIRED, report=report)
        report.files.append(path.name)
        for line, row in progress.bar(lines, enabled=show_progress, desc=path.name):
            yield PopulationRow(path.name, line, row["code"], row["population"], row["year"], row["source"])


def check_rows(rows: list[PopulationRow], existing: dict[str, Existing], report: ImportReport) -> list[PopulationRow]:
    """The rows to load; every other one is reported with its line."""
    first_line: dict[str, PopulationRow] = {}
    lines_of: dict[str, list[int]] = {}
    good: list[PopulationRow] = []
    refused: set[int] = set()
    latest_year = timezone.localdate().year

    for row in rows:
        problems = []
        raw_code = row.code.strip()
        row.code = clean_code(raw_code)
        code_ok = row.code.isascii() and row.code.isdigit()
        if not row.code:
            problems.append(_("no code"))
        elif not code_ok:
            problems.append(_("code %(code)r is not numeric") % {"code": raw_code})
        elif len(row.code) not in LEVEL_BY_LENGTH:
            problems.append(
                _("code %(code)s has %(digits)d digits, not 2, 4, 6 or 8") % {"code": row.code, "digits": len(row.code)}
            )
        elif row.code not in existing:
            problems.append(_("no place has the code %(code)s") % {"code": row.code})

        population = _whole_number(row.population_raw)
        if population is None:
            problems.append(_("population %(value)r is not a whole number") % {"value": row.population_raw.strip()})
        elif population < 0:
            problems.append(_("population %(value)d is negative") % {"value": population})
        elif population > MAX_POPULATION:
            problems.append(_("population %(value)d is more than twice Cambodia's") % {"value": population})
        else:
            row.population = population

        year = _whole_number(row.year_raw)
        if year is None:
            problems.append(_("year %(value)r is not a year") % {"value": row.year_raw.strip()})
        elif not MIN_YEAR <= year <= latest_year:
            problems.append(
                _("year %(value)d is out of range (%(min)d–%(max)d)")
                % {"value": year, "min": MIN_YEAR, "max": latest_year}
            )
        else:
            row.year = year

        source = row.source_raw.strip().casefold()
        if source not in PopulationSource.values:
            problems.append(_("source %(value)r is neither census nor estimate") % {"value": row.source_raw.strip()})
        else:
            row.source = source

        for problem in problems:
            report.refuse(row.file, row.line, row.code, problem)
        if problems:
            refused.add(row.line)
        if code_ok:
            lines_of.setdefault(row.code, []).append(row.line)
            first_line.setdefault(row.code, row)
            if first_line[row.code] is not row:
                continue  # a duplicate: reported below
        if not problems:
            good.append(row)

    for code, lines in lines_of.items():
        if len(lines) < 2:
            continue
        kept = first_line[code].line
        values = {"code": code, "lines": ", ".join(map(str, lines)), "kept": kept}
        if kept in refused:
            problem = _("duplicate code %(code)s at lines %(lines)s: line %(kept)d was refused, so none is loaded")
        else:
            problem = _("duplicate code %(code)s at lines %(lines)s: kept line %(kept)d")
        for line in lines[1:]:
            report.refuse(first_line[code].file, line, code, problem % values)
    return good


def _whole_number(text: str) -> int | None:
    text = clean_code(text)
    body = text[1:] if text.startswith("-") else text
    return int(text) if body.isascii() and body.isdigit() else None


def import_population(path: Path, *, options: Options) -> ImportReport:
    """Set the population, year and source of each listed place."""
    started = time.monotonic()
    report = ImportReport(source=_("population figures (%(file)s)") % {"file": path.name})
    rows = list(read_rows(path, report, show_progress=options.show_progress))
    with transaction.atomic():
        existing = read_existing()
        good = check_rows(rows, existing, report)
        changes: list[tuple[Existing, dict[str, Any], dict[str, Any]]] = []
        for row in good:
            before = existing[row.code]
            old = {name: getattr(before, name) for name in FIELDS}
            new = {"population": row.population, "population_year": row.year, "population_source": row.source}
            if old != new:
                changes.append((before, old, new))
        report.updated = len(changes)
        report.unchanged = len(good) - len(changes)
        if options.may_write(report):
            _apply(changes, options)
            analyze_places()
            report.written = True
    report.seconds = time.monotonic() - started
    return report


def _apply(changes: list[tuple[Existing, dict[str, Any], dict[str, Any]]], options: Options) -> None:
    now = timezone.now()
    places = []
    for before, old, new in changes:
        place = Place(id=before.id, code=before.code, name_latin=before.name_latin, updated_at=now)
        for name, value in new.items():
            setattr(place, name, value)
        places.append(place)
        record_event(
            "place.population",
            actor=None,
            target=place,
            old=old,
            new=new,
            reason=options.reason,
            place_code=place.code,
        )
    with progress.counter(enabled=options.show_progress, desc=_("Writing populations"), total=len(places)) as bar:
        for batch in batches(places):
            update_rows(batch, [*FIELDS, "updated_at"])
            bar.update(len(batch))
