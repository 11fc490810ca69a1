"""Rebuilding the summaries inside the database, for registers of national size.

``rebuild.rebuild`` streams every summary row through Python and inserts it back: at ten
million records that is tens of millions of rows and most of an hour. Here each part of
``rebuild.PARTS`` is one ``INSERT INTO summary … SELECT … FROM (<the part's query>)``: the
query is the very one ``rebuild`` and ``check_summaries`` read (``expected_cases`` /
``expected_channels``), compiled by Django, so the counting rules stay written once; only
where the rows go differs. The result is the same rows as ``rebuild()`` (``check_summaries``
proves it after every bulk load in the tests).
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models, transaction

from safevillage.reports.models import MEASURES, CaseSummary, ChannelSummary
from safevillage.reports.rebuild import PARTS, expected_cases, expected_channels


def _insert_select(
    model: type[models.Model], fixed: dict[str, str], mapped: dict[str, str], query: models.QuerySet[Any, Any]
) -> int:
    """INSERT the rows of ``query`` into ``model``'s table: ``fixed`` columns take constant
    values, ``mapped`` columns take the query's named columns."""
    qn = connection.ops.quote_name
    sql, params = query.query.sql_with_params()
    columns = [*fixed, *mapped]
    selected = ["%s"] * len(fixed) + [f"part.{qn(source)}" for source in mapped.values()]
    statement = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608  # nosec B608
        f"SELECT {', '.join(selected)} FROM ({sql}) part"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*fixed.values(), *params])
        return cursor.rowcount


def summary_models() -> tuple[type[models.Model], ...]:
    return (CaseSummary, ChannelSummary)


@transaction.atomic
def rebuild_in_database() -> dict[str, int]:
    """Replace every summary with what the records give, computed and written by the
    database; returns rows written per part (as ``rebuild.rebuild`` does)."""
    CaseSummary.objects.all().delete()
    ChannelSummary.objects.all().delete()
    written: dict[str, int] = {}
    for part in PARTS:
        if part.table == "case":
            count = _insert_select(
                CaseSummary,
                {"basis": part.basis, "grain": part.grain},
                {"place_code": "k_place", "period_key": "k_period", "category_id": "category_id"}
                | {measure: measure for measure in MEASURES},
                expected_cases(part.basis, part.grain),
            )
        else:
            count = _insert_select(
                ChannelSummary,
                {"grain": part.grain},
                {"place_code": "k_place", "period_key": "k_period", "channel": "channel", "reported": "reported"},
                expected_channels(part.grain),
            )
        written[str(part)] = count
    return written
