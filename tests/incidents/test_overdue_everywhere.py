"""One definition of "overdue": the home page's count, the overdue page, the register's
"overdue only" filter (page and API), escalation and the report's overdue figure count the
same records at the same instant, for the national secretariat and for a commune officer,
including records exactly at their deadline (not yet overdue) and closed or withdrawn ones
(never overdue)."""

from __future__ import annotations

import datetime
import zoneinfo
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from safevillage.accounts.models import RoleAssignment
from safevillage.incidents.deadlines import classify, overdue_q, overdue_records
from safevillage.incidents.escalation import escalate_overdue
from safevillage.incidents.models import Incident, Status
from safevillage.reports.rebuild import rebuild
from tests.incidents.factories_register import incident

pytestmark = pytest.mark.django_db

# 2026-03-20 10:00 in Phnom Penh: the pages' clock is held here.
NOW = datetime.datetime(2026, 3, 20, 3, 0, tzinfo=datetime.UTC)
PHNOM_PENH = zoneinfo.ZoneInfo("Asia/Phnom_Penh")
DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def records(places, clock):
    """Records of March 2026 in Prey Veng (acknowledge within 1 day, first action within
    7, close within 30), by whether they are overdue at NOW. The people asked for before
    them have been in post since last year."""
    RoleAssignment.objects.update(started_at=NOW - 365 * DAY)
    kansoam, prey_totueng, trabaek = places["14030501"], places["14030502"], places["14030601"]
    made = {
        "overdue": [
            incident(kansoam, reported_at=NOW - 3 * DAY),  # not acknowledged in time
            incident(kansoam, reported_at=NOW - DAY - SECOND),  # a second past its deadline
            incident(prey_totueng, reported_at=NOW - 9 * DAY, acknowledged_at=NOW - 8 * DAY),  # no first action
            incident(trabaek, reported_at=NOW - 4 * DAY),  # the neighbouring commune
            # Reopened after a complaint: open again, past its deadlines.
            incident(
                kansoam,
                reported_at=NOW - 2 * DAY,
                acknowledged_at=NOW - 2 * DAY,
                first_action_at=NOW - 2 * DAY,
                close_due_at=NOW - SECOND,
                status=Status.UNDER_REVIEW,
            ),
        ],
        "not overdue": [
            incident(kansoam, reported_at=NOW - DAY),  # exactly at its deadline: still on time
            incident(trabaek, reported_at=NOW - DAY),
            incident(kansoam, reported_at=NOW - 2 * DAY, acknowledged_at=NOW - DAY - DAY // 2),
            incident(kansoam, reported_at=NOW - 10 * DAY, status=Status.CLOSED),
            incident(kansoam, reported_at=NOW - 10 * DAY, status=Status.WITHDRAWN),
            incident(trabaek, reported_at=NOW - 10 * DAY, status=Status.WITHDRAWN),
        ],
    }
    # Made directly, as a bulk load makes them: the report reads its overdue figure from the
    # counters kept with the records, which the summaries' rebuild fills.
    rebuild()
    return made


def counts_seen_by(client, user) -> dict[str, int]:
    """Every count of overdue records the user is shown, read from the pages and the API."""
    # In post since last year (the clock is held in March 2026).
    RoleAssignment.objects.filter(user=user).update(started_at=NOW - 365 * DAY)
    client.force_login(user)
    home = client.get("/").context
    # The home page's work queue: the overdue part of the user's (only) queue.
    (queue,) = home["queues"]
    (overdue,) = [s for s in queue.sections if s.key in ("overdue", "oldest_overdue")]
    supervises = queue.role != "commune_police"
    page = client.get("/incidents/overdue/")
    register = client.get("/incidents/", {"overdue": "1"})
    api = APIClient()
    api.force_authenticate(user)
    listed = api.get("/api/v1/incidents/", {"overdue": "true"}).json()
    # The report of the user's place for March 2026: the "All records" row's overdue figure,
    # and the records behind its link.
    place = "14" if supervises else "140305"
    report = client.get(f"/reports/{place}/202603/").context["r"]
    cell = next(c for c in report.lines[0].cells if c.code == "overdue")
    link = urlsplit(cell.url)
    behind = client.get(link.path + "?" + link.query)
    return {
        "home": overdue.count,
        "overdue page": page.context["total"],
        "overdue page rows": page.context["page"].paginator.count,
        "register": register.context["page"].count,
        "api": listed["count"],
        "report": cell.value,
        "report link": behind.context["page"].count,
    }


def test_the_national_secretariat_sees_one_count_everywhere(client, national, records):
    # Every record lies in Prey Veng, so the province's report counts the whole country's.
    assert set(counts_seen_by(client, national).values()) == {len(records["overdue"])}


def test_a_commune_officer_sees_one_count_everywhere(client, sokha, records):
    in_kansoam = [r for r in records["overdue"] if r.place_code.startswith("140305")]
    assert set(counts_seen_by(client, sokha).values()) == {len(in_kansoam)}


def test_the_national_overdue_page_lists_the_records_the_home_page_counts(client, national, records):
    client.force_login(national)
    page = client.get("/incidents/overdue/").content.decode()
    assert "No overdue records" not in page
    for record in records["overdue"]:
        assert record.reference in page
    for record in records["not overdue"]:
        assert record.reference not in page


def test_escalation_takes_exactly_the_overdue_records(records):
    escalated = {e.reference for e in escalate_overdue(NOW, DAY)}
    assert escalated == {r.reference for r in records["overdue"]}


def test_python_and_sql_agree_on_every_record(records):
    selected = set(Incident.objects.overdue(NOW).values_list("reference", flat=True))
    assert selected == {r.reference for r in Incident.objects.all() if classify(r, NOW)}
    assert selected == {r.reference for r in records["overdue"]}


def test_the_same_instant_in_phnom_penh_or_utc_selects_the_same_records(national, records):
    local = NOW.astimezone(PHNOM_PENH)
    assert local.hour == 10
    assert overdue_records(national, local).count() == overdue_records(national, NOW).count() == 5
    for record in Incident.objects.all():
        assert classify(record, local) == classify(record, NOW)


def test_a_time_without_a_zone_is_refused_not_guessed():
    # Read as Phnom Penh by the database and as nothing by Python, it would count two ways.
    with pytest.raises(ValueError):
        overdue_q(NOW.replace(tzinfo=None))
