"""Keeping the summaries in step with the register.

The contract with the incident actions (one call per action, inside its transaction)::

    before = summary_row(locked_incident)          # right after select_for_update, before any change
    ...change the record, save it...
    apply_change(before, summary_row(incident))    # before the transaction commits

``summary_row`` is a pure function of the record's fields: a withdrawn record has no row
(it counts nowhere), an open one counts as reported and open, a closed one as reported,
closed and by its outcome, and also under the month it was closed. Its people arrested,
killed and injured are added wherever it counts. A record of a crime category also counts
in the crime summary (reported, and solved once closed as solved). ``apply_change`` turns
the two rows into counter deltas and applies each with one atomic UPSERT
(``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n``, the same SQL on SQLite and
PostgreSQL), so concurrent actions never lose an increment and no row is read first.

An open record also counts in ``OpenDeadline`` under the instant after which it is overdue
(``due``, from ``deadlines.overdue_from``): acknowledging it or recording a first action moves
it to a later instant, closing or withdrawing it takes it out, reopening puts it back. That
row is not a figure: ``figures_differ``, which decides whether an action touches an approved
period's figures, leaves it out.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db import connection, models

from safevillage.core.periods import local_month
from safevillage.incidents.deadlines import overdue_from
from safevillage.incidents.models import OPEN_STATUSES
from safevillage.reports.models import (
    MEASURES,
    Basis,
    CaseSummary,
    ChannelSummary,
    CrimeSummary,
    Grain,
    OpenDeadline,
)

if TYPE_CHECKING:
    from safevillage.incidents.models import Incident


@dataclass(frozen=True)
class SummaryRow:
    """What one record contributes to the summaries."""

    place_code: str
    period_month: int
    category_id: int
    channel: str
    # "" while the record is open; the outcome once it is closed.
    outcome: str
    clearance: str
    # Local month (YYYYMM) the record was closed; None while open.
    closed_month: int | None
    arrests: int
    deaths: int = 0
    injuries: int = 0
    # The category is a crime: the record also counts in the crime summary.
    is_crime: bool = False
    # While open: the instant after which the record is overdue (``deadlines.overdue_from``).
    due: datetime.datetime | None = None
    # Closed by its closing deadline.
    in_time: bool = False
    # The complainant's answer to "is it resolved?"; None: no answer.
    answer: bool | None = None

    @property
    def is_open(self) -> bool:
        return not self.outcome


def figures_differ(before: SummaryRow | None, after: SummaryRow | None) -> bool:
    """Whether the two rows count differently in the reports' figures: the overdue instant
    alone is not a figure (acknowledging a record of an approved period stays allowed), nor
    is the complainant's answer (a citizen confirming a complaint resolved is never refused
    because its period's report is approved)."""

    def figures(row: SummaryRow | None) -> SummaryRow | None:
        return replace(row, due=None, answer=None) if row is not None else None

    return figures(before) != figures(after)


def quarter_key(month: int) -> int:
    """YYYYMM → YYYYQ (202605 → 20262)."""
    year, m = divmod(month, 100)
    return year * 10 + (m - 1) // 3 + 1


def summary_row(incident: Incident) -> SummaryRow | None:
    """The record's contribution, or None when it counts nowhere (withdrawn)."""
    if incident.status == "withdrawn":
        return None
    closed = incident.status not in OPEN_STATUSES
    # From closed_at, not the stored closed_month: an action computes this row before it saves.
    closed_month = local_month(incident.closed_at) if closed and incident.closed_at is not None else None
    return SummaryRow(
        place_code=incident.place_code,
        period_month=incident.period_month,
        category_id=incident.category_id,
        channel=incident.channel,
        outcome=incident.outcome if closed else "",
        clearance=incident.clearance if closed else "",
        closed_month=closed_month,
        arrests=incident.arrests,
        deaths=incident.deaths,
        injuries=incident.injuries,
        is_crime=incident.category.is_crime,
        due=overdue_from(incident),
        in_time=closed and incident.closed_at is not None and incident.closed_at <= incident.close_due_at,
        answer=incident.complainant_satisfied,
    )


# (table, key) → counters. The key leads with the table's key columns in declaration order.
_Key = tuple[str, tuple[object, ...]]


def _case_counters(row: SummaryRow, basis: Basis) -> Counter[str]:
    counts: Counter[str] = Counter()
    if basis == Basis.OCCURRED:
        counts["reported"] = 1
        counts["open"] = int(row.is_open)
    if not row.is_open:
        counts["closed"] = 1
        counts[row.outcome] = 1
        counts["solved_by_arrest"] = int(row.outcome == "solved" and row.clearance == "arrest")
        counts["closed_in_time"] = int(row.in_time)
    counts["answered"] = int(row.answer is not None)
    counts["satisfied"] = int(row.answer is True)
    counts["arrests"] = row.arrests
    counts["deaths"] = row.deaths
    counts["injuries"] = row.injuries
    return counts


def contributions(row: SummaryRow) -> list[tuple[_Key, Counter[str]]]:
    """Every summary counter one record adds to, at both grains."""
    commune = row.place_code[:6]
    out: list[tuple[_Key, Counter[str]]] = []
    occurred = _case_counters(row, Basis.OCCURRED)
    out.append((("case", (Basis.OCCURRED, Grain.MONTH, commune, row.period_month, row.category_id)), occurred))
    out.append(
        (("case", (Basis.OCCURRED, Grain.QUARTER, commune, quarter_key(row.period_month), row.category_id)), occurred)
    )
    if row.closed_month is not None:
        closed = _case_counters(row, Basis.CLOSED)
        out.append((("case", (Basis.CLOSED, Grain.MONTH, commune, row.closed_month, row.category_id)), closed))
        out.append(
            (("case", (Basis.CLOSED, Grain.QUARTER, commune, quarter_key(row.closed_month), row.category_id)), closed)
        )
    if row.is_crime:
        crime: Counter[str] = Counter(reported=1, solved=int(row.outcome == "solved"))
        out.append((("crime", (Grain.MONTH, commune, row.period_month)), crime))
        out.append((("crime", (Grain.QUARTER, commune, quarter_key(row.period_month))), crime))
    if row.due is not None:
        key = (commune, row.period_month, row.category_id, row.due)
        out.append((("deadline", key), Counter(n=1)))
    reported: Counter[str] = Counter(reported=1)
    out.append((("channel", (Grain.MONTH, commune, row.period_month, row.channel)), reported))
    out.append((("channel", (Grain.QUARTER, commune, quarter_key(row.period_month), row.channel)), reported))
    return out


def deltas(before: SummaryRow | None, after: SummaryRow | None) -> dict[_Key, dict[str, int]]:
    """The non-zero counter changes that take the summaries from ``before`` to ``after``."""
    total: dict[_Key, Counter[str]] = {}
    for row, sign in ((before, -1), (after, 1)):
        if row is None:
            continue
        for key, counts in contributions(row):
            bucket = total.setdefault(key, Counter())
            for name, value in counts.items():
                bucket[name] += sign * value
    return {key: {n: v for n, v in counts.items() if v} for key, counts in total.items() if any(counts.values())}


_TABLES: dict[str, tuple[type[models.Model], tuple[str, ...], tuple[str, ...]]] = {
    "case": (CaseSummary, ("basis", "grain", "place_code", "period_key", "category_id"), MEASURES),
    "channel": (ChannelSummary, ("grain", "place_code", "period_key", "channel"), ("reported",)),
    "crime": (CrimeSummary, ("grain", "place_code", "period_key"), ("reported", "solved")),
    "deadline": (OpenDeadline, ("place_code", "period_month", "category_id", "due_at"), ("n",)),
}


def _param(value: object) -> object:
    if isinstance(value, str):
        return str(value)  # a TextChoices member as its plain value
    if isinstance(value, datetime.datetime):
        # As the ORM stores it (on SQLite: UTC text), so that ``due_at < now`` compares as
        # the register's own deadlines do.
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _upsert(table: str, rows: list[tuple[tuple[object, ...], dict[str, int]]]) -> None:
    """Add ``rows`` (key, counter changes) to ``table`` in one statement."""
    model, key_columns, measures = _TABLES[table]
    qn = connection.ops.quote_name
    db_table = qn(model._meta.db_table)
    columns = [qn(c) for c in key_columns] + [qn(m) for m in measures]
    values: list[Any] = []
    for key, changes in rows:
        values += [_param(v) for v in key] + [changes.get(m, 0) for m in measures]
    marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f"{qn(m)} = {db_table}.{qn(m)} + excluded.{qn(m)}" for m in measures)
    sql = (
        f"INSERT INTO {db_table} ({', '.join(columns)}) VALUES {', '.join([marks] * len(rows))} "  # noqa: S608  # nosec B608
        f"ON CONFLICT ({', '.join(qn(c) for c in key_columns)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if table == "deadline":
            _drop_empty(cursor, db_table, key_columns, [key for key, changes in rows if changes.get("n", 0) < 0])


def _drop_empty(cursor: Any, db_table: str, key_columns: tuple[str, ...], keys: list[tuple[object, ...]]) -> None:
    """Delete the deadline rows among ``keys`` whose count fell to zero (the record left
    them), so that the table keeps about one row per open record, not one per record ever."""
    qn = connection.ops.quote_name
    match = " AND ".join(f"{qn(c)} = %s" for c in key_columns)
    for key in keys:
        cursor.execute(f"DELETE FROM {db_table} WHERE {match} AND {qn('n')} = 0", [_param(v) for v in key])  # noqa: S608  # nosec B608


def apply_change(before: SummaryRow | None, after: SummaryRow | None) -> None:
    """Move the summaries from a record's row before an action to its row after it. Must run
    inside the action's transaction (the counters and the record commit together)."""
    if before == after:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("apply_change must be called inside the action's transaction.atomic()")
    # One statement per table. Keys in a fixed order, so two transactions touching the same
    # counters lock them in the same order (no deadlock on PostgreSQL); the keys of one change
    # are distinct, as one INSERT … ON CONFLICT requires.
    by_table: dict[str, list[tuple[tuple[object, ...], dict[str, int]]]] = {}
    for (table, key), changes in sorted(deltas(before, after).items(), key=lambda item: repr(item[0])):
        by_table.setdefault(table, []).append((key, changes))
    for table, rows in sorted(by_table.items()):
        _upsert(table, rows)
