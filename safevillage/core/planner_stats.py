"""Statistics the query planners choose indexes by, kept current.

SQLite plans from ``sqlite_stat1``, which only ``ANALYZE`` writes: a database never analysed
is planned as if every index were as selective as any other (decision 0009). PostgreSQL's
autovacuum analyses on its own, but only after a share of a table has changed, and reads a
fresh bulk load as a handful of rows until then. So statistics are refreshed after every bulk
load (``analyze``) and on a schedule (``refresh``, the ``refresh_statistics`` job)."""

from __future__ import annotations

from django.apps import apps
from django.db import connection, router
from django.db.models import Model

# SQLite: a table is analysed again once it has this much more rows than when it last was,
# as PostgreSQL's autovacuum does (its default is a tenth). A full analysis of the register
# reads every entry of its indexes, about five seconds a million records, holding the
# database's write lock meanwhile: done when the statistics would mislead, not every night.
SQLITE_GROWTH = 1.2
# Below this many rows an analysis costs nothing: small tables are analysed at each run.
SQLITE_SMALL_TABLE = 10_000


def analyze(*models: type[Model]) -> None:
    """Fresh statistics for these tables, now (after a bulk load)."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def refresh() -> list[str]:
    """The scheduled refresh: the tables analysed. PostgreSQL: every table (``ANALYZE``
    samples a fixed number of rows, so it costs the same at any size). SQLite: the tables
    never analysed, small ones, and those grown by a fifth since their last analysis."""
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return ["*"]
    # This database's tables only: the referrals' live in their own (referrals/router.py).
    tables = {
        model._meta.db_table: model
        for model in apps.get_models()
        if model._meta.managed and router.allow_migrate_model(connection.alias, model)
    }
    stale = [model for table, model in sorted(tables.items()) if _stale_on_sqlite(table)]
    analyze(*stale)
    return [model._meta.db_table for model in stale]


def _stale_on_sqlite(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return True
        # Its row count when analysed: the first figure of any of its rows.
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s LIMIT 1", [table])
        row = cursor.fetchone()
        # The largest rowid: the row count, near enough, for tables whose rows are not deleted.
        cursor.execute(f"SELECT max(rowid) FROM {connection.ops.quote_name(table)}")  # noqa: S608  # nosec B608
        rows = cursor.fetchone()[0] or 0
    if row is None:
        return rows > 0
    analysed = int(str(row[0]).split()[0])
    return rows < SQLITE_SMALL_TABLE or rows > analysed * SQLITE_GROWTH
