"""Statistics the query planners choose indexes by, kept current.

SQLite plans from ``sqlite_stat1``, which only ``ANALYZE`` writes: a database never analysed
is planned as if every index were as selective as any other (decision 0008). PostgreSQL's
autovacuum analyses on its own, but only after a share of a table has changed, and reads a
fresh bulk load as a handful of rows until then. So statistics are refreshed after every bulk
load (``analyze``) and on a schedule (``jobs.tasks.refresh_statistics``)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Model

# SQLite reads about this many entries of each index instead of all of them (its own
# advice for routine runs): an analysis of a ten-million-record register then takes
# milliseconds, not the minute during which it would hold the database's write lock.
SQLITE_ANALYSIS_LIMIT = 1000


def analyze(*models: type[Model]) -> None:
    """Fresh statistics for these tables (all of them when none is named), now: after a bulk
    load, and on the schedule. Both databases sample, so it costs the same at any size."""
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models] or [""]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        try:
            for table in tables:
                cursor.execute(f"ANALYZE {table}".strip())
        finally:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA analysis_limit=0")
