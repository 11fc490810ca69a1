"""The jobs themselves, run in-process: running one twice changes nothing; the schedule is
the product's, written idempotently; the job runs page is the national secretariat's."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django_q.models import Schedule, Task

from safevillage.accounts.roles import Role
from safevillage.audit.models import AuditEvent, Verification
from safevillage.jobs import tasks
from safevillage.jobs.schedule import ensure_schedules
from tests.incidents.factories_register import overdue

pytestmark = pytest.mark.django_db


def test_escalating_twice_escalates_once(places, policy):
    late = overdue(places["14030501"])
    assert tasks.escalate().startswith("Escalated 1 record(s)")
    assert tasks.escalate().startswith("Escalated 0 record(s)")
    late.refresh_from_db()
    assert (late.escalated_to_level, late.version) == (2, 2)
    assert AuditEvent.objects.filter(action="incident.escalate").count() == 1


def test_the_verification_stores_its_verdict(places):
    assert tasks.verify_audit() == "Intact: 0 event(s) checked."
    stored = Verification.objects.get()
    assert stored.intact
    assert stored.broken_at is None


def test_the_schedule_is_written_once_and_a_restart_keeps_the_next_run(settings):
    now = timezone.now()
    first = {s.name: s.next_run for s in ensure_schedules(now)}
    # Due at once when new.
    assert first == {
        "escalate_overdue": now,
        "verify_audit": now,
        "refresh_statistics": now,
        "remove_expired_exports": now,
    }
    Schedule.objects.filter(name="verify_audit").update(next_run=now + datetime.timedelta(hours=20))

    again = {s.name: (s.minutes, s.next_run) for s in ensure_schedules(now + datetime.timedelta(minutes=5))}

    assert Schedule.objects.count() == 4
    assert again == {
        "escalate_overdue": (60, now),
        "verify_audit": (1440, now + datetime.timedelta(hours=20)),
        "refresh_statistics": (1440, now),
        "remove_expired_exports": (60, now),
    }
    # A shorter interval brings the next run forward.
    settings.JOBS_VERIFY_AUDIT_EVERY_MINUTES = 60
    (verify,) = [s for s in ensure_schedules(now) if s.name == "verify_audit"]
    assert (verify.minutes, verify.next_run) == (60, now + datetime.timedelta(hours=1))


def page(user) -> tuple[int, str]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get("/jobs/")
    return response.status_code, response.content.decode()


def test_the_national_secretariat_sees_the_jobs_and_their_runs(national):
    ensure_schedules()
    now = timezone.now()
    Task.objects.create(
        id="a" * 32,
        name="escalate-1",
        func="safevillage.jobs.tasks.escalate",
        started=now,
        stopped=now,
        success=True,
        result="Escalated 3 record(s)",
        attempt_count=1,
    )
    status, body = page(national)
    assert status == 200
    assert "Escalate overdue records" in body
    assert "60 minutes" in body
    assert "Succeeded" in body
    assert "Escalated 3 record(s)" in body


@pytest.mark.parametrize("who", ["sokha", "district", "auditor"])
def test_everyone_else_gets_404(who, request, places, make_user):
    users = {
        "sokha": lambda: request.getfixturevalue("sokha"),
        "district": lambda: request.getfixturevalue("vannak"),
        "auditor": lambda: make_user("auditor", Role.AUDITOR, None),
    }
    status, _body = page(users[who]())
    assert status == 404


def test_the_page_reads_in_khmer(national, khmer_default):
    client = Client()
    client.force_login(national)
    body = client.get("/jobs/").content.decode()
    assert "ការងារតាមកាលវិភាគ" in body
    assert "បញ្ជូនកំណត់ត្រាហួសកំណត់ទៅថ្នាក់លើ" in body


def test_a_failed_run_with_attempts_left_is_shown_as_tried_again(national):
    now = timezone.now()
    Task.objects.create(
        id="b" * 32,
        name="verify-1",
        func="safevillage.jobs.tasks.verify_audit",
        started=now,
        stopped=now,
        success=False,
        result="broken at #2: event #2 does not match its hash (it was edited)",
        attempt_count=1,
    )
    _status, body = page(national)
    assert "Failed, will be tried again" in body
    assert "1 of 3" in body
    assert "event #2 does not match its hash" in body


def test_the_auditor_sees_the_last_scheduled_check(places, make_user):
    auditor = make_user("auditor", Role.AUDITOR, None)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(auditor)
    assert "has not checked the chain yet" in client.get("/audit/verify/").content.decode()
    tasks.verify_audit()
    body = client.get("/audit/verify/").content.decode()
    assert "Last checked by the scheduled job at" in body
    assert "The chain was intact." in body


def test_the_menu_offers_the_page_to_the_national_secretariat_only(national, sokha):
    for user, shown in [(national, True), (sokha, False)]:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        assert ('href="/jobs/"' in client.get("/").content.decode()) is shown
