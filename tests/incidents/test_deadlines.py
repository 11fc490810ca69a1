"""Which deadline a record has missed and by how long, at a fixed instant; the overdue page."""

from __future__ import annotations

import datetime
import re

import pytest

from safevillage.accounts.roles import Role
from safevillage.incidents.deadlines import (
    ACKNOWLEDGEMENT,
    CLOSURE,
    FIRST_ACTION,
    classify,
    overdue_by_commune,
    worst,
)
from safevillage.incidents.filters import overdue_q
from safevillage.incidents.models import Incident, Status
from tests.incidents.factories_register import incident, on_time, overdue

pytestmark = pytest.mark.django_db

# A fixed instant for the rules: 2026-03-20 10:00 in Phnom Penh.
AT = datetime.datetime(2026, 3, 20, 3, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def record(places):
    """Reported at AT: acknowledge within 1 day, first action within 7, close within 30."""
    return incident(places["14030501"], reported_at=AT)


def kinds(record, now):
    return [(m.kind, m.days_late) for m in classify(record, now)]


def in_sql(record, now) -> bool:
    return Incident.objects.filter(pk=record.pk).filter(overdue_q(now)).exists()


def test_a_deadline_is_missed_only_once_its_moment_has_passed(record):
    due = record.acknowledge_due_at
    assert kinds(record, due - SECOND) == []
    assert kinds(record, due) == []
    assert kinds(record, due + SECOND) == [(ACKNOWLEDGEMENT, 0)]
    assert kinds(record, due + DAY - SECOND) == [(ACKNOWLEDGEMENT, 0)]
    assert kinds(record, due + DAY) == [(ACKNOWLEDGEMENT, 1)]


@pytest.mark.parametrize("offset", [-SECOND, datetime.timedelta(0), SECOND])
@pytest.mark.parametrize("deadline", ["acknowledge_due_at", "action_due_at", "close_due_at"])
def test_python_and_sql_agree_at_every_boundary(record, deadline, offset):
    now = getattr(record, deadline) + offset
    assert bool(classify(record, now)) == in_sql(record, now)


def test_missed_deadlines_accumulate_until_each_step_is_done(record):
    assert kinds(record, AT + 8 * DAY) == [(ACKNOWLEDGEMENT, 7), (FIRST_ACTION, 1)]
    assert kinds(record, AT + 31 * DAY) == [(ACKNOWLEDGEMENT, 30), (FIRST_ACTION, 24), (CLOSURE, 1)]
    record.acknowledged_at = AT + 2 * DAY
    record.first_action_at = AT + 3 * DAY
    assert kinds(record, AT + 8 * DAY) == []
    assert kinds(record, AT + 31 * DAY) == [(CLOSURE, 1)]
    assert worst(classify(record, AT + 40 * DAY)).kind == CLOSURE


def test_the_worst_miss_is_the_longest_late(record):
    late = worst(classify(record, AT + 10 * DAY))
    assert (late.kind, late.days_late) == (ACKNOWLEDGEMENT, 9)
    assert worst([]) is None


@pytest.mark.parametrize("status", [Status.CLOSED, Status.WITHDRAWN])
def test_closed_or_withdrawn_records_are_never_overdue(places, status):
    finished = incident(places["14030501"], reported_at=AT, status=status)
    assert classify(finished, AT + 90 * DAY) == []
    assert not in_sql(finished, AT + 90 * DAY)


def test_a_record_under_review_after_complaint_is_overdue_again(places):
    reopened = incident(places["14030501"], reported_at=AT, status=Status.UNDER_REVIEW, acknowledged_at=AT)
    assert kinds(reopened, AT + 31 * DAY) == [(FIRST_ACTION, 24), (CLOSURE, 1)]


def test_overdue_counts_per_commune_in_one_query(places, django_assert_num_queries):
    for village in ("14030501", "14030502", "14030601"):
        incident(places[village], reported_at=AT)
    incident(places["14030601"], reported_at=AT + 5 * DAY)
    with django_assert_num_queries(1):
        counts = overdue_by_commune(Incident.objects.all(), AT + 2 * DAY)
    assert counts == {"140305": 2, "140306": 1}


# --- The overdue page -------------------------------------------------------------------


def overdue_page(client, user, query=""):
    client.force_login(user)
    return client.get("/incidents/overdue/" + query)


def shown(response) -> set[str]:
    tables = re.findall(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S)
    return set(re.findall(r">(\d{2}-\d{4}-\d{4}-\d{6})<", "".join(tables)))


@pytest.fixture
def late_records(places):
    return {
        "kansoam": overdue(places["14030501"], days_late=2),
        "trabaek": overdue(places["14030601"], days_late=5),
        "elsewhere": overdue(places["14040101"]),
        "fine": on_time(places["14030502"]),
    }


def test_district_officer_sees_overdue_records_of_both_communes_with_counts(client, vannak, late_records):
    response = overdue_page(client, vannak)
    assert response.status_code == 200
    assert shown(response) == {late_records["kansoam"].reference, late_records["trabaek"].reference}
    html = response.content.decode()
    assert "5 days late" in html
    assert "Kansoam Ak" in html and "Kampong Trabaek" in html


def test_district_officer_narrows_to_one_commune(client, vannak, late_records):
    assert shown(overdue_page(client, vannak, "?place=140306")) == {late_records["trabaek"].reference}
    response = overdue_page(client, vannak, "?place=bad")
    assert response.status_code == 400
    assert shown(response) == set()


def test_commune_police_see_the_overdue_records_of_their_own_commune_only(client, sokha, dara, late_records):
    assert shown(overdue_page(client, sokha)) == {late_records["kansoam"].reference}
    assert shown(overdue_page(client, dara)) == {late_records["trabaek"].reference}
    assert shown(overdue_page(client, dara, "?place=140305")) == set()


def test_provincial_secretariat_sees_every_district(client, chenda, late_records):
    assert shown(overdue_page(client, chenda)) == {
        late_records["kansoam"].reference,
        late_records["trabaek"].reference,
        late_records["elsewhere"].reference,
    }


def test_village_chief_and_unassigned_account_get_404(client, make_user, places, nobody, late_records):
    chief = make_user("chief", Role.VILLAGE_CHIEF, places["14030501"])
    assert overdue_page(client, chief).status_code == 404
    assert overdue_page(client, nobody).status_code == 404


def test_no_overdue_record_says_so(client, vannak, places):
    on_time(places["14030501"])
    assert "No overdue records in these places." in overdue_page(client, vannak).content.decode()


def test_the_overdue_page_query_count_does_not_grow(client, vannak, places, django_assert_max_num_queries):
    for n in range(40):
        overdue(places["14030501" if n % 2 else "14030601"], days_late=n % 5)
    client.force_login(vannak)
    client.get("/incidents/overdue/")
    with django_assert_max_num_queries(14):
        assert client.get("/incidents/overdue/").status_code == 200
