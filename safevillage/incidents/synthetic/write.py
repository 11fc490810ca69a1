"""Writing drawn records: one transaction per chunk with its reference numbers, the
district counters moved on and one audit event per province."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from safevillage.audit.log import record_events
from safevillage.core.pragmas import sqlite_pragma
from safevillage.incidents.models import Incident, ReferenceCounter
from safevillage.incidents.references import format_reference
from safevillage.incidents.synthetic.draw import CONSTANT_COLUMNS, VARIABLE_COLUMNS, Pending
from safevillage.incidents.synthetic.plan import Plan, SyntheticError


@dataclass
class Result:
    records: int = 0
    chunks: int = 0
    events: int = 0
    first_id: int | None = None
    last_id: int | None = None
    # The id range of each chunk: other writers may insert between two chunks.
    ranges: list[tuple[int, int]] = field(default_factory=list)
    # Wall-clock seconds: drawing records (waiting for them, when a thread draws), writing them
    # (with counters and audit), adding them to the summaries.
    drawing: float = 0.0
    writing: float = 0.0
    summaries: float = 0.0
    # SQLite: the drawing thread's seconds, drawing and copying chunks into its scratch files,
    # alongside the writing (``stage``).
    thread_drawing: float = 0.0
    thread_copying: float = 0.0
    as_of: datetime.datetime | None = None

    @property
    def seconds(self) -> float:
        return self.drawing + self.writing + self.summaries


@dataclass
class Chunk:
    """Records drawn and numbered within the chunk: a record's ``row[0]`` is its number among
    the chunk's records of its district and year, to which the writer adds the district's
    counter. ``counts`` is the chunk's records per (district, year). Handed over either as
    ``records`` (PostgreSQL) or in the attached scratch database ``stage`` (SQLite,
    ``stage.Staging``)."""

    number: int
    size: int
    counts: dict[tuple[str, int], int]
    records: list[Pending]
    stage: str = ""

    @classmethod
    def of(cls, number: int, records: list[Pending]) -> Chunk:
        counts: dict[tuple[str, int], int] = {}
        for pending in records:
            key = (pending.district, pending.year)
            counts[key] = pending.row[0] = counts.get(key, 0) + 1
        return cls(number, len(records), counts, records)


def chunks(months: Iterator[list[Pending]], size: int) -> Iterator[Chunk]:
    """The drawn records cut into chunks of ``size`` (the last one shorter), numbered."""
    buffer: list[Pending] = []
    number = 0
    for month in months:
        buffer += month
        while len(buffer) >= size:
            number += 1
            yield Chunk.of(number, buffer[:size])
            del buffer[:size]
    if buffer:
        yield Chunk.of(number + 1, buffer)


class Writer:
    """Writes chunks of drawn records, one transaction each."""

    def __init__(self, plan: Plan, casualties: list[str]) -> None:
        self.plan = plan
        self.vendor = connection.vendor
        self.table = Incident._meta.db_table
        self.columns = [*VARIABLE_COLUMNS, *casualties]
        self.tail = tuple(CONSTANT_COLUMNS.values())
        qn = connection.ops.quote_name
        names = ", ".join(qn(c) for c in [*self.columns, *CONSTANT_COLUMNS])
        if self.vendor == "sqlite":
            # From the chunk's scratch table, numbered on the way: the text of
            # ``format_reference`` (printf's %06d is Python's :06d), the district's counter read in
            # this transaction. Constants are written as literals.
            counter = qn(ReferenceCounter._meta.db_table)
            number = "s.reference + COALESCE(c.last_number, 0)"
            values = ", ".join(
                [f"printf('%s-%s-%d-%06d', substr(s.district, 1, 2), s.district, s.year, {number})"]
                + [f"s.{c}" for c in self.columns[1:]]
                + ["''"] * len(self.tail)
            )
            self.sql = (
                f"INSERT INTO {qn(self.table)} ({names}) SELECT {values} FROM {{stage}}.chunk AS s "  # noqa: S608  # nosec B608
                f"LEFT JOIN {counter} AS c ON c.district_code = s.district AND c.year = s.year ORDER BY s.rowid"
            )
        elif self.vendor == "postgresql":
            self.sql = f"COPY {qn(self.table)} ({names}) FROM STDIN"
        else:
            message = _("The generator writes to SQLite or PostgreSQL, not %(vendor)s.")
            raise SyntheticError(message % {"vendor": self.vendor})

    def _insert(self, chunk: Chunk, counters: dict[tuple[str, int], int]) -> None:
        if self.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(self.sql.format(stage=chunk.stage))
        else:
            tail = self.tail
            with connection.cursor() as cursor, cursor.cursor.copy(self.sql) as copy:
                for pending in chunk.records:
                    row = pending.row
                    district, year = pending.district, pending.year
                    row[0] = format_reference(district, year, counters.get((district, year), 0) + row[0])
                    copy.write_row((*row, *tail))

    def write(self, chunk: Chunk) -> tuple[int, int, int]:
        """Number, insert and audit one chunk; returns (first id, last id, events)."""
        qn = connection.ops.quote_name
        with transaction.atomic():
            with connection.cursor() as cursor:
                if self.vendor == "postgresql":
                    # Inserts by others wait for this chunk, so that its ids are exactly the
                    # new ones (reads go on).
                    cursor.execute(f"LOCK TABLE {qn(self.table)} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(self.table)}")  # noqa: S608  # nosec B608
                before = cursor.fetchone()[0]
            districts = sorted({district for district, _year in chunk.counts})
            counters = {
                (c.district_code, c.year): c.last_number
                for c in ReferenceCounter.objects.select_for_update().filter(district_code__in=districts)
            }
            self._insert(chunk, counters)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT MIN(id), MAX(id), COUNT(*) FROM {qn(self.table)} WHERE id > %s",  # noqa: S608  # nosec B608
                    [before],
                )
                first_id, last_id, count = cursor.fetchone()
            if count != chunk.size:
                raise RuntimeError(f"chunk {chunk.number}: {chunk.size} records written but {count} found")
            ranges: dict[tuple[str, int], tuple[str, str]] = {}
            for key, records in chunk.counts.items():
                last = counters.get(key, 0)
                counters[key] = last + records
                ranges[key] = (format_reference(*key, last + 1), format_reference(*key, last + records))
            ReferenceCounter.objects.bulk_create(
                [ReferenceCounter(district_code=d, year=y, last_number=n) for (d, y), n in sorted(counters.items())],
                update_conflicts=True,
                unique_fields=["district_code", "year"],
                update_fields=["last_number"],
            )
            events = self._events(chunk, first_id, last_id, ranges)
            record_events(events)
        return first_id, last_id, len(events)

    def _events(
        self, chunk: Chunk, first_id: int, last_id: int, ranges: dict[tuple[str, int], tuple[str, str]]
    ) -> list[dict[str, Any]]:
        """One event per province of the chunk, seen by that province's auditors."""
        per_province: dict[str, int] = {}
        for (district, _year), records in chunk.counts.items():
            per_province[district[:2]] = per_province.get(district[:2], 0) + records
        events = []
        for province, records in sorted(per_province.items()):
            references = {f"{d}-{y}": list(span) for (d, y), span in sorted(ranges.items()) if d[:2] == province}
            events.append(
                {
                    "action": "synthetic.generate",
                    "actor": None,
                    "target_type": Incident._meta.label_lower,
                    "target_id": f"{first_id}-{last_id}",
                    "target_label": f"{records} synthetic records",
                    "place_code": province,
                    "new": {
                        "seed": self.plan.seed,
                        "chunk": chunk.number,
                        "records": records,
                        "ids": [first_id, last_id],
                        "references": references,
                    },
                    "reason": (
                        f"manage.py generate_synthetic --years {self.plan.years} --incidents {self.plan.incidents} "
                        f"--seed {self.plan.seed} --end-year {self.plan.end_year}"
                    ),
                }
            )
        return events


class SetAside:
    """The register's secondary indexes (``Incident.Meta.indexes``) dropped while a large run
    writes, and built again at its end. Each record otherwise updates three indexes at
    scattered places; past a few million records their pages no longer stay in memory and
    that upkeep costs more than the rest of writing. Built at the end, each index is one sort
    (``bulk_rebuild.parallel_sorts``). Only when the run adds at least as many records as the
    register holds: into a large register a small run would pay for rebuilding every index.

    The drop is committed on its own, not held in one transaction with every chunk: SQLite
    keeps an uncommitted transaction's pages in its write-ahead log, and past a few gigabytes
    every page read searches it (the summaries and the rebuild took twice as long). A run
    that fails rebuilds the indexes on its way out; a run killed outright leaves them to the
    next run, which first builds any of them that is missing."""

    def __init__(self, indexes: list[models.Index]) -> None:
        self.indexes = indexes

    @classmethod
    def for_run(cls, incidents: int) -> SetAside:
        """First builds any index a run killed outright left out, then sets all of them aside
        if the run adds at least as many records as the register holds, else none."""
        with connection.cursor() as cursor:
            present = set(connection.introspection.get_constraints(cursor, Incident._meta.db_table))
        cls([index for index in Incident._meta.indexes if index.name not in present]).rebuild()
        return cls(list(Incident._meta.indexes) if incidents >= Incident.objects.count() else [])

    def drop(self) -> None:
        self._run([f"DROP INDEX {connection.ops.quote_name(str(index.name))}" for index in self.indexes])

    def rebuild(self) -> None:
        # The statements of the model's own definitions, as its migrations ran them.
        editor = connection.schema_editor()
        self._run([str(index.create_sql(Incident, editor)) for index in self.indexes])

    def _run(self, statements: list[str]) -> None:
        if not statements:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@contextlib.contextmanager
def large_page_cache() -> Iterator[None]:
    """SQLite: a 256 MiB page cache while generating (the default 2 MiB makes every index
    insert of a large register a disk read). Durability settings are left as they are."""
    with sqlite_pragma("cache_size", -262144):
        yield
