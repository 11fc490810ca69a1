"""Every write of the awards: permission, one transaction, one audit event per step.

The secretariat of a level decides that level's awards (guideline IV.6): the district
officers a district's, the provincial secretariat a province's, the national secretariat the
nation's. ``awards.decide`` must be held *at* the round's area, not above it: a province
does not decide its districts' awards, nor the nation a province's.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.accounts.scoping import prefixes
from safevillage.audit.log import record_event
from safevillage.awards import eligibility
from safevillage.awards.models import AwardKind, AwardLevel, AwardRound, Decision, Nomination
from safevillage.core.periods import Period
from safevillage.places.models import Level, Place
from safevillage.ranking.compute import NoWeights, compute
from safevillage.ranking.models import RankingLevel

DECIDE = "awards.decide"
# How many of the best placed are nominated in a round.
NOMINEES = 5
MAX_REASON = 4000
LEVEL_OF = {Level.PROVINCE: AwardLevel.PROVINCE, Level.DISTRICT: AwardLevel.DISTRICT}


class AwardError(Exception):
    """Refused; ``message`` is translated and safe to show; nothing was written."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotPermitted(AwardError):
    status_code = 403


class Conflict(AwardError):
    status_code = 409


def may_decide(user: Any, area_code: str) -> bool:
    """Whether ``user`` is the secretariat of exactly this level."""
    return area_code in prefixes(user, DECIDE)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise AwardError(_("Give the reason for your decision."), "reason")
    if len(reason) > MAX_REASON:
        raise AwardError(_("The reason is too long."), "reason")
    return reason


def _candidates(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Unranked communes (population unknown) are never nominated: they have no score.
    return [row for row in rows if row.get("rank") is not None][:NOMINEES]


@transaction.atomic
def open_round(*, by: Any, area_code: str, year: int, kind: str) -> AwardRound:
    """Open the round of ``area_code`` ("" the country) for ``year``: nominate the best
    placed of the year's ranking, each with its eligibility and evidence."""
    if not may_decide(by, area_code):
        raise NotPermitted(_("Only the secretariat of this level opens and decides its awards."))
    area = None
    if area_code:
        area = Place.objects.current().filter(code=area_code).first()
        if area is None or area.level not in LEVEL_OF:
            raise AwardError(_("Awards are given by a district, a province or the nation."), "area")
    level = LEVEL_OF[Level(area.level)] if area else AwardLevel.NATIONAL
    if kind not in AwardKind.values:
        raise AwardError(_("Choose communes or officers."), "kind")
    if kind == AwardKind.OFFICER and level != AwardLevel.DISTRICT:
        raise AwardError(_("Officers are ranked, and so nominated, within a district."), "kind")
    if not 2000 <= year <= timezone.localdate().year:
        raise AwardError(_("Choose a year that has begun."), "year")
    if AwardRound.objects.filter(area_code=area_code, year=year, kind=kind).exists():
        raise Conflict(_("This round is already open."))
    try:
        ranking = compute(area_code, Period.parse(str(year)), RankingLevel(kind), by=by).result
    except NoWeights:
        raise AwardError(_("No indicator weights apply to this year yet.")) from None
    now = timezone.now()
    award_round = AwardRound.objects.create(
        area=area, area_code=area_code, level=level, kind=kind, year=year, ranking=ranking, opened_by=by, opened_at=now
    )
    nominations = []
    for position, row in enumerate(_candidates(ranking.rows), start=1):
        nominations.append(_nomination(award_round, position, row))
    Nomination.objects.bulk_create(nominations)
    record_event(
        "awards.round.open",
        actor=by,
        target=award_round,
        new={
            "year": year,
            "kind": kind,
            "level": level,
            "ranking": ranking.pk,
            "nominees": [
                {"code": n.subject_code, "rank": n.rank, "low": n.rank_low, "high": n.rank_high} for n in nominations
            ],
            "ineligible": [n.subject_code for n in nominations if not n.evidence["eligible"]],
        },
        place_code=area_code or None,
    )
    return award_round


def _nomination(award_round: AwardRound, position: int, row: dict[str, Any]) -> Nomination:
    ranking = {
        key: row.get(key)
        for key in ("rank", "rank_low", "rank_high", "score", "population", "funnel", "handled", "indicators")
    }
    ranking["result"] = award_round.ranking_id
    ranking["weights"] = award_round.ranking.inputs.get("weights", {}).get("version", "")
    nomination = Nomination(
        round=award_round,
        position=position,
        subject_code=str(row["code"]),
        rank=row["rank"],
        rank_low=row["rank_low"],
        rank_high=row["rank_high"],
        score=row.get("score"),
    )
    if award_round.kind == AwardKind.COMMUNE:
        nomination.place = Place.objects.filter(code=row["code"]).first()
        nomination.place_code = str(row["code"])
        nomination.name_km, nomination.name_latin = row.get("name_km", ""), row.get("name_latin", "")
    else:
        nomination.officer_id = int(row["code"])
        places = eligibility.officer_places(int(row["code"]), award_round.area_code)
        nomination.place_code = places[0] if places else award_round.area_code
        nomination.name_latin = row.get("name", "")
    check = current_check(nomination)
    nomination.evidence = {"ranking": ranking, **check.evidence, "eligible": check.eligible, "reasons": check.reasons}
    return nomination


def current_check(nomination: Nomination) -> eligibility.Check:
    award_round = nomination.round
    if award_round.kind == AwardKind.COMMUNE:
        return eligibility.check_commune(nomination.subject_code, award_round.year)
    return eligibility.check_officer(int(nomination.subject_code), award_round.area_code, award_round.year)


def _locked(nomination: Nomination | int, by: Any, version: int) -> Nomination:
    pk = nomination if isinstance(nomination, int) else nomination.pk
    locked = Nomination.objects.select_for_update().select_related("round").get(pk=pk)
    if not may_decide(by, locked.round.area_code):
        raise NotPermitted(_("Only the secretariat of this level opens and decides its awards."))
    if locked.version != version:
        raise Conflict(_("Someone else changed this nomination while you were reading it. Read it again."))
    return locked


@transaction.atomic
def decide(nomination: Nomination | int, *, by: Any, decision: str, reason: str, version: int) -> Nomination:
    """Award or not, once, with a reason; the eligibility is checked again now."""
    locked = _locked(nomination, by, version)
    if locked.decision != Decision.PENDING:
        raise Conflict(_("This nomination is already decided; an award can only be revoked, with a reason."))
    if decision not in (Decision.AWARDED, Decision.NOT_AWARDED):
        raise AwardError(_("Choose awarded or not awarded."), "decision")
    reason = _reason(reason)
    check = current_check(locked)
    if decision == Decision.AWARDED and not check.eligible:
        raise AwardError(
            _("Not eligible: %(reasons)s") % {"reasons": " ".join(eligibility.reason_texts(check.reasons))}, "decision"
        )
    now = timezone.now()
    locked.decision = decision
    locked.decided_by = by
    locked.decided_at = now
    locked.decision_reason = reason
    locked.decision_evidence = {**check.evidence, "eligible": check.eligible, "reasons": check.reasons}
    locked.version += 1
    locked.save(
        update_fields=["decision", "decided_by", "decided_at", "decision_reason", "decision_evidence", "version"]
    )
    record_event(
        "awards.nomination.decide",
        actor=by,
        target=locked,
        old={"decision": Decision.PENDING},
        new={"decision": decision, "eligible": check.eligible, "reasons": check.reasons, "version": locked.version},
        reason=reason,
        place_code=locked.place_code or locked.round.area_code or None,
    )
    return locked


@transaction.atomic
def revoke(nomination: Nomination | int, *, by: Any, reason: str, version: int) -> Nomination:
    """Withdraw an award: its own step, with its own reason; the decision stays on record."""
    locked = _locked(nomination, by, version)
    if locked.decision != Decision.AWARDED:
        raise Conflict(_("Only an award can be revoked."))
    reason = _reason(reason)
    locked.decision = Decision.REVOKED
    locked.revoked_by = by
    locked.revoked_at = timezone.now()
    locked.revoke_reason = reason
    locked.version += 1
    locked.save(update_fields=["decision", "revoked_by", "revoked_at", "revoke_reason", "version"])
    record_event(
        "awards.nomination.revoke",
        actor=by,
        target=locked,
        old={"decision": Decision.AWARDED},
        new={"decision": Decision.REVOKED, "version": locked.version},
        reason=reason,
        place_code=locked.place_code or locked.round.area_code or None,
    )
    return locked
