"""The jobs run themselves: a real worker process (``manage.py run_worker``, as ``make run``
and production start it) escalates an overdue record and retries a failing verification of
the audit chain, with no command run by hand. The worker reads the test database; its
intervals and retry delays are shortened through the environment, as an operator would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django_q.models import Task
from django_q.tasks import async_task

from safevillage.audit.log import record_event
from safevillage.audit.models import AuditEvent, Verification
from safevillage.incidents.models import Incident
from safevillage.places.models import Place
from safevillage.reports.models import ReportReminder
from tests.audit.conftest import TABLE, as_attacker
from tests.incidents.factories_register import overdue

ROOT = Path(__file__).resolve().parents[2]
ESCALATE = "safevillage.jobs.tasks.escalate"
VERIFY = "safevillage.jobs.tasks.verify_audit"
REMIND = "safevillage.jobs.tasks.remind_reports"
# Long enough for a loaded two-core machine; a run normally ends within a few seconds.
WAIT_SECONDS = 90


def database_url() -> str:
    """The test database, as the worker's DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    server = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{quote(db['USER'] or '', safe='')}{password}@{server}/{db['NAME']}"


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[[], Path]]:
    """Start ``manage.py run_worker`` against the test database; stopped (SIGTERM, as
    ``make run`` does on Ctrl-C) after the test. Returns the path of its log."""
    started: list[subprocess.Popen[bytes]] = []
    log = tmp_path / "worker.log"

    def start() -> Path:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "safevillage.settings_test",
            "DATABASE_URL": database_url(),
            "DB_CONN_MAX_AGE": "0",
            "JOBS_TIMEOUT_SECONDS": "2",
            "JOBS_RETRY_SECONDS": "3",
            "JOBS_MAX_ATTEMPTS": str(settings.JOBS_MAX_ATTEMPTS),
        }
        with log.open("ab") as out:
            started.append(
                subprocess.Popen([sys.executable, "manage.py", "run_worker"], cwd=ROOT, env=env, stdout=out, stderr=out)
            )
        return log

    yield start
    for process in started:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(check: Callable[[], Any], log: Path) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.5)
    pytest.fail(f"the worker did not get there in {WAIT_SECONDS} s; its log:\n{log.read_text()}")


@pytest.mark.django_db(transaction=True)
def test_the_worker_escalates_an_overdue_record_by_itself_and_once(
    places: dict[str, Place], policy: None, start_worker
):
    late = overdue(places["14030501"])
    # A second escalation queued beside the scheduled one: two runs, one escalation.
    async_task(ESCALATE)

    log = start_worker()

    def both_runs_done() -> bool:
        return Task.objects.filter(func=ESCALATE, success=True).count() >= 2

    wait_for(both_runs_done, log)
    late.refresh_from_db()
    assert late.escalated_to_level == 2
    assert AuditEvent.objects.filter(action="incident.escalate").count() == 1
    results = sorted(Task.objects.filter(func=ESCALATE).values_list("result", flat=True))
    assert results[0].startswith("Escalated 0 record(s)")
    assert results[1].startswith("Escalated 1 record(s)")
    assert "SafeVillage worker started: escalate_overdue every 60 min" in log.read_text()
    # The audit chain was verified too, at start (a new job is due at once), and stored.
    wait_for(lambda: Verification.objects.exists(), log)
    assert Verification.objects.get().intact
    # And the places whose reports are not in were reminded, once each per period and stage.
    wait_for(lambda: Task.objects.filter(func=REMIND, success=True).exists(), log)
    reminded = ReportReminder.objects.values_list("place_code", "period_id", "stage")
    assert len(reminded) == len(set(reminded)) > 0


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_is_retried_and_shown_failed_to_the_national_secretariat(
    places: dict[str, Place], national, start_worker
):
    with transaction.atomic():
        for n in range(3):
            record_event("places.place.update", actor=None, target=places["14030501"], new={"n": n})
    with as_attacker() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET reason = %s WHERE seq = 2", ["nothing happened"])  # noqa: S608

    log = start_worker()

    max_attempts = settings.JOBS_MAX_ATTEMPTS

    def retried_to_the_end() -> Task | None:
        return Task.objects.filter(func=VERIFY, attempt_count=max_attempts).first()

    run = wait_for(retried_to_the_end, log)
    assert not run.success
    assert "broken at #2" in run.result
    # Each attempt stored its verdict, for the auditors.
    verdicts = list(Verification.objects.values_list("intact", "broken_at"))
    assert verdicts == [(False, 2)] * max_attempts

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(national)
    page = client.get("/jobs/").content.decode()
    assert "Verify the audit chain" in page
    assert "<strong>Failed</strong>" in page
    assert f"{max_attempts} of {max_attempts}" in page
    assert "broken at #2" in page
    assert Incident.objects.count() == 0
