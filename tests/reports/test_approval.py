"""Result reports go up the hierarchy as in DHIS2: communes submit, districts approve once all
their communes have submitted, provinces once all their districts have approved, the ministry
accepts. Approval stores the figures and the audit head and locks the records; only the level
above sends a report back, with a reason, and the audit log says so."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from safevillage.accounts.roles import Role
from safevillage.audit.log import current_head
from safevillage.audit.models import AuditEvent
from safevillage.core.periods import Period
from safevillage.reports import approval
from safevillage.reports.locks import is_locked, record_is_locked
from safevillage.reports.models import ReportStatus, ResultReport
from tests.reports.conftest import PHNOM_PENH, close, local

OCTOBER = Period.parse("202510")


@pytest.fixture
def sophea(places, make_user):
    """District officer of Kanhchriech (1404), the other district of Prey Veng."""
    return make_user("sophea", Role.DISTRICT_OFFICER, places["1404"])


@pytest.fixture
def pisey(places, make_user):
    """Commune police of Chea Khmau (140401), the one commune of Kanhchriech."""
    return make_user("pisey", Role.COMMUNE_POLICE, places["140401"])


def _status(place_code: str, period: Period = OCTOBER) -> str:
    report = ResultReport.objects.filter(place_code=place_code, period_id=period.id).first()
    return report.status if report else "none"


def _actions(place_code: str, period: Period = OCTOBER) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="reports.resultreport", target_label=f"{place_code} {period.id}")
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_a_district_approves_only_when_every_commune_has_submitted(places, policy, sokha, dara, vannak):
    approval.submit(places["140305"], OCTOBER, by=sokha)
    with pytest.raises(approval.ReportError, match="140306"):
        approval.approve(places["1403"], OCTOBER, by=vannak)
    assert _status("1403") == "none"  # nothing written on refusal
    approval.submit(places["140306"], OCTOBER, by=dara)
    seq_before, hash_before = current_head()
    report = approval.approve(places["1403"], OCTOBER, by=vannak)
    assert report.status == ReportStatus.APPROVED
    assert report.approved_by == vannak and report.approved_at is not None
    assert (report.audit_head_seq, report.audit_head_hash) == (seq_before, hash_before)
    assert report.snapshot["place"]["code"] == "1403" and report.snapshot["period"] == "202510"
    assert _actions("1403") == ["report.approve"]
    assert _actions("140305") == ["report.submit"]


def test_approval_locks_the_period_of_the_places_under_the_district(places, policy, sokha, dara, vannak, make_record):
    record = make_record("14030501", "theft", local(2025, 9, 20))
    record = close(record, "solved", local(2025, 10, 3))
    assert not is_locked("14030501", 202510)
    approval.submit(places["140305"], OCTOBER, by=sokha)
    assert not is_locked("14030501", 202510)  # a submission does not lock
    approval.submit(places["140306"], OCTOBER, by=dara)
    approval.approve(places["1403"], OCTOBER, by=vannak)
    assert is_locked("14030501", 202510)
    assert is_locked("14030601", 202510)
    assert is_locked("140305", 202510)
    assert not is_locked("14030501", 202509)  # another month
    assert not is_locked("14040101", 202510)  # another district
    # The record occurred in September, but was closed in the approved October: reopening it
    # would change October's solved closures.
    assert record_is_locked(record)


def test_a_year_approval_locks_every_month_of_the_year(places, policy, make_user):
    year = Period.parse("2024")
    for code, role in (("140305", Role.COMMUNE_POLICE), ("140306", Role.COMMUNE_POLICE)):
        approval.submit(places[code], year, by=make_user(f"u{code}", role, places[code]))
    approval.approve(places["1403"], year, by=make_user("d1403", Role.DISTRICT_OFFICER, places["1403"]))
    assert all(is_locked("14030502", month) for month in year.months)
    assert not is_locked("14030502", 202501)


def test_a_province_approves_when_every_district_has_and_the_ministry_accepts(
    places, policy, sokha, dara, vannak, chenda, national, sophea, pisey
):
    approval.submit(places["140305"], OCTOBER, by=sokha)
    approval.submit(places["140306"], OCTOBER, by=dara)
    approval.approve(places["1403"], OCTOBER, by=vannak)
    with pytest.raises(approval.ReportError, match="1404"):
        approval.approve(places["14"], OCTOBER, by=chenda)
    with pytest.raises(approval.ReportError, match="140401"):
        approval.approve(places["1404"], OCTOBER, by=sophea)
    approval.submit(places["140401"], OCTOBER, by=pisey)
    approval.approve(places["1404"], OCTOBER, by=sophea)
    with pytest.raises(approval.ReportError):
        approval.accept(places["14"], OCTOBER, by=national)  # not approved yet
    approval.approve(places["14"], OCTOBER, by=chenda)
    with pytest.raises(approval.NotPermitted):
        approval.accept(places["14"], OCTOBER, by=chenda)  # the province cannot accept its own
    report = approval.accept(places["14"], OCTOBER, by=national)
    assert report.status == ReportStatus.ACCEPTED and report.accepted_by == national
    assert is_locked("14040101", 202510)


def test_each_level_keeps_to_its_own_step(places, policy, sokha, dara, vannak, chenda):
    with pytest.raises(approval.NotPermitted):
        approval.submit(places["140305"], OCTOBER, by=dara)  # the neighbouring commune
    with pytest.raises(approval.NotPermitted):
        approval.approve(places["1403"], OCTOBER, by=sokha)  # a commune cannot approve
    with pytest.raises(approval.ReportError):
        approval.submit(places["1403"], OCTOBER, by=vannak)  # districts approve, not submit
    with pytest.raises(approval.ReportError):
        approval.approve(places["140305"], OCTOBER, by=vannak)  # communes submit
    with pytest.raises(approval.ReportError):
        approval.submit(places["14030501"], OCTOBER, by=sokha)  # villages do not report
    assert not ResultReport.objects.exists()


def test_a_period_that_has_not_ended_cannot_be_sent_up(places, policy, sokha):
    this_month = Period.containing(timezone.now())
    with pytest.raises(approval.ReportError, match="not ended"):
        approval.submit(places["140305"], this_month, by=sokha)
    assert _status("140305", this_month) == "none"


def test_only_the_level_above_unapproves_with_a_reason_and_it_is_audited(places, policy, sokha, dara, vannak, chenda):
    approval.submit(places["140305"], OCTOBER, by=sokha)
    approval.submit(places["140306"], OCTOBER, by=dara)
    approval.approve(places["1403"], OCTOBER, by=vannak)
    with pytest.raises(approval.NotPermitted):
        approval.unapprove(places["1403"], OCTOBER, by=vannak, reason="Mistake")  # not its own
    with pytest.raises(approval.ReportError) as missing:
        approval.unapprove(places["1403"], OCTOBER, by=chenda, reason="  ")
    assert missing.value.field == "reason"
    assert _status("1403") == ReportStatus.APPROVED
    report = approval.unapprove(places["1403"], OCTOBER, by=chenda, reason="Theft figures of Kansoam Ak look wrong")
    assert report.status == ReportStatus.RETURNED and report.returned_by == chenda
    assert not is_locked("14030501", 202510)
    event = AuditEvent.objects.filter(action="report.unapprove").get()
    assert event.reason == "Theft figures of Kansoam Ak look wrong" and event.actor == chenda
    assert event.old["status"] == "approved" and event.new["status"] == "returned"
    # Sent back, the district can correct and approve again.
    approval.approve(places["1403"], OCTOBER, by=vannak)
    assert _actions("1403") == ["report.approve", "report.unapprove", "report.approve"]


def test_a_submission_is_sent_back_only_while_the_district_has_not_approved(
    places, policy, sokha, dara, vannak, chenda
):
    approval.submit(places["140305"], OCTOBER, by=sokha)
    approval.submit(places["140306"], OCTOBER, by=dara)
    approval.approve(places["1403"], OCTOBER, by=vannak)
    with pytest.raises(approval.ReportError, match="1403"):
        approval.unapprove(places["140305"], OCTOBER, by=vannak, reason="Missing forums")
    approval.unapprove(places["1403"], OCTOBER, by=chenda, reason="Reopen for corrections")
    approval.unapprove(places["140305"], OCTOBER, by=vannak, reason="Missing forums")
    assert _status("140305") == ReportStatus.RETURNED
    assert AuditEvent.objects.filter(action="report.return", reason="Missing forums").exists()
    # Returned, the commune edits and submits again.
    approval.save_draft(places["140305"], OCTOBER, by=sokha, narrative={}, supplementary_values={"forums_held": "1"})
    assert approval.submit(places["140305"], OCTOBER, by=sokha).status == ReportStatus.SUBMITTED


def test_the_ministry_sends_a_province_back(places, policy, sokha, dara, vannak, chenda, national, sophea, pisey):
    for commune, officer in (("140305", sokha), ("140306", dara), ("140401", pisey)):
        approval.submit(places[commune], OCTOBER, by=officer)
    approval.approve(places["1403"], OCTOBER, by=vannak)
    approval.approve(places["1404"], OCTOBER, by=sophea)
    approval.approve(places["14"], OCTOBER, by=chenda)
    approval.accept(places["14"], OCTOBER, by=national)
    with pytest.raises(approval.NotPermitted):
        approval.unapprove(places["14"], OCTOBER, by=chenda, reason="Own mistake")
    approval.unapprove(places["14"], OCTOBER, by=national, reason="Budget figures missing")
    assert _status("14") == ReportStatus.RETURNED
    assert is_locked("14030501", 202510)  # the districts' approvals still hold


def test_the_snapshot_keeps_the_figures_as_approved(places, policy, sokha, dara, vannak, make_record):
    make_record("14030501", "theft", local(2025, 10, 2))
    approval.submit(places["140305"], OCTOBER, by=sokha)
    approval.submit(places["140306"], OCTOBER, by=dara)
    report = approval.approve(places["1403"], OCTOBER, by=vannak)
    make_record("14030601", "theft", local(2025, 10, 9))  # a late report of an October theft
    report.refresh_from_db()
    all_rows = next(r for r in report.snapshot["rows"] if r["key"] == "all")
    assert all_rows["values"]["reported"] == 1
    from safevillage.reports.tables import build_report_data

    live = next(r for r in build_report_data("1403", OCTOBER)["rows"] if r["key"] == "all")
    assert live["values"]["reported"] == 2


def test_completeness_and_timeliness_of_the_communes_of_a_district(places, policy, sokha, dara, vannak):
    approval.submit(places["140305"], OCTOBER, by=sokha)
    approval.submit(places["140306"], OCTOBER, by=dara)
    # Sokha submitted on 3 November (deadline 5 November), Dara on 20 November.
    ResultReport.objects.filter(place_code="140305").update(
        submitted_at=datetime.datetime(2025, 11, 3, 9, tzinfo=PHNOM_PENH)
    )
    ResultReport.objects.filter(place_code="140306").update(
        submitted_at=datetime.datetime(2025, 11, 20, 9, tzinfo=PHNOM_PENH)
    )
    result = approval.completeness("1403", OCTOBER)
    assert result.deadline == datetime.date(2025, 11, 5)
    assert [(c.place.code, c.completed, c.on_time) for c in result.children] == [
        ("140305", True, True),
        ("140306", True, False),
    ]
    assert (result.expected, result.completed, result.on_time) == (2, 2, 1)
    assert (result.completed_percent, result.on_time_percent) == (100, 50)


def test_completeness_of_a_province_counts_approved_districts(places, policy, sokha, dara, vannak):
    approval.submit(places["140305"], OCTOBER, by=sokha)
    approval.submit(places["140306"], OCTOBER, by=dara)
    approval.approve(places["1403"], OCTOBER, by=vannak)  # today: late for October 2025
    province = approval.completeness("14", OCTOBER)
    assert [(c.place.code, c.status, c.completed, c.on_time) for c in province.children] == [
        ("1403", "approved", True, False),
        ("1404", "draft", False, False),
    ]
    assert (province.completed_percent, province.on_time_percent) == (50, 0)
    country = approval.completeness("", OCTOBER)
    assert [c.place.code for c in country.children] == ["08", "14"]
    assert country.completed == 0 and country.completed_percent == 0


def test_supplementary_values_are_checked_and_nothing_is_saved_on_error(places, policy, sokha):
    commune = places["140305"]
    bad = {
        "patrols": "-3",
        "forums_held": "two",
        "forum_participants": "40",
        "forum_participants_women": "55",
        "budget_used_riel": "100000",
    }
    with pytest.raises(approval.FormErrors) as problem:
        approval.save_draft(
            commune, OCTOBER, by=sokha, narrative={"achievements": "Two forums"}, supplementary_values=bad
        )
    assert set(problem.value.errors) == {"patrols", "forums_held", "forum_participants_women", "budget_used_riel"}
    assert not ResultReport.objects.exists() and not AuditEvent.objects.filter(action="report.edit").exists()

    good = {"patrols": "12", "forum_participants": "40", "forum_participants_women": "25"}
    report = approval.save_draft(
        commune, OCTOBER, by=sokha, narrative={"achievements": "Two forums held"}, supplementary_values=good
    )
    assert report.supplementary == {"patrols": 12, "forum_participants": 40, "forum_participants_women": 25}
    assert report.achievements == "Two forums held"
    assert AuditEvent.objects.filter(action="report.edit", target_id=str(report.pk)).exists()


def test_a_submitted_report_cannot_be_edited_and_stale_forms_are_refused(places, policy, sokha):
    commune = places["140305"]
    report = approval.save_draft(commune, OCTOBER, by=sokha, narrative={}, supplementary_values={"patrols": "3"})
    with pytest.raises(approval.ReportError, match="Someone else"):
        approval.submit(commune, OCTOBER, by=sokha, version=report.version - 1)
    approval.submit(commune, OCTOBER, by=sokha)
    with pytest.raises(approval.ReportError):
        approval.save_draft(commune, OCTOBER, by=sokha, narrative={}, supplementary_values={"patrols": "4"})
    with pytest.raises(approval.ReportError):
        approval.submit(commune, OCTOBER, by=sokha)


def _report_rows(place_code: str) -> list[dict]:
    from safevillage.reports.tables import build_report_data

    return build_report_data(place_code, OCTOBER)["rows"]


def test_traffic_casualties_are_no_longer_typed_into_a_report(places, policy, sokha, make_record):
    """The records carry them: a typed value is not a field any more and is not stored."""
    make_record("14030501", "traffic_accident", local(2025, 10, 11), deaths=1, injuries=2)
    report = approval.save_draft(
        places["140305"],
        OCTOBER,
        by=sokha,
        narrative={},
        supplementary_values={"patrols": "3", "traffic_deaths": "5", "traffic_injuries": "9"},
    )
    assert report.supplementary == {"patrols": 3}
    traffic = next(r for r in _report_rows("140305") if r.get("filters") == {"category": "traffic_accident"})
    assert (traffic["values"]["traffic_deaths"], traffic["values"]["traffic_injuries"]) == (1, 2)


def test_casualties_typed_into_older_reports_are_not_summed_below(places, policy, sokha, dara):
    approval.submit(places["140305"], OCTOBER, by=sokha)
    approval.submit(places["140306"], OCTOBER, by=dara)
    # Reports saved before records carried casualties kept them among their values.
    ResultReport.objects.filter(place_code="140305").update(supplementary={"patrols": 4, "traffic_deaths": 2})
    ResultReport.objects.filter(place_code="140306").update(supplementary={"patrols": 1, "traffic_injuries": 7})
    assert approval.supplementary_below(places["1403"], OCTOBER) == {"patrols": 5}


def test_a_narrative_or_a_reason_holding_a_control_or_an_override_is_refused(places, policy, sokha, vannak):
    commune = places["140305"]
    narrative = {"achievements": "Two forums\nheld", "difficulties": "Rain \u202e", "next_steps": "Bell\x07"}
    with pytest.raises(approval.FormErrors) as problem:
        approval.save_draft(commune, OCTOBER, by=sokha, narrative=narrative, supplementary_values={})
    assert set(problem.value.errors) == {"difficulties", "next_steps"}  # the line break is kept
    assert "U+202E" in problem.value.errors["difficulties"]
    assert not AuditEvent.objects.filter(action="report.edit").exists()

    approval.submit(commune, OCTOBER, by=sokha)
    with pytest.raises(approval.ReportError) as refused:
        approval.unapprove(commune, OCTOBER, by=vannak, reason="Figures\u2066 wrong")
    assert refused.value.field == "reason" and "U+2066" in refused.value.message
    assert _status("140305") == ReportStatus.SUBMITTED


def test_a_submit_that_carries_nothing_new_records_no_edit_and_keeps_older_values(places, policy, sokha):
    """An older report holds traffic casualties typed before records carried them: a submit
    with the same narrative and values changes nothing stored and records no edit."""
    approval.save_draft(
        places["140305"], OCTOBER, by=sokha, narrative={"achievements": "Forums"}, supplementary_values={"patrols": "3"}
    )
    ResultReport.objects.filter(place_code="140305").update(supplementary={"patrols": 3, "traffic_deaths": 2})
    report = approval.submit(
        places["140305"], OCTOBER, by=sokha, narrative={"achievements": "Forums"}, supplementary_values={"patrols": "3"}
    )
    assert report.supplementary == {"patrols": 3, "traffic_deaths": 2} and report.achievements == "Forums"
    assert _actions("140305") == ["report.edit", "report.submit"]


def test_a_submit_with_a_wrong_value_leaves_the_report_a_draft(places, policy, sokha):
    with pytest.raises(approval.FormErrors) as refused:
        approval.submit(
            places["140305"],
            OCTOBER,
            by=sokha,
            narrative={"achievements": "Forums"},
            supplementary_values={"patrols": "x"},
        )
    assert set(refused.value.errors) == {"patrols"}
    assert _status("140305") in ("none", ReportStatus.DRAFT) and _actions("140305") == []
