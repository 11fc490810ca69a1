"""The register's main filters, planned as at national size (decision 0009).

SQLite is given the statistics of a register of a million records (``sqlite_stat1`` as
ANALYZE wrote it on the synthetic register), so that it plans these few records as it plans
a large register; large selections are made so by lowering the count limit. A page of a
large selection walks an index in the list's order (no full scan of the table, no sort of
the selection); a small one seeks the index of its filters; counts stop at the limit."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safevillage.accounts.scoping import forget
from safevillage.core import paging
from safevillage.core.paging import Cursor, KeysetPages
from safevillage.incidents.filters import filter_incidents
from safevillage.incidents.models import Incident, Status
from tests.incidents.factories_register import NOW, category, incident

pytestmark = pytest.mark.django_db

# sqlite_stat1 of the register at a million records (manage.py generate_synthetic).
STAT1 = {
    "incident_category_place": "1000000 47620 7 2 1 1",
    "incident_place_month": "1000000 69 2 1 1 1",
    "incident_occurred": "1000000 16667 2 1 1 1 1",
    "incident_newest": "1000000 2 1 1 1 1 1",
    "incident_status_place": "1000000 166667 7 2 1 1",
    "incidents_i_status_a7a346_idx": "1000000 166667 2",
    "sqlite_autoindex_incidents_incident_1": "1000000 1",
    "one_record_per_receipt": "1000 1",
    "one_record_per_device_submission": "1000 1000 1",
}

MAIN_FILTERS = [
    {},
    {"place": "14"},
    {"place": "1403"},
    {"place": "140305"},
    {"place": "14", "category": "theft"},
    {"category": "theft"},
    {"place": "14", "status": "open"},
    {"place": "14", "period": "2026"},
    {"place": "14", "period": "2026", "crime": "true", "status": "counted"},
    {"period": "2026", "category": "theft", "status": "counted"},
]


@pytest.fixture
def at_national_size(places):
    theft, assault = category("theft", is_crime=True), category("assault", is_crime=True)
    for hours, village, kind, status in [
        (1, "14030501", theft, Status.RECEIVED),
        (2, "14030601", assault, Status.CLOSED),
        (3, "14040101", theft, Status.INVESTIGATING),
        (4, "14030501", assault, Status.RECEIVED),
        (5, "14030501", theft, Status.CLOSED),
    ]:
        incident(places[village], reported_at=NOW - datetime.timedelta(hours=hours), kind=kind, status=status)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'incidents_incident'")
        for index, stat in STAT1.items():
            cursor.execute("INSERT INTO sqlite_stat1 VALUES ('incidents_incident', %s, %s)", [index, stat])
        cursor.execute("ANALYZE sqlite_schema")  # reads the statistics again


def plan(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [str(row[-1]) for row in cursor.fetchall()]


def planned_page(national, params: dict[str, str], cursor: bool) -> dict[str, list[str]]:
    """The plans of the queries a page runs: its count, its ids, its rows."""
    result = filter_incidents(Incident.objects.visible_to(national), params)
    assert not result.errors
    pages = KeysetPages(result.queryset, result.keys, result.descending, result.walk_index)
    position = None
    if cursor:
        first = result.queryset.values_list(*result.keys).first()
        assert first is not None
        position = Cursor(tuple(first))
    with CaptureQueriesContext(connection) as queries:
        pages.page(2, position)
    register = [q["sql"] for q in queries.captured_queries if '"incidents_incident"' in q["sql"]]
    count, ids, *rows = register
    assert "COUNT(*)" in count and "ORDER BY" in ids
    return {"count": plan(count), "ids": plan(ids), "rows": [line for sql in rows for line in plan(sql)]}


def full_scans(lines: list[str]) -> list[str]:
    return [line for line in lines if line.strip() == "SCAN incidents_incident"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans; PostgreSQL's in decision 0009")
@pytest.mark.parametrize("params", MAIN_FILTERS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all")
@pytest.mark.parametrize("cursor", [False, True], ids=["first page", "after a cursor"])
def test_a_large_selections_page_walks_an_index_in_its_order(at_national_size, national, monkeypatch, params, cursor):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 0)  # every selection counts as large
    plans = planned_page(national, params, cursor)
    assert not full_scans(plans["count"] + plans["ids"] + plans["rows"]), plans
    assert not any("TEMP B-TREE" in line for line in plans["ids"]), plans["ids"]
    walked = "incident_occurred" if "period" in params else "incident_newest"
    assert any(f"COVERING INDEX {walked}" in line for line in plans["ids"]), plans["ids"]
    assert all("INTEGER PRIMARY KEY" in line for line in plans["rows"] if "incidents_incident" in line)
    if params:
        # Counted from the entries of its filters' index, up to the limit.
        assert any(line.startswith("SEARCH incidents_incident USING COVERING INDEX") for line in plans["count"])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans; PostgreSQL's in decision 0009")
@pytest.mark.parametrize("params", MAIN_FILTERS[1:], ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_a_small_selection_is_sought_in_the_index_of_its_filters(at_national_size, national, params):
    plans = planned_page(national, params, cursor=False)
    assert not full_scans(plans["count"] + plans["ids"] + plans["rows"]), plans
    # Found by a seek; sorted (at most COUNT_LIMIT rows) unless the index is in the list's order.
    assert any(line.startswith("SEARCH incidents_incident USING") for line in plans["ids"]), plans["ids"]
    assert any(line.startswith("SEARCH incidents_incident USING COVERING INDEX") for line in plans["count"])


# --- Queries per page --------------------------------------------------------------------

# Every register page: the session, the user, the user's roles, the places and categories of
# the filter form, and the page itself: its count, its ids, its rows.
PAGE_QUERIES = 8


def counts_of(queries: CaptureQueriesContext) -> int:
    return sum(1 for q in queries.captured_queries if "COUNT(" in q["sql"] and '"incidents_incident"' in q["sql"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", PAGE_QUERIES),
        ("?place=14", PAGE_QUERIES),
        ("?place=14&status=open", PAGE_QUERIES),
        ("?place=14&period=2026&sort=-occurred", PAGE_QUERIES),
        ("?place=14&category=theft", PAGE_QUERIES + 1),  # the category's id
    ],
)
def test_a_register_page_runs_the_same_queries_at_any_size_and_depth(
    client, national, at_any_size, django_assert_num_queries, query, expected
):
    client.force_login(national)
    client.get("/incidents/")  # the first request after sign-in also writes the session
    with django_assert_num_queries(expected) as queries:
        first = client.get(f"/incidents/{query}{'&' if query else '?'}page_size=2")
    assert counts_of(queries) == 1  # counted once, never twice
    assert first.context["next_url"]
    with django_assert_num_queries(expected):
        client.get("/incidents/" + first.context["next_url"])


def test_a_figures_list_reads_its_count_from_the_summaries(client, national, at_any_size, django_assert_num_queries):
    client.force_login(national)
    client.get("/incidents/")
    # Instead of the count: the crime summary's counters, added up in the database.
    with django_assert_num_queries(PAGE_QUERIES) as queries:
        response = client.get("/incidents/?place=14&period=2026&crime=true&status=counted")
    assert counts_of(queries) == 0
    # This factory keeps no summaries: the list shows what they hold, whatever it finds.
    assert response.context["page"].count == 0
    assert response.context["rows"]


def test_an_api_page_runs_the_same_queries_at_any_depth(national, at_any_size, django_assert_num_queries):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(national)
    # The caller's roles, the count, the ids, the rows, and the rows' tags, people and seized
    # items. (The roles are read once per user object: forgotten here as a new request would.)
    forget(national)
    with django_assert_num_queries(7) as queries:
        first = api.get("/api/v1/incidents/?place=14&limit=2").json()
    assert counts_of(queries) == 1
    forget(national)
    with django_assert_num_queries(7):
        api.get(first["next"])


@pytest.fixture
def at_any_size(places):
    category("theft", is_crime=True)
    for hours in range(1, 8):
        incident(places["14030501"], reported_at=NOW - datetime.timedelta(hours=hours), period_month=202601)
