"""Planner statistics are written after bulk loads and refreshed on a schedule, SQLite's only
for the tables that grew (core/planner_stats.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from safevillage.core import planner_stats
from safevillage.jobs import tasks
from tests.incidents.factories_register import incident

pytestmark = pytest.mark.django_db

REGISTER = "incidents_incident"


def analysed_rows(table: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s LIMIT 1", [table])
        row = cursor.fetchone()
    return int(row[0].split()[0]) if row else None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL analyses every table each run")
def test_sqlite_analyses_the_register_again_only_once_it_has_grown(places, monkeypatch):
    monkeypatch.setattr(planner_stats, "SQLITE_SMALL_TABLE", 0)
    for _ in range(5):
        incident(places["14030501"])
    assert REGISTER in planner_stats.refresh()
    assert analysed_rows(REGISTER) == 5
    assert REGISTER not in planner_stats.refresh()
    incident(places["14030501"])  # 6 rows: a fifth more, not more than that
    assert REGISTER not in planner_stats.refresh()
    incident(places["14030501"])
    assert REGISTER in planner_stats.refresh()
    assert analysed_rows(REGISTER) == 7


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite is checked table by table")
def test_postgresql_analyses_the_whole_database(db):
    assert planner_stats.refresh() == ["*"]


def test_the_scheduled_job_says_what_it_analysed(db):
    assert tasks.refresh_statistics().startswith("Analysed ")
