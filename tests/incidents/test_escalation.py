"""Escalation of overdue records up the hierarchy, by the nightly job, and the supervisors'
home-page panel."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.incidents.escalation import escalate_overdue, escalated_to
from safevillage.incidents.models import Incident, Status
from tests.incidents.factories_register import incident, on_time, overdue

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 3, 20, 3, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def run(now: datetime.datetime, *extra: str) -> str:
    out = io.StringIO()
    call_command("escalate_overdue", "--now", now.isoformat(), *extra, stdout=out)
    return out.getvalue()


def level(record: Incident) -> int | None:
    record.refresh_from_db()
    return record.escalated_to_level


@pytest.fixture
def late(places):
    """Reported at AT: its acknowledgement is due a day later."""
    return incident(places["14030501"], reported_at=AT)


def test_an_overdue_commune_record_goes_to_the_district_first(late):
    output = run(AT + 2 * DAY)
    late.refresh_from_db()
    assert (late.escalated_to_level, late.escalated_at) == (2, AT + 2 * DAY)
    assert late.version == 2
    assert late.status == Status.RECEIVED  # escalation changes who answers, not the status
    assert "Escalated 1 record(s)" in output
    assert "1 to district, 0 to province, 0 to national" in output


def test_a_record_on_time_is_not_escalated(places):
    fine = incident(places["14030501"], reported_at=AT)
    run(AT + DAY)  # exactly at the acknowledgement deadline: not yet missed
    assert level(fine) is None


def test_still_overdue_a_week_after_it_goes_to_the_province_then_to_national(late):
    run(AT + 2 * DAY)
    run(AT + 8 * DAY)  # six days at the district
    assert level(late) == 2
    run(AT + 9 * DAY)  # seven days at the district
    assert level(late) == 1
    run(AT + 16 * DAY)
    assert level(late) == 0
    run(AT + 60 * DAY)  # national is the top
    assert level(late) == 0
    assert AuditEvent.objects.filter(action="incident.escalate").count() == 3


def test_the_wait_between_levels_is_configurable(late, settings):
    settings.ESCALATION_REPEAT_DAYS = 3
    run(AT + 2 * DAY)
    run(AT + 5 * DAY)
    assert level(late) == 1
    run(AT + 6 * DAY, "--days", "2")  # a day at the province
    assert level(late) == 1
    run(AT + 7 * DAY, "--days", "2")
    assert level(late) == 0


def test_running_twice_escalates_nothing_new(late, places):
    overdue(places["14030601"])
    run(AT + 2 * DAY)
    events = AuditEvent.objects.count()
    output = run(AT + 2 * DAY)
    assert "Escalated 0 record(s)" in output
    assert AuditEvent.objects.count() == events
    assert level(late) == 2


def test_a_record_acted_on_in_time_stops_climbing(late):
    run(AT + 2 * DAY)
    Incident.objects.filter(pk=late.pk).update(acknowledged_at=AT + 3 * DAY, first_action_at=AT + 3 * DAY)
    run(AT + 20 * DAY)  # closure is due at AT + 30 days
    assert level(late) == 2
    run(AT + 31 * DAY)  # now closure is missed, and it has been at the district long enough
    assert level(late) == 1


@pytest.mark.parametrize("status", [Status.CLOSED, Status.WITHDRAWN])
def test_closed_and_withdrawn_records_are_never_escalated(places, status):
    finished = incident(places["14030501"], reported_at=AT, status=status)
    run(AT + 40 * DAY)
    assert level(finished) is None


def test_each_escalation_is_audited_and_the_chain_stays_intact(late, places):
    other = incident(places["14030601"], reported_at=AT - 10 * DAY)
    run(AT + 2 * DAY)
    events = AuditEvent.objects.filter(action="incident.escalate").order_by("seq")
    assert [e.target_label for e in events] == sorted([late.reference, other.reference])
    event = events.get(target_id=str(late.pk))
    assert event.actor_id is None  # the scheduled job, not a person
    assert event.old == {"escalated_to_level": None}
    assert event.new["escalated_to_level"] == 2
    assert event.new["missed"][0]["deadline"] == "acknowledgement"
    assert event.new["missed"][0]["days_late"] == 1
    assert event.place_code == "14030501"
    verdict = verify_chain()
    assert verdict.intact, verdict.problem


def test_a_dry_run_writes_nothing_and_says_what_it_would_do(late):
    output = run(AT + 2 * DAY, "--dry-run")
    assert "would escalate " + late.reference in output
    assert "Would escalate 1 record(s)" in output
    assert "Dry run: nothing written." in output
    assert level(late) is None
    late.refresh_from_db()
    assert late.version == 1
    assert not AuditEvent.objects.exists()


def test_a_time_without_offset_is_phnom_penh_time(late):
    run_at = "2026-03-22T10:00:00"  # 03:00 UTC
    out = io.StringIO()
    call_command("escalate_overdue", "--now", run_at, stdout=out)
    late.refresh_from_db()
    assert late.escalated_at == AT + 2 * DAY


def test_a_bad_time_or_wait_is_refused():
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("escalate_overdue", "--now", "yesterday")
    with pytest.raises(CommandError, match="at least 1"):
        call_command("escalate_overdue", "--days", "0")


def test_a_record_escalated_meanwhile_by_another_run_is_not_escalated_twice(late):
    first = escalate_overdue(AT + 2 * DAY, 7 * DAY)
    second = escalate_overdue(AT + 2 * DAY, 7 * DAY)
    assert [e.reference for e in first] == [late.reference]
    assert second == []


# --- What supervisors see -----------------------------------------------------------------


@pytest.fixture
def escalated(places):
    """Escalated records at each level, in and out of Kampong Trabaek district."""
    made = {
        "kansoam_district": overdue(places["14030501"]),
        "trabaek_district": overdue(places["14030601"]),
        "other_district": overdue(places["14040101"]),
        "kansoam_province": overdue(places["14030502"]),
        "kandal_district": overdue(places["08010101"]),
        "closed_district": incident(places["14030601"], status=Status.CLOSED),
    }
    levels = {"kansoam_province": 1}
    for key, record in made.items():
        record.escalated_to_level = levels.get(key, 2)
        record.escalated_at = record.reported_at + 3 * DAY
        record.save()
    return made


def refs(records) -> set[str]:
    return {r.reference for r in records}


def test_district_officer_is_shown_records_escalated_to_the_district_in_the_district(vannak, escalated):
    assert refs(escalated_to(vannak)) == refs([escalated["kansoam_district"], escalated["trabaek_district"]])


def test_provincial_secretariat_is_shown_only_records_escalated_to_the_province(chenda, escalated):
    assert refs(escalated_to(chenda)) == refs([escalated["kansoam_province"]])


def test_commune_police_have_nothing_escalated_to_them(sokha, escalated):
    assert escalated_to(sokha).count() == 0


def test_home_page_queue_lists_escalated_records(client, vannak, escalated, places):
    on_time(places["14030501"])
    client.force_login(vannak)
    (queue,) = client.get("/").context["queues"]
    escalated_part = next(s for s in queue.sections if s.key == "escalated_to_me")
    shown = {item.incident.reference for item in escalated_part.items}
    assert shown == {escalated["kansoam_district"].reference, escalated["trabaek_district"].reference}
    assert escalated_part.count == 2
    assert escalated_part.url == "/incidents/?place=1403&escalated=2&status=open"
    # The records under the district that are overdue, whatever level they were escalated to.
    overdue = next(s for s in queue.sections if s.key == "oldest_overdue")
    assert overdue.count == 3


def test_home_page_of_a_commune_officer_has_no_panel(client, sokha, escalated):
    client.force_login(sokha)
    assert "Escalated to you" not in client.get("/").content.decode()


def test_home_page_panel_query_count_does_not_grow(client, vannak, places, django_assert_max_num_queries):
    for n in range(30):
        record = overdue(places["14030501" if n % 2 else "14030601"])
        record.escalated_to_level = 2
        record.escalated_at = record.reported_at
        record.save()
    client.force_login(vannak)
    client.get("/")
    # The queue, and the trend and overdue-age charts of the home page (charts/report_charts.py).
    with django_assert_max_num_queries(19):
        client.get("/")
