"""The national secretariat exports the whole register — a million records by default — as a
background job: the page shows the rows written on a progress bar, other pages answer while
the worker writes, and the downloaded file has one line per record.

A real worker process (``manage.py run_worker``) writes the file from the live server's
database. ``EXPORT_BROWSER_RECORDS`` sets the register's size: a hundred thousand by default,
because CI runs the whole suite twice and the path through the code is the same at any size;
``make export-drill`` runs it with a million. On a two-core machine shared with other builds
(load average 11) the million took 8 min 19 s on SQLite (the generator about 2 min, the export
about 5 min at some 3,400 rows a second); a hundred thousand on PostgreSQL, 57 s.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django_q.models import Task
from playwright.sync_api import expect

from safevillage.exports.models import RecordExport, State
from safevillage.incidents.models import Incident
from safevillage.incidents.synthetic import Plan, generate
from safevillage.jobs.schedule import JOBS
from tests.jobs.test_worker import ROOT, database_url, wait_for

# Both stores: the worker verifies the referrals' chain too (jobs/tasks.py), in its own test database.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases=["default", "referrals"])]

# Generous: the file is written at a few thousand records a second on a loaded two-core machine.
EXPORT_TIMEOUT_MS = 30 * 60 * 1000


def register_size() -> int:
    return int(os.environ.get("EXPORT_BROWSER_RECORDS", 100_000))


@pytest.fixture
def worker(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """``manage.py run_worker`` on the test database, writing exports where the live server
    reads them; stopped with SIGTERM, as ``make run`` stops it."""
    settings.EXPORTS_DIR = tmp_path / "exports"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "safevillage.settings_test",
        "DATABASE_URL": database_url(),
        "DB_CONN_MAX_AGE": "0",
        "EXPORTS_DIR": str(settings.EXPORTS_DIR),
    }
    command = [sys.executable, "manage.py", "run_worker"]
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
    # The scheduled jobs run once at start; done before the register is made, they leave the
    # worker to the export (escalating a generated register's overdue records would take a while).
    wait_for(lambda: Task.objects.filter(success=True).count() >= len(JOBS), log)
    yield log
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_a_national_export_shows_its_progress_and_downloads_every_record(
    browser: Any, live_server: Any, places: Any, policy: None, national: Any, worker: Path, tmp_path: Path
):
    size = register_size()
    generate(Plan(years=2, incidents=size, seed=15, end_year=2025, chunk=100_000), summaries=False)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("national")
    page.locator("#id_password").fill("correct horse battery")
    page.locator("main button").click()
    expect(page.locator("h1")).to_be_visible()

    page.goto("/incidents/")
    page.locator("form.export-request button").click()
    expect(page).to_have_url(re.compile(r"/exports/[0-9]+/$"))
    export = RecordExport.objects.get()

    # The bar moves: the worker has counted the records and written some, not all.
    bar = page.locator("progress#export-bar[max]")
    expect(bar).to_have_attribute("max", str(size), timeout=EXPORT_TIMEOUT_MS)
    page.wait_for_function(
        "() => { const p = document.querySelector('progress#export-bar[max]'); return p && p.value > 0; }",
        timeout=EXPORT_TIMEOUT_MS,
    )
    expect(page.locator(".export-count")).to_contain_text(f"of {size:,} rows written")

    # Meanwhile the register and the list of exports answer: the export holds no request.
    other = context.new_page()
    other.goto("/incidents/?place=14")
    expect(other.locator("h1")).to_have_text("Register")
    other.goto("/exports/")
    expect(other.locator("table")).to_contain_text("Being written")
    export.refresh_from_db()
    assert export.state == State.RUNNING, "the pages were loaded while the file was being written"
    other.close()

    link = page.get_by_role("link", name="Download the file")
    expect(link).to_be_visible(timeout=EXPORT_TIMEOUT_MS)
    expect(page.locator(".export-count")).to_have_text(f"{size:,} rows")
    with page.expect_download() as started:
        link.click()
    saved = tmp_path / "download.csv"
    started.value.save_as(saved)
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        lines = sum(1 for _ in csv.reader(handle))
    assert lines == 1 + size == 1 + Incident.objects.count()
    export.refresh_from_db()
    assert (export.state, export.rows_written, export.total) == (State.DONE, size, size)
    context.close()
