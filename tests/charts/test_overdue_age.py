"""The age of the records overdue now: each bucket, read from the summaries, counts exactly
the records its link lists (the register's ``overdue_days``), and the buckets add up to every
overdue record of the place."""

from __future__ import annotations

import datetime

from django.utils import timezone

from safevillage.charts.report_charts import overdue_age_chart
from safevillage.incidents.filters import selection_q
from safevillage.incidents.models import Incident
from tests.reports.conftest import PHNOM_PENH


def _query(url: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(url).query))


def test_each_bucket_counts_the_records_its_link_lists(make_record):
    now = timezone.now()
    for days in (2, 3, 12, 40, 45, 200, 500, 900):
        make_record("14030501", "theft", (now - datetime.timedelta(days=days)).astimezone(PHNOM_PENH))
    make_record("14030601", "theft", (now - datetime.timedelta(days=60)).astimezone(PHNOM_PENH))
    chart = overdue_age_chart("140305", now)
    assert chart is not None
    points = chart.series[0].points
    overdue = Incident.objects.overdue(now).filter(place_code__startswith="140305").count()
    assert sum(p.value for p in points) == overdue > 0
    for point in points:
        if not point.value:
            assert not point.url
            continue
        params = _query(point.url)
        assert params["place"] == "140305" and params["overdue"] == "true"
        q, errors = selection_q(params, now)
        assert not errors
        assert Incident.objects.filter(q).count() == point.value, point.label


def test_a_bad_span_of_days_is_refused_with_a_message():
    for bad in ("8", "a-b", "-3", "8-x", "123456-"):
        _q, errors = selection_q({"overdue_days": bad})
        assert "overdue_days" in errors, bad
