"""Flags as stored by a run, reviewed by a supervisor, counted for awards."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from safevillage.audit.models import AuditEvent
from safevillage.core.periods import Period
from safevillage.incidents.models import Status
from safevillage.integrity.actions import Conflict, NotPermitted, ReviewError, review
from safevillage.integrity.eligibility import open_flag_count
from safevillage.integrity.models import Flag, FlagStatus
from safevillage.integrity.run import run_checks
from safevillage.places.models import Place
from tests.incidents.factories_register import incident

pytestmark = pytest.mark.django_db
PERIOD = Period.parse("2025Q4")
DAY = datetime.datetime(2025, 11, 12, 10, tzinfo=datetime.UTC)


def mediated_robbery(places: dict[str, Place], hours: int = 0) -> None:
    from safevillage.policy.models import Category

    incident(
        places["14030501"],
        kind=Category.objects.get(code="robbery"),
        status=Status.CLOSED,
        outcome="mediated",
        reported_at=DAY + datetime.timedelta(hours=hours),
    )


def test_a_run_raises_one_flag_per_place_period_and_rule_and_audits_it(policy: None, places: dict[str, Place]) -> None:
    mediated_robbery(places)
    first = run_checks(PERIOD, rules=["mediation_not_allowed"])
    again = run_checks(PERIOD, rules=["mediation_not_allowed"])
    flag = Flag.objects.get()
    assert (first.raised, again.raised) == (1, 0)
    assert (flag.place_code, flag.period_id, flag.rule, flag.status) == (
        "140305",
        "2025Q4",
        "mediation_not_allowed",
        "open",
    )
    assert flag.record_count == 1 and len(flag.record_ids) == 1
    assert AuditEvent.objects.filter(action="integrity.flag.raise", target_id=str(flag.pk)).count() == 1


def test_a_reviewed_flag_reopens_when_more_records_are_found(
    policy: None, places: dict[str, Place], vannak: object
) -> None:
    mediated_robbery(places)
    run_checks(PERIOD, rules=["mediation_not_allowed"])
    flag = review(Flag.objects.get(), by=vannak, status=FlagStatus.EXPLAINED, reason="Entered wrongly", version=1)
    run_checks(PERIOD, rules=["mediation_not_allowed"])
    assert Flag.objects.get().status == FlagStatus.EXPLAINED  # the same records: the review stands
    mediated_robbery(places, hours=3)
    result = run_checks(PERIOD, rules=["mediation_not_allowed"])
    flag.refresh_from_db()
    assert result.reopened == 1 and flag.status == FlagStatus.OPEN and flag.record_count == 2


def test_a_flag_no_longer_found_is_kept_inactive(
    policy: None, places: dict[str, Place], make_flag: Callable[..., Flag]
) -> None:
    make_flag()
    result = run_checks(PERIOD, rules=["mediation_not_allowed"])
    assert result.cleared == 1
    assert Flag.objects.get().active is False


def test_district_officer_explains_a_flag_with_a_reason_and_it_is_audited(
    make_flag: Callable[..., Flag], vannak: object
) -> None:
    flag = make_flag()
    review(flag, by=vannak, status=FlagStatus.CONFIRMED, reason="Robberies mediated for money", version=1)
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED and flag.reviewed_by == vannak and flag.version == 2
    event = AuditEvent.objects.get(action="integrity.flag.review")
    assert event.reason == "Robberies mediated for money" and event.place_code == "140305"
    assert event.old == {"status": "open", "version": 1}


def test_a_review_needs_a_reason_the_current_version_and_the_permission(
    make_flag: Callable[..., Flag], vannak: object, sokha: object, auditor: object
) -> None:
    flag = make_flag()
    with pytest.raises(ReviewError):
        review(flag, by=vannak, status=FlagStatus.EXPLAINED, reason="  ", version=1)
    with pytest.raises(Conflict):
        review(flag, by=vannak, status=FlagStatus.EXPLAINED, reason="ok", version=7)
    with pytest.raises(NotPermitted):
        review(flag, by=sokha, status=FlagStatus.EXPLAINED, reason="my own commune", version=1)
    with pytest.raises(NotPermitted):
        review(flag, by=auditor, status=FlagStatus.EXPLAINED, reason="auditors read only", version=1)
    assert not AuditEvent.objects.filter(action="integrity.flag.review").exists()


def test_open_flags_make_a_place_ineligible_until_reviewed(
    make_flag: Callable[..., Flag], places: dict[str, Place], chenda: object
) -> None:
    flag = make_flag(period="2025Q4")
    make_flag(code="140401", period="2024")
    assert open_flag_count(places["140305"], 2025) == 1
    assert open_flag_count(places["14"], 2025) == 1  # flags under the province count for it
    assert open_flag_count("1403", 2024) == 0
    assert open_flag_count(places["140305"], 2026) == 0
    review(flag, by=chenda, status=FlagStatus.EXPLAINED, reason="Checked the case books", version=1)
    assert open_flag_count(places["140305"], 2025) == 0


def test_the_daily_job_checks_the_last_ended_quarter(policy: None, places: dict[str, Place]) -> None:
    from safevillage.jobs.tasks import check_integrity

    text = check_integrity()
    quarter = Period.containing(timezone.localdate(), Period.parse("2025Q1").kind).previous()
    assert text.startswith(quarter.id)
