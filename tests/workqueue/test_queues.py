"""What each role's work queue holds, and what it never holds: a neighbouring commune's
records, a record outside the supervisor's place, a report already in."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safevillage.accounts.models import RoleAssignment
from safevillage.accounts.roles import Role
from safevillage.audit.models import Verification
from safevillage.incidents.models import Status
from safevillage.reports.models import ReportStatus
from safevillage.reports.reminders import due_periods, send_reminders
from safevillage.workqueue import queues
from safevillage.workqueue.queues import queues_for
from tests.incidents.factories_register import NOW, incident, on_time, overdue
from tests.workqueue.conftest import report

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def queue_of(user):
    assignments = list(RoleAssignment.objects.active().filter(user=user).select_related("place"))
    (queue,) = queues_for(user, assignments)
    return queue


def part(queue, key) -> set[str]:
    section = next(s for s in queue.sections if s.key == key)
    return {item.incident.reference for item in section.items}


@pytest.fixture
def commune_records(places, policy, sokha, dara, make_user):
    """Records in Kansoam Ak (sokha's commune) in every state a queue cares about, and the
    same in the neighbouring commune, Kampong Trabaek (dara's)."""
    other = make_user("kosal", Role.COMMUNE_POLICE, places["140305"])
    made = {}
    for commune, village in (("kansoam", places["14030501"]), ("trabaek", places["14030601"])):
        made[f"{commune}_new"] = on_time(village)
        # Acknowledged, but no first action in the category's seven days.
        made[f"{commune}_late"] = overdue(
            village, days_late=10, status=Status.ACKNOWLEDGED, acknowledged_at=NOW - 10 * DAY
        )
        made[f"{commune}_reopened"] = on_time(village, status=Status.UNDER_REVIEW, acknowledged_at=NOW - DAY)
        made[f"{commune}_mine"] = on_time(
            village, status=Status.INVESTIGATING, assigned_to=sokha, acknowledged_at=NOW - DAY, first_action_at=NOW
        )
        made[f"{commune}_escalated"] = overdue(
            village,
            days_late=10,
            escalated_to_level=2,
            escalated_at=NOW - DAY,
            status=Status.ACKNOWLEDGED,
            acknowledged_at=NOW - 9 * DAY,
        )
        made[f"{commune}_closed"] = incident(village, status=Status.CLOSED)
    made["kansoam_theirs"] = on_time(
        places["14030502"], status=Status.INVESTIGATING, assigned_to=other, acknowledged_at=NOW, first_action_at=NOW
    )
    return made


def test_the_commune_police_queue_holds_what_waits_for_the_commune(sokha, commune_records):
    r = {key: record.reference for key, record in commune_records.items()}
    queue = queue_of(sokha)

    assert part(queue, "new") == {r["kansoam_new"]}
    assert part(queue, "overdue") == {r["kansoam_late"], r["kansoam_escalated"]}
    assert part(queue, "reopened") == {r["kansoam_reopened"]}
    assert part(queue, "assigned") == {r["kansoam_mine"]}
    assert part(queue, "escalated") == {r["kansoam_escalated"]}
    new = next(s for s in queue.sections if s.key == "new")
    assert new.items[0].can_acknowledge
    assert new.url == "/incidents/?place=140305&status=received"


def test_the_neighbouring_communes_records_never_show(sokha, dara, commune_records):
    for officer, own, neighbour in ((sokha, "kansoam", "trabaek"), (dara, "trabaek", "kansoam")):
        queue = queue_of(officer)
        shown = set().union(*(part(queue, section.key) for section in queue.sections))
        assert {commune_records[f"{neighbour}_{kind}"].reference for kind in ("new", "late", "reopened")}.isdisjoint(
            shown
        )
        assert commune_records[f"{own}_new"].reference in shown


def test_the_home_page_shows_the_queue_with_counts_ages_and_links(client, sokha, commune_records):
    client.force_login(sokha)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "New records to acknowledge" in html
    assert f'href="/incidents/{commune_records["kansoam_new"].reference}/"' in html
    assert "reported 2 hours ago" in html
    assert "late" in html
    assert commune_records["trabaek_new"].reference not in html
    assert f'action="/queue/acknowledge/{commune_records["kansoam_new"].reference}/"' in html


def test_the_commune_council_sees_the_queue_but_cannot_acknowledge(places, make_user, commune_records):
    council = make_user("council", Role.COMMUNE_COUNCIL, places["140305"])
    queue = queue_of(council)
    new = next(s for s in queue.sections if s.key == "new")
    assert [i.incident.reference for i in new.items] == [commune_records["kansoam_new"].reference]
    assert not new.items[0].can_acknowledge


def test_the_communes_reports_due_leave_the_queue_once_submitted(places, sokha):
    queue = queue_of(sokha)
    periods = due_periods()
    assert [due.period for due in queue.reports] == periods
    assert all(due.state == "not_started" for due in queue.reports)
    assert queue.next_report is not None and queue.next_report.period == periods[0].next()

    report(places["140305"], periods[0], ReportStatus.SUBMITTED)
    report(places["140305"], periods[1], ReportStatus.RETURNED)
    queue = queue_of(sokha)
    assert [(due.period, due.state) for due in queue.reports] == [
        (periods[1], ReportStatus.RETURNED),
        (periods[2], "not_started"),
        (periods[3], "not_started"),
    ]


def test_reminders_show_in_the_queue_of_the_place_reminded_only(client, places, sokha, dara):
    send_reminders()
    report(places["140306"], due_periods()[0], ReportStatus.SUBMITTED)
    # Kansoam Ak is reminded of its four reports; Kampong Trabaek's month is in.
    assert len(queue_of(sokha).reminders) == 4
    assert {r.place_code for r in queue_of(sokha).reminders} == {"140305"}
    assert len(queue_of(dara).reminders) == 3
    client.force_login(sokha)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Reminders" in html
    assert f'href="/reports/140305/{due_periods()[0].id}/"' in html


def test_the_village_chief_sees_the_villages_records_and_their_status(places, policy, make_user):
    chief = make_user("chief", Role.VILLAGE_CHIEF, places["14030501"])
    here = [on_time(places["14030501"]), incident(places["14030501"], status=Status.CLOSED)]
    elsewhere = [on_time(places["14030502"]), on_time(places["14030601"])]
    queue = queue_of(chief)
    assert part(queue, "village") == {r.reference for r in here}
    assert not part(queue, "village") & {r.reference for r in elsewhere}
    statuses = {i.incident.get_status_display(): i.deadline for s in queue.sections for i in s.items}
    assert statuses.keys() == {"Received", "Closed"}
    assert statuses["Closed"] == ""  # a closed record has no deadline left


def test_the_district_sees_what_was_escalated_to_it_and_the_longest_overdue(places, policy, vannak):
    inside = overdue(places["14030501"], days_late=9, escalated_to_level=2, escalated_at=NOW - DAY)
    to_province = overdue(places["14030601"], days_late=20, escalated_to_level=1, escalated_at=NOW - DAY)
    other_district = overdue(places["14040101"], days_late=30, escalated_to_level=2, escalated_at=NOW - DAY)
    recent = overdue(places["14030502"], days_late=1)
    queue = queue_of(vannak)
    assert part(queue, "escalated_to_me") == {inside.reference}
    oldest = next(s for s in queue.sections if s.key == "oldest_overdue")
    # Longest past its closing deadline first; nothing outside the district.
    assert [i.incident.reference for i in oldest.items] == [to_province.reference, inside.reference, recent.reference]
    assert other_district.reference not in part(queue, "escalated_to_me") | part(queue, "oldest_overdue")


def test_the_district_sees_the_communes_that_have_not_submitted_then_its_approval(places, vannak):
    month = due_periods()[0]
    queue = queue_of(vannak)
    (month_due,) = [due for due in queue.children if due.period == month]
    assert [p.code for p in month_due.behind] == ["140305", "140306"]
    assert month_due.expected == 2 and not month_due.waiting

    report(places["140305"], month, ReportStatus.SUBMITTED)
    report(places["140306"], month, ReportStatus.SUBMITTED)
    (month_due,) = [due for due in queue_of(vannak).children if due.period == month]
    assert month_due.behind == [] and month_due.waiting
    assert month_due.url == f"/reports/1403/{month.id}/"

    report(places["1403"], month, ReportStatus.APPROVED)
    assert month not in [due.period for due in queue_of(vannak).children]


def test_the_province_and_the_nation_see_the_level_below(places, chenda, national):
    month = due_periods()[0]
    (due,) = [d for d in queue_of(chenda).children if d.period == month]
    assert [p.code for p in due.behind] == ["1403", "1404"]
    report(places["14"], month, ReportStatus.APPROVED)
    (due,) = [d for d in queue_of(national).children if d.period == month]
    assert [p.code for p in due.behind] == ["08"]
    assert due.waiting  # Prey Veng's approved report waits for the ministry's acceptance


def test_the_auditor_sees_the_last_verification(places, make_user):
    auditor = make_user("auditor", Role.AUDITOR, None)
    queue = queue_of(auditor)
    assert queue.audit is not None and queue.audit.last is None and queue.audit.stale
    Verification.objects.create(verified_at=timezone.now(), intact=True, events=12)
    queue = queue_of(auditor)
    assert queue.audit.last.events == 12 and not queue.audit.stale
    Verification.objects.create(verified_at=timezone.now() - 3 * DAY, intact=True, events=1)
    assert not queue_of(auditor).audit.stale  # the latest one counts


def test_counts_stop_at_the_cap(places, policy, national, monkeypatch, client):
    monkeypatch.setattr(queues, "CAP", 6)
    for _n in range(8):
        overdue(places["14030501"])
    oldest = next(s for s in queue_of(national).sections if s.key == "oldest_overdue")
    assert (oldest.count, oldest.capped, len(oldest.items)) == (6, True, queues.LIMIT)
    client.force_login(national)
    assert "more than 6" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_national_home_page_costs_the_same_queries_however_many_records(
    places, policy, national, client, django_assert_max_num_queries
):
    client.force_login(national)
    for n in range(12):
        record = overdue(places["14030501" if n % 2 else "08010101"])
        record.escalated_to_level, record.escalated_at = 0, record.reported_at
        record.save()
    with django_assert_max_num_queries(30) as few:
        client.get("/")
    # The session, the user, the assignments, five queries for the overdue records, two for
    # those escalated, three for the reports below (and the page's menu).
    assert len(few.captured_queries) <= 20
    for _n in range(12):
        overdue(places["14030601"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


def test_the_longest_overdue_are_read_in_deadline_order_not_sorted(places, policy, chenda):
    """On SQLite: each query walks the (status, close_due_at) index and never sorts the
    province's records in a temporary B-tree (the place's index would)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("the plan pinned is SQLite's")
    overdue(places["14030501"])
    with CaptureQueriesContext(connection) as captured:
        assert len(queues.oldest_overdue(chenda, "14", timezone.now())) == 1
    plans = []
    for query in captured.captured_queries:
        if "incidents_incident" not in query["sql"]:
            continue  # the reader's assignments, read once for the scope check
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans.append(" | ".join(row[-1] for row in cursor.fetchall()))
    assert len(plans) == 4
    for plan in plans:
        assert "USING INDEX incidents_i_status" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
