"""Pages read ids first (core.paging.IdsFirst), and the register's place index answers that
first read alone."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.paginator import Paginator
from django.db import connection

from safevillage.core.paging import IdsFirst
from safevillage.incidents.filters import filter_incidents
from safevillage.incidents.models import Incident
from tests.incidents.factories_register import NOW, incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(places):
    """Seven records in Kansoam Ak reported an hour apart (two at the same moment), one in
    the next commune."""
    made = [
        incident(places["14030501"], reported_at=NOW - datetime.timedelta(hours=hours), description=f"r{hours}")
        for hours in (5, 1, 3, 3, 7, 2, 6)
    ]
    incident(places["14030601"], reported_at=NOW)
    return made


def newest_first(user):
    return filter_incidents(Incident.objects.visible_to(user), {}).queryset


def test_pages_keep_the_querysets_order_and_scope(register, sokha):
    ordered = list(newest_first(sokha))
    pages = Paginator(IdsFirst(newest_first(sokha)), 3)
    assert pages.count == 7
    read = [row for number in pages.page_range for row in pages.page(number).object_list]
    assert read == ordered
    # Ties on the report time are broken by the id, as in the queryset itself.
    assert [r.description for r in read] == ["r1", "r2", "r3", "r3", "r5", "r6", "r7"]
    assert [r.pk for r in read[2:4]] == sorted((r.pk for r in read[2:4]), reverse=True)


def test_a_record_deleted_between_the_two_reads_is_left_out(register, sokha, monkeypatch):
    rows = IdsFirst(newest_first(sokha))
    gone = register[1]
    real_in_bulk = type(rows.queryset).in_bulk

    def in_bulk_after_deletion(queryset, ids):
        Incident.objects.filter(pk=gone.pk).delete()
        return real_in_bulk(queryset, ids)

    monkeypatch.setattr(type(rows.queryset), "in_bulk", in_bulk_after_deletion)
    assert [r.description for r in rows[0:3]] == ["r2", "r3"]


def test_an_unordered_queryset_is_refused(db):
    with pytest.raises(ValueError, match="ordered"):
        IdsFirst(Incident.objects.order_by())


def test_a_page_of_a_communes_register_is_found_in_the_place_index_alone(register, sokha):
    ids = newest_first(sokha).values_list("pk", flat=True)[:20]
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            # The place's index, or the newest-first one walked in the list's order
            # (decision 0009): either way, from an index alone.
            assert re.search(r"USING COVERING INDEX incident_(place_month|newest)", plan), plan
        else:
            # A handful of rows: the planner would rather scan them, unless told not to. (When
            # it runs, the scan skips the rows for pages VACUUM has marked all-visible.)
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("SET enable_bitmapscan = off")
            try:
                cursor.execute(f"EXPLAIN {sql}", params)
                plan = " ".join(row[0] for row in cursor.fetchall())
            finally:
                cursor.execute("RESET enable_seqscan")
                cursor.execute("RESET enable_bitmapscan")
            assert re.search(r"Index Only Scan (Backward )?using incident_(place_month|newest)", plan), plan


def test_one_record_by_its_position(register, sokha):
    rows = IdsFirst(newest_first(sokha))
    assert rows[0].description == "r1"
    assert rows[6].description == "r7"
    with pytest.raises(IndexError):
        rows[7]
