"""Reminders of reports due and overdue: each place whose report is not in is reminded once
per period and stage, however often the job runs."""

from __future__ import annotations

import datetime

import pytest

from safevillage.core.periods import Period, local_day_start
from safevillage.jobs import tasks
from safevillage.reports.models import ReminderStage, ReportReminder, ReportStatus
from safevillage.reports.reminders import due_periods, send_reminders
from tests.workqueue.conftest import report

pytestmark = pytest.mark.django_db

# 3 November 2026 (Phnom Penh): October's report is due by the 5th; the third quarter's was
# due by 5 October and is late; so are the first semester's and 2025's.
NOW = local_day_start(datetime.date(2026, 11, 3)) + datetime.timedelta(hours=9)
REPORTING = {"08", "0801", "080101", "14", "1403", "140305", "140306", "1404", "140401"}


def test_the_due_periods_are_the_latest_ended_of_each_kind():
    assert [p.id for p in due_periods(datetime.date(2026, 11, 3))] == ["202610", "2026Q3", "2026S1", "2025"]
    assert [p.id for p in due_periods(datetime.date(2027, 1, 1))] == ["202612", "2026Q4", "2026S2", "2026"]


def test_every_place_behind_is_reminded_once_per_period_and_stage(places):
    report(places["140305"], Period.parse("202610"), ReportStatus.SUBMITTED)
    report(places["1403"], Period.parse("202610"), ReportStatus.SUBMITTED)  # a district's report must be approved

    first = send_reminders(NOW)
    stages = {(r.place_code, r.period_id): r.stage for r in first}
    assert {code for code, period in stages if period == "202610"} == REPORTING - {"140305"}
    assert stages[("1403", "202610")] == ReminderStage.DUE
    assert stages[("140305", "2026Q3")] == ReminderStage.OVERDUE
    assert not any(code.startswith("140305") for code, period in stages if period == "202610")
    assert len(first) == ReportReminder.objects.count() == len(REPORTING) * 4 - 1

    assert send_reminders(NOW) == []
    assert send_reminders(NOW + datetime.timedelta(hours=6)) == []
    assert ReportReminder.objects.count() == len(first)

    # After October's deadline, those still behind are reminded once more, as overdue.
    later = send_reminders(NOW + datetime.timedelta(days=3))
    assert {(r.period_id, r.stage) for r in later} == {("202610", ReminderStage.OVERDUE)}
    assert len(later) == len(REPORTING) - 1


def test_the_job_sends_once(places):
    assert tasks.remind_reports().startswith(f"Sent {len(REPORTING) * 4} reminder(s)")
    assert tasks.remind_reports().startswith("Sent 0 reminder(s)")
