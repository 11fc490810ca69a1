"""Rebuilding the summaries inside the database, for registers of national size.

``rebuild.rebuild`` streams every summary row through Python and inserts it back: at ten
million records that is tens of millions of rows and most of an hour. Here the database
does the counting and the writing, with ``INSERT INTO summary … SELECT``.

The records are read three times, once per month grain: the case summaries by month of
occurrence, by month of closure, and the channels. Each of these reads is the very query
``rebuild`` and ``check_summaries`` use (``expected_cases`` / ``expected_channels``),
compiled by Django, so the counting rules stay written once; its rows go into a scratch
table, which is copied into the month grain and added up into the quarter grain (and, for
occurrence, into the crime summary), instead of reading the records again for each. The
result is the same rows as ``rebuild()``: ``check_summaries``, which recounts every part
from the records, proves it after every bulk load in the tests.

``add_records`` does the same for the records a bulk run added, adding to the counters
already there (``INSERT … SELECT … ON CONFLICT DO UPDATE``): the cost follows the records
added, not the size of the register.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, models, transaction

from safevillage.core.pragmas import sqlite_pragma
from safevillage.policy.models import Category
from safevillage.reports.models import MEASURES, Basis, CaseSummary, ChannelSummary, CrimeSummary, Grain, OpenDeadline
from safevillage.reports.rebuild import IdRanges, expected_cases, expected_channels, expected_deadlines

SCRATCH = "summary_scratch"
# YYYYMM -> YYYYQ in integer arithmetic (the operators, unlike Django's MOD on SQLite, are
# native integer arithmetic on both databases). "%%": the statement is run with parameters.
QUARTER_OF_K_PERIOD = "(k_period / 100) * 10 + ((k_period %% 100) - 1) / 3 + 1"


def summary_models() -> tuple[type[models.Model], ...]:
    return (CaseSummary, ChannelSummary, CrimeSummary, OpenDeadline)


@contextmanager
def parallel_sorts() -> Iterator[None]:
    """SQLite: sort with a helper thread per core (``PRAGMA threads``) for the length of the
    block. SQLite groups and builds indexes by sorting, on one thread unless told otherwise;
    a GROUP BY of nine million records takes a third of the time with two. Its sorter works
    within the page cache's size, so the block should not run under ``large_page_cache``: a
    sort in a 256 MiB cache was three times slower than in the default 2 MiB, whose runs
    stay in the processor's cache."""
    with sqlite_pragma("threads", min(8, os.cpu_count() or 1)):
        yield


@contextmanager
def _scratch(query: models.QuerySet[Any, Any]) -> Iterator[None]:
    """The rows of ``query`` in a temporary table ``SCRATCH``, for the length of the block.
    Callers run in a transaction: if the block fails, the rollback drops the table (a DROP
    here would fail too on PostgreSQL's aborted transaction and hide the first error)."""
    sql, params = query.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {SCRATCH} AS SELECT * FROM ({sql}) part", params)  # noqa: S608  # nosec B608
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {SCRATCH}")


def _insert(
    model: type[models.Model],
    fixed: dict[str, str],
    key: dict[str, str],
    measures: dict[str, str],
    *,
    where: str = "true",
    group: bool = False,
    add: bool,
) -> int:
    """INSERT into ``model``'s table the rows of the scratch table: ``fixed`` columns take
    constant values, ``key`` and ``measures`` columns the SQL expressions given; with
    ``group``, rows are added up by the key's expressions. With ``add``, a row whose key
    exists is added to the existing counters instead."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(c) for c in [*fixed, *key, *measures])
    sums = [f"SUM({e})" if group else e for e in measures.values()]
    selected = ", ".join(["%s"] * len(fixed) + [*key.values(), *sums])
    # Only quoted column names of the models and fixed expressions go into the text.
    statement = f"INSERT INTO {table} ({columns}) SELECT {selected} FROM {SCRATCH} WHERE {where}"  # noqa: S608  # nosec B608
    if group:
        statement += f" GROUP BY {', '.join(key.values())}"
    if add:
        # The WHERE clause is there even when true: SQLite cannot otherwise tell the upsert's
        # ON from a join's.
        conflict = ", ".join(qn(c) for c in [*fixed, *key])
        updates = ", ".join(f"{qn(m)} = {table}.{qn(m)} + excluded.{qn(m)}" for m in measures)
        statement += f" ON CONFLICT ({conflict}) DO UPDATE SET {updates}"  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(statement, list(fixed.values()))
        return cursor.rowcount


def _write_parts(ids: IdRanges, adding_to: frozenset[type[models.Model]]) -> dict[str, int]:
    """Every part's rows for all records or for the records of ``ids``; into the tables of
    ``adding_to``, rows whose key exists are added to the counters already there (the other
    tables are empty: a plain INSERT is cheaper than an upsert)."""
    written: dict[str, int] = {}
    if connection.vendor == "postgresql":
        # The quarter rows are grouped from millions of scratch rows: with the default 4 MB
        # the hash table spills to disk in a hundred batches. For this transaction only.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '128MB'")
    with parallel_sorts():
        _write_cases(ids, adding_to, written)
        _write_channels(ids, adding_to, written)
        written["deadline"] = write_deadlines(expected_deadlines(ids), add=OpenDeadline in adding_to)
    return written


def _write_cases(ids: IdRanges, adding_to: frozenset[type[models.Model]], written: dict[str, int]) -> None:
    counters = {m: m for m in MEASURES}
    for basis in (Basis.OCCURRED, Basis.CLOSED):
        with _scratch(expected_cases(basis, Grain.MONTH, ids)):
            for grain, period in ((Grain.MONTH, "k_period"), (Grain.QUARTER, QUARTER_OF_K_PERIOD)):
                key = {"place_code": "k_place", "period_key": period, "category_id": "category_id"}
                written[f"case/{basis}/{grain}"] = _insert(
                    CaseSummary,
                    {"basis": basis, "grain": grain},
                    key,
                    counters,
                    group=grain == Grain.QUARTER,
                    add=CaseSummary in adding_to,
                )
            if basis == Basis.OCCURRED:
                crimes = id_list_sql(Category.objects.filter(is_crime=True).values_list("id", flat=True))
                for grain, period in ((Grain.MONTH, "k_period"), (Grain.QUARTER, QUARTER_OF_K_PERIOD)):
                    written[f"crime/{grain}"] = _insert(
                        CrimeSummary,
                        {"grain": grain},
                        {"place_code": "k_place", "period_key": period},
                        {"reported": "reported", "solved": "solved"},
                        where=f"category_id IN ({crimes})",
                        group=True,
                        add=CrimeSummary in adding_to,
                    )


def _write_channels(ids: IdRanges, adding_to: frozenset[type[models.Model]], written: dict[str, int]) -> None:
    with _scratch(expected_channels(Grain.MONTH, ids)):
        for grain, period in ((Grain.MONTH, "k_period"), (Grain.QUARTER, QUARTER_OF_K_PERIOD)):
            key = {"place_code": "k_place", "period_key": period, "channel": "channel"}
            written[f"channel/{grain}"] = _insert(
                ChannelSummary,
                {"grain": grain},
                key,
                {"reported": "reported"},
                group=grain == Grain.QUARTER,
                add=ChannelSummary in adding_to,
            )


def write_deadlines(query: models.QuerySet[Any, Any], *, add: bool) -> int:
    """INSERT the ``OpenDeadline`` rows of ``query`` (``rebuild.expected_deadlines``'s
    columns), read straight from the register: only open records, a small part of it. With
    ``add``, a row whose key exists is added to. Shared with the migration that made the table."""
    qn = connection.ops.quote_name
    table = qn(OpenDeadline._meta.db_table)
    key = [qn(c) for c in ("place_code", "period_month", "category_id", "due_at")]
    sql, params = query.order_by().query.sql_with_params()
    statement = (
        f"INSERT INTO {table} ({', '.join(key)}, {qn('n')}) "  # noqa: S608  # nosec B608
        f"SELECT k_place, period_month, category_id, k_due, n FROM ({sql}) part WHERE true"
    )
    if add:
        total = f"{table}.{qn('n')} + excluded.{qn('n')}"
        statement += f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {qn('n')} = {total}"  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def id_list_sql(ids: Iterable[int]) -> str:
    """Ids for an SQL ``IN (…)``: integers from the database, never text from outside; "NULL"
    (matching nothing) when there are none."""
    return ", ".join(str(int(i)) for i in ids) or "NULL"


def crimes_from_cases_sql(case_table: str, crime_table: str, crime_ids: list[int], qn: Any) -> str:
    """The statement that derives every crime summary row from the case summaries (by month of
    occurrence, the crime categories' rows added up by commune and period). Shared with the
    migration that created the crime summary."""
    crimes = id_list_sql(crime_ids)
    key = ", ".join(qn(c) for c in ("grain", "place_code", "period_key"))
    return (
        f"INSERT INTO {qn(crime_table)} ({key}, {qn('reported')}, {qn('solved')}) "  # noqa: S608  # nosec B608
        f"SELECT {key}, SUM({qn('reported')}), SUM({qn('solved')}) FROM {qn(case_table)} "
        f"WHERE {qn('basis')} = 'occurred' AND {qn('category_id')} IN ({crimes}) GROUP BY {key}"
    )


@transaction.atomic
def rebuild_crimes() -> int:
    """Derive the crime summary again from the case summaries, after a category became a
    crime or stopped being one; returns the rows written. A few seconds at ten million
    records: it reads the case summaries, not the register."""
    CrimeSummary.objects.all().delete()
    crime_ids = list(Category.objects.filter(is_crime=True).values_list("id", flat=True))
    statement = crimes_from_cases_sql(
        CaseSummary._meta.db_table, CrimeSummary._meta.db_table, crime_ids, connection.ops.quote_name
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.rowcount


@transaction.atomic
def rebuild_in_database() -> dict[str, int]:
    """Replace every summary with what the records give, computed and written by the
    database; returns rows written per part (as ``rebuild.rebuild`` does)."""
    for model in summary_models():
        model._default_manager.all().delete()
    return _write_parts(None, frozenset())


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
    if not merged:
        return {}
    # A first load finds the summaries empty. Should another writer add a row meanwhile, the
    # plain INSERT fails on the unique key: the run stops, it never miscounts.
    adding_to = frozenset(m for m in summary_models() if m._default_manager.exists())
    return _write_parts(merged, adding_to)
