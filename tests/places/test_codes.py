"""Everything under a place, as an index-friendly range."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safevillage.incidents.models import Incident
from safevillage.places.codes import under
from safevillage.places.models import Place


def test_a_prefix_becomes_a_range_ending_before_the_next_code():
    q = under("code", "140305")
    assert dict(q.children) == {"code__gte": "140305", "code__lt": "140306"}
    assert dict(under("code", "1409").children) == {"code__gte": "1409", "code__lt": "140:"}
    assert under("code", "") == under("code", "")  # the whole country: no condition
    assert not under("code", "").children


@pytest.mark.django_db
def test_under_selects_the_place_and_what_lies_below_it_and_nothing_else(places):
    codes = list(Place.objects.filter(under("code", "1403")).values_list("code", flat=True))
    assert codes == ["1403", "140305", "14030501", "14030502", "140306", "14030601"]
    assert not Place.objects.filter(under("code", "140399")).exists()


@pytest.mark.django_db
def test_jurisdiction_queries_use_a_range_not_like(sokha):
    with CaptureQueriesContext(connection) as queries:
        list(Incident.objects.visible_to(sokha))
    sql = queries.captured_queries[-1]["sql"]
    assert "LIKE" not in sql.upper() and ">=" in sql
