"""Writing checked rows to the gazetteer: one query to read what exists, bulk statements
to write, one audit row per changed place, all in the caller's transaction.

Creation is recorded as one audit row for the whole import (naming the list and the
counts): the first load of 16,000 places is one act. Every change to an existing place — a
new name, unit type, population, an archive or a return — gets its own audit row with the
old and new values, because someone will later ask when and why that place changed.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.audit.log import record_event
from safevillage.core import planner_stats
from safevillage.places.importers import progress
from safevillage.places.importers.report import ImportReport
from safevillage.places.importers.validation import PlaceRow, check_places
from safevillage.places.models import Level, Place, search_keys

# SQLite allows 999 variables per statement in old builds (32,766 in ours); a few hundred
# rows a statement is as fast as larger batches on both databases.
BATCH_SIZE = 500

T = TypeVar("T")


@dataclass(frozen=True)
class Options:
    """How an import behaves (the command-line flags)."""

    strict: bool = False  # anything refused: write nothing
    dry_run: bool = False  # check and report, write nothing
    archive_missing: bool = False  # archive current places absent from a full list
    partial: bool = False  # the list holds only some places: look for no missing ones
    show_progress: bool = False
    reason: str = ""  # recorded in the audit rows: what ran, on which file

    def may_write(self, report: ImportReport) -> bool:
        return not self.dry_run and not (self.strict and report.refused_lines)


def store_places(
    rows: list[PlaceRow], *, source: str, report: ImportReport, options: Options, infer: Inference | None = None
) -> None:
    """Check ``rows`` against each other and the database, and write what is valid."""
    started = time.monotonic()
    with transaction.atomic():
        existing = read_existing()
        accepted = check_places(rows, known_codes=set(existing), report=report)
        if infer is not None:
            report.inferred = infer(accepted, existing)
        seen = {row.code for row in rows if row.code.isascii() and row.code.isdigit()}
        plan = plan_places(accepted, existing, seen=seen, full=not options.partial)
        report.created, report.updated = len(plan.create), len(plan.change)
        report.unchanged = len(accepted) - report.created - report.updated
        write = options.may_write(report)
        archive = write and options.archive_missing
        today = timezone.localdate()
        for place in plan.missing:
            if not archive:
                problem = _("in the database but not in this list: kept (--archive-missing archives it)")
            elif place.valid_from is not None and place.valid_from >= today:
                problem = _("in the database but not in this list: kept, as it is valid only from %(date)s") % {
                    "date": place.valid_from
                }
            else:
                problem = _("in the database but not in this list: archived on %(date)s") % {"date": today}
            report.missing(place.code, f"{place.name_latin}/{place.name_km}: {problem}")
        if write:
            apply_places(
                plan,
                existing,
                source=source,
                report=report,
                archive_missing=archive,
                show_progress=options.show_progress,
                reason=options.reason,
            )
            record_import(report, source, options.reason)
            analyze_places()
            report.written = True
    report.seconds = time.monotonic() - started


def analyze_places() -> None:
    """Fresh planner statistics for the places after a load: a table loaded in bulk and never
    analysed is planned as if empty (the commune ranking's population query scanned every
    place), until autovacuum, when it runs, gets to it (core/planner_stats.py)."""
    planner_stats.analyze(Place)


def record_import(report: ImportReport, source: str, reason: str) -> None:
    """One audit row for the import as a whole, when it changed anything."""
    if not (report.created or report.updated or report.archived):
        return
    record_event(
        "places.import",
        actor=None,
        target_type="places.place",
        target_id=source,
        target_label=report.source,
        new={
            "created": report.created,
            "updated": report.updated,
            "archived": report.archived,
            "refused_lines": report.refused_lines,
            "warnings": len(report.of("warning")),
        },
        reason=reason,
    )


@dataclass
class Existing:
    """A place as it stands in the database (the columns the importers compare)."""

    id: int
    code: str
    level: int
    name_km: str
    name_latin: str
    unit_type: str
    unit_type_inferred: bool
    latitude: Decimal | None
    longitude: Decimal | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    source: str
    population: int | None
    population_year: int | None
    population_source: str

    def is_current(self, today: datetime.date) -> bool:
        return self.valid_to is None or self.valid_to > today


EXISTING_COLUMNS = [f.name for f in fields(Existing)]

# Given the checked rows and the places in the database, fill in what the list leaves out
# (the MEF list's unit types) and return how many rows it filled.
Inference = Callable[[list[PlaceRow], dict[str, Existing]], int]


def read_existing() -> dict[str, Existing]:
    """Every place, in one query."""
    return {
        values[1]: Existing(*values) for values in Place.objects.order_by().values_list(*EXISTING_COLUMNS).iterator()
    }


def batches(items: list[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


PLACE_FIELDS = ["name_km", "name_latin", "unit_type", "unit_type_inferred", "latitude", "longitude", "valid_to"]


@dataclass
class Change:
    existing: Existing
    new: dict[str, Any]

    @property
    def old(self) -> dict[str, Any]:
        return {name: getattr(self.existing, name) for name in self.new}


@dataclass
class Plan:
    create: list[PlaceRow]
    change: list[Change]
    missing: list[Existing]


def plan_places(rows: list[PlaceRow], existing: dict[str, Existing], *, seen: set[str], full: bool) -> Plan:
    """What the import would do. ``seen`` holds every well-formed code of the list, refused
    lines included: a place whose line was refused is not "missing" from the list."""
    today = timezone.localdate()
    create: list[PlaceRow] = []
    change: list[Change] = []
    for row in rows:
        before = existing.get(row.code)
        if before is None:
            create.append(row)
            continue
        wanted: dict[str, Any] = {
            # A name missing from the list (reported) does not erase a known one.
            "name_km": row.name_km or before.name_km,
            "name_latin": row.name_latin or before.name_latin,
            "unit_type": row.unit_type,
            "unit_type_inferred": row.unit_type_inferred,
            # A list without coordinates leaves the known ones alone.
            "latitude": row.latitude if row.latitude is not None else before.latitude,
            "longitude": row.longitude if row.longitude is not None else before.longitude,
            # A place listed again is current again.
            "valid_to": None if not before.is_current(today) else before.valid_to,
        }
        new = {name: value for name, value in wanted.items() if getattr(before, name) != value}
        if new:
            change.append(Change(before, new))
    missing = []
    if full:
        missing = [place for code, place in existing.items() if code not in seen and place.is_current(today)]
        missing.sort(key=lambda place: place.code)
    return Plan(create, change, missing)


def apply_places(
    plan: Plan,
    existing: dict[str, Existing],
    *,
    source: str,
    report: ImportReport,
    archive_missing: bool,
    show_progress: bool,
    reason: str,
) -> None:
    """Write the plan; the caller holds the transaction."""
    now = timezone.now()
    today = timezone.localdate(now)
    ids = {code: place.id for code, place in existing.items()}
    archive = [p for p in plan.missing if p.valid_from is None or p.valid_from < today] if archive_missing else []
    total = len(plan.create) + len(plan.change) + len(archive)
    with progress.counter(enabled=show_progress, desc=_("Writing places"), total=total) as bar:
        for level in Level:
            new_places = [_new_place(row, ids, source) for row in plan.create if row.level == level]
            for batch in batches(new_places):
                Place.objects.bulk_create(batch)
                bar.update(len(batch))
            if any(place.pk is None for place in new_places):  # a database that returns no keys
                ids.update(Place.objects.filter(code__in=[p.code for p in new_places]).values_list("code", "id"))
            else:
                ids.update((place.code, place.pk) for place in new_places)

        updated = []
        for change in plan.change:
            place = _place_from(change.existing)
            for name, value in change.new.items():
                setattr(place, name, value)
            place.search_key, place.latin_skeleton = search_keys(place.name_km, place.name_latin)
            place.source, place.updated_at = source, now
            updated.append(place)
            record_event(
                "place.restore" if change.new.get("valid_to", "") is None else "place.update",
                actor=None,
                target=place,
                old=change.old,
                new=change.new,
                reason=reason,
                place_code=place.code,
            )
        for batch in batches(updated):
            update_rows(batch, [*PLACE_FIELDS, "search_key", "latin_skeleton", "source", "updated_at"])
            bar.update(len(batch))

        for gone in batches(archive):
            Place.objects.filter(id__in=[p.id for p in gone]).update(valid_to=today, updated_at=now)
            for archived in gone:
                record_event(
                    "place.archive",
                    actor=None,
                    target_type="places.place",
                    target_id=str(archived.id),
                    target_label=f"{archived.code} {archived.name_latin}",
                    old={"valid_to": archived.valid_to},
                    new={"valid_to": today},
                    reason=reason,
                    place_code=archived.code,
                )
            bar.update(len(gone))

    report.archived = len(archive)
    report.restored = sum(1 for change in plan.change if "valid_to" in change.new)


def update_rows(places: list[Place], names: list[str]) -> None:
    """UPDATE … WHERE id = ? for each place, as one executemany. Django's bulk_update
    builds a CASE expression per column and row: it took about 19 s for 16,000 places on
    SQLite here, where this takes well under one."""
    if not places:
        return
    columns = [field for name in names if isinstance(field := Place._meta.get_field(name), Field)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    table, key = quote(Place._meta.db_table), quote(Place._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608  # nosec B608 (names from the model)
    params = [
        [field.get_db_prep_save(getattr(place, field.attname), connection) for field in columns] + [place.pk]
        for place in places
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _new_place(row: PlaceRow, ids: dict[str, Any], source: str) -> Place:
    search_key, skeleton = search_keys(row.name_km, row.name_latin)
    return Place(
        code=row.code,
        level=row.level,
        parent_id=ids[row.parent_code] if row.level > Level.PROVINCE else None,
        unit_type=row.unit_type,
        unit_type_inferred=row.unit_type_inferred,
        name_km=row.name_km,
        name_latin=row.name_latin,
        search_key=search_key,
        latin_skeleton=skeleton,
        latitude=row.latitude,
        longitude=row.longitude,
        source=source,
    )


def _place_from(existing: Existing) -> Place:
    return Place(**{name: getattr(existing, name) for name in EXISTING_COLUMNS})
