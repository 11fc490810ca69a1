"""Rebuilding the summaries inside the database, for registers of national size.

``rebuild.rebuild`` streams every summary row through Python and inserts it back: at ten
million records that is tens of millions of rows and most of an hour. Here each part of
``rebuild.PARTS`` is one ``INSERT INTO summary … SELECT … FROM (<the part's query>)``: the
query is the very one ``rebuild`` and ``check_summaries`` read (``expected_cases`` /
``expected_channels``), compiled by Django, so the counting rules stay written once; only
where the rows go differs. The result is the same rows as ``rebuild()`` (``check_summaries``
proves it after every bulk load in the tests).

``add_records`` does the same for the records a bulk run added, adding to the counters
already there (``INSERT … SELECT … ON CONFLICT DO UPDATE``): the cost follows the records
added, not the size of the register.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models, transaction

from safevillage.reports.models import MEASURES, CaseSummary, ChannelSummary
from safevillage.reports.rebuild import PARTS, IdRanges, expected_cases, expected_channels


def _insert_select(
    model: type[models.Model],
    fixed: dict[str, str],
    mapped: dict[str, str],
    query: models.QuerySet[Any, Any],
    add_to: tuple[str, ...] = (),
) -> int:
    """INSERT the rows of ``query`` into ``model``'s table: ``fixed`` columns take constant
    values, ``mapped`` columns take the query's named columns. With ``add_to`` (the table's key
    columns), a row whose key exists is added to the existing counters instead."""
    qn = connection.ops.quote_name
    sql, params = query.order_by().query.sql_with_params()
    columns = [*fixed, *mapped]
    selected = ["%s"] * len(fixed) + [f"part.{qn(source)}" for source in mapped.values()]
    statement = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608  # nosec B608
        f"SELECT {', '.join(selected)} FROM ({sql}) part"
    )
    if add_to:
        table = qn(model._meta.db_table)
        measures = [c for c in mapped if c not in add_to]
        updates = ", ".join(f"{qn(m)} = {table}.{qn(m)} + excluded.{qn(m)}" for m in measures)
        # "WHERE true": SQLite cannot otherwise tell the upsert's ON from a join's. Only quoted
        # column names of the model go into the text.
        statement += f" WHERE true ON CONFLICT ({', '.join(qn(c) for c in add_to)}) DO UPDATE SET {updates}"  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(statement, [*fixed.values(), *params])
        return cursor.rowcount


def summary_models() -> tuple[type[models.Model], ...]:
    return (CaseSummary, ChannelSummary)


def _write_parts(ids: IdRanges) -> dict[str, int]:
    """Every part's rows for all records (into empty tables) or for the records of ``ids``
    (added to the counters already there)."""
    written: dict[str, int] = {}
    for part in PARTS:
        if part.table == "case":
            count = _insert_select(
                CaseSummary,
                {"basis": part.basis, "grain": part.grain},
                {"place_code": "k_place", "period_key": "k_period", "category_id": "category_id"}
                | {measure: measure for measure in MEASURES},
                expected_cases(part.basis, part.grain, ids),
                add_to=() if ids is None else ("basis", "grain", "place_code", "period_key", "category_id"),
            )
        else:
            count = _insert_select(
                ChannelSummary,
                {"grain": part.grain},
                {"place_code": "k_place", "period_key": "k_period", "channel": "channel", "reported": "reported"},
                expected_channels(part.grain, ids),
                add_to=() if ids is None else ("grain", "place_code", "period_key", "channel"),
            )
        written[str(part)] = count
    return written


@transaction.atomic
def rebuild_in_database() -> dict[str, int]:
    """Replace every summary with what the records give, computed and written by the
    database; returns rows written per part (as ``rebuild.rebuild`` does)."""
    CaseSummary.objects.all().delete()
    ChannelSummary.objects.all().delete()
    return _write_parts(None)


def add_records(ranges: list[tuple[int, int]]) -> dict[str, int]:
    """Add the records of the id ranges (inclusive), just inserted in bulk, to the summaries,
    in one pass per part: a counter is written once however many chunks touched it. Call it
    in a transaction, so that every part or none is added."""
    if not connection.in_atomic_block:
        raise RuntimeError("add_records must run inside a transaction")
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(last, merged[-1][1]))
        else:
            merged.append((first, last))
    return _write_parts(merged) if merged else {}
