"""Nominations follow the year's ranking; eligibility is shown and enforced; every step is
audited; a decided award changes only by a revocation."""

from __future__ import annotations

import pytest

from safevillage.audit.models import AuditEvent
from safevillage.awards import actions
from safevillage.awards.models import Decision, Nomination
from safevillage.integrity import actions as integrity_actions
from safevillage.ranking.models import RankingResult
from tests.awards.conftest import YEAR

pytestmark = pytest.mark.django_db


def _by_code(award_round) -> dict[str, Nomination]:
    return {n.subject_code: n for n in award_round.nominations.all()}


def test_the_nominations_follow_the_ranking_with_their_intervals(province_round):
    ranking = RankingResult.objects.current().get(area_code="14", period_id=str(YEAR), level="commune")
    assert province_round.ranking == ranking and province_round.level == "province"
    ranked = [row for row in ranking.rows if row["rank"] is not None][: actions.NOMINEES]
    nominations = list(province_round.nominations.order_by("position"))
    assert [n.subject_code for n in nominations] == [row["code"] for row in ranked]
    for nomination, row in zip(nominations, ranked, strict=True):
        interval = (nomination.rank, nomination.rank_low, nomination.rank_high)
        assert interval == (row["rank"], row["rank_low"], row["rank_high"])
        assert nomination.evidence["ranking"]["indicators"] == row["indicators"]
        assert nomination.evidence["ranking"]["result"] == ranking.pk
    assert [n.rank for n in nominations] == sorted(n.rank for n in nominations)


def test_eligibility_is_shown_with_its_reasons(province_round):
    nominations = _by_code(province_round)
    assert nominations["140401"].evidence["eligible"] is True
    assert nominations["140305"].evidence["eligible"] is True
    trabaek = nominations["140306"].evidence
    assert trabaek["eligible"] is False and trabaek["reasons"] == ["no_report"]
    assert nominations["140305"].evidence["reports"][0]["link"] == "/reports/140305/2025/"


def test_an_open_integrity_flag_blocks_the_award_until_it_is_reviewed(prey_veng, chenda, open_flag):
    flag = open_flag("140401")
    award_round = actions.open_round(by=chenda, area_code="14", year=YEAR, kind="commune")
    nomination = _by_code(award_round)["140401"]
    assert nomination.evidence["eligible"] is False and nomination.evidence["reasons"] == ["flags_open"]
    assert nomination.evidence["flags"]["open"] == 1
    with pytest.raises(actions.AwardError, match="Not eligible"):
        actions.decide(nomination, by=chenda, decision="awarded", reason="Best placed.", version=nomination.version)
    assert Nomination.objects.get(pk=nomination.pk).decision == Decision.PENDING

    integrity_actions.review(flag, by=chenda, status="explained", reason="A new road: fewer thefts.", version=1)
    decided = actions.decide(nomination, by=chenda, decision="awarded", reason="Best placed.", version=1)
    assert decided.decision == Decision.AWARDED and decided.decision_evidence["eligible"] is True


def test_a_flag_raised_after_the_round_opened_blocks_it_too(province_round, chenda, open_flag):
    nomination = _by_code(province_round)["140401"]
    open_flag("140401", "2025Q4")
    with pytest.raises(actions.AwardError):
        actions.decide(nomination, by=chenda, decision="awarded", reason="Best placed.", version=1)


def test_an_ineligible_candidate_may_be_declined(province_round, chenda):
    nomination = _by_code(province_round)["140306"]
    with pytest.raises(actions.AwardError):
        actions.decide(nomination, by=chenda, decision="awarded", reason="x", version=1)
    declined = actions.decide(nomination, by=chenda, decision="not_awarded", reason="No report.", version=1)
    assert declined.decision == Decision.NOT_AWARDED


def test_every_step_is_audited_and_a_decision_is_not_changed_silently(province_round, chenda):
    nomination = _by_code(province_round)["140401"]
    opened = AuditEvent.objects.get(action="awards.round.open")
    assert opened.place_code == "14" and opened.actor_id == chenda.pk
    assert [n["code"] for n in opened.new["nominees"]] == [
        n.subject_code for n in province_round.nominations.order_by("position")
    ]

    with pytest.raises(actions.AwardError, match="reason"):
        actions.decide(nomination, by=chenda, decision="awarded", reason="  ", version=1)
    actions.decide(nomination, by=chenda, decision="awarded", reason="Nothing recorded, report on time.", version=1)
    event = AuditEvent.objects.get(action="awards.nomination.decide")
    assert event.reason == "Nothing recorded, report on time." and event.new["decision"] == "awarded"
    assert event.actor_id == chenda.pk and event.place_code == "140401" and event.target_id == str(nomination.pk)

    with pytest.raises(actions.Conflict):  # a stale form
        actions.decide(nomination, by=chenda, decision="not_awarded", reason="Changed my mind.", version=1)
    with pytest.raises(actions.Conflict):  # decided once
        actions.decide(nomination, by=chenda, decision="not_awarded", reason="Changed my mind.", version=2)
    with pytest.raises(actions.AwardError, match="reason"):
        actions.revoke(nomination, by=chenda, reason="", version=2)
    revoked = actions.revoke(nomination, by=chenda, reason="Cases found hidden.", version=2)
    assert revoked.decision == Decision.REVOKED and revoked.decision_reason == "Nothing recorded, report on time."
    event = AuditEvent.objects.get(action="awards.nomination.revoke")
    assert event.reason == "Cases found hidden." and event.old == {"decision": "awarded"}


def test_only_the_secretariat_of_the_level_decides(province_round, national, vannak, auditor):
    nomination = _by_code(province_round)["140401"]
    for user in (national, vannak, auditor):
        with pytest.raises(actions.NotPermitted):
            actions.decide(nomination, by=user, decision="awarded", reason="x", version=1)
    with pytest.raises(actions.NotPermitted):
        actions.open_round(by=national, area_code="14", year=YEAR, kind="officer")


def test_rounds_are_one_a_year_and_officers_are_nominated_within_a_district(province_round, chenda, national, vannak):
    with pytest.raises(actions.Conflict):
        actions.open_round(by=chenda, area_code="14", year=YEAR, kind="commune")
    with pytest.raises(actions.AwardError, match="district"):
        actions.open_round(by=chenda, area_code="14", year=YEAR, kind="officer")
    national_round = actions.open_round(by=national, area_code="", year=YEAR, kind="commune")
    nominated = set(national_round.nominations.values_list("subject_code", flat=True))
    assert national_round.level == "national" and {"140305", "140306", "140401"} <= nominated
    officers = actions.open_round(by=vannak, area_code="1403", year=YEAR, kind="officer")
    assert officers.level == "district"


def test_officers_are_nominated_from_the_district_ranking_and_blocked_by_their_place_flags(
    prey_veng, vannak, sokha, dara, open_flag
):
    from safevillage.incidents.models import Incident

    Incident.objects.filter(place_code__startswith="140305").update(assigned_to=sokha)
    Incident.objects.filter(place_code__startswith="140306").update(assigned_to=dara)
    open_flag("140305", "2025Q2")
    award_round = actions.open_round(by=vannak, area_code="1403", year=YEAR, kind="officer")
    ranking = award_round.ranking
    assert [n.subject_code for n in award_round.nominations.order_by("position")] == [
        row["code"] for row in ranking.rows
    ]
    nominations = _by_code(award_round)
    mine = nominations[str(sokha.pk)]
    assert mine.officer == sokha and mine.place_code == "140305" and mine.name_latin == "Sokha Chan"
    assert mine.evidence["eligible"] is False and mine.evidence["reasons"] == ["flags_open"]
    assert nominations[str(dara.pk)].evidence["eligible"] is True
    with pytest.raises(actions.AwardError):
        actions.decide(mine, by=vannak, decision="awarded", reason="Most solved.", version=1)
    actions.decide(nominations[str(dara.pk)], by=vannak, decision="awarded", reason="Solved in time.", version=1)
