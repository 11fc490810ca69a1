"""What a nomination shows, for the pages, the API and the certificate."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from safevillage.awards import eligibility
from safevillage.awards.models import AwardKind, AwardLevel, AwardRound, Nomination
from safevillage.places.areas import COUNTRY
from safevillage.safety.models import Overall


def area_name(award_round: AwardRound) -> str:
    if award_round.area is None:
        return _("Cambodia")
    return f"{award_round.area.name_km} · {award_round.area.name_latin}"


def ranking_link(award_round: AwardRound) -> str:
    url = reverse("ranking:detail", args=[award_round.area_code or COUNTRY, str(award_round.year)])
    return f"{url}?level={award_round.kind}"


def subject_link(nomination: Nomination) -> str:
    """The records behind the nominee: the commune's yearly report page, or the ranking row."""
    award_round = nomination.round
    if award_round.kind == AwardKind.COMMUNE:
        return reverse("reports:detail", args=[nomination.subject_code, str(award_round.year)])
    return ranking_link(award_round)


def classification_text(item: dict[str, Any]) -> str:
    labels = dict(Overall.choices)
    return f"{item['framework']}: {labels.get(item['overall'], item['overall'])}"


def nomination_view(nomination: Nomination, *, live: bool = True) -> dict[str, Any]:
    """The nomination with its evidence; ``live`` checks the eligibility again (pending ones)."""
    from safevillage.awards.actions import current_check

    evidence = dict(nomination.evidence)
    if nomination.decision_evidence is not None:
        evidence.update(nomination.decision_evidence)  # what the decision was taken on
    elif live:
        check = current_check(nomination)
        evidence.update(check.evidence)
        evidence["eligible"], evidence["reasons"] = check.eligible, check.reasons
    return {
        "nomination": nomination,
        "eligible": evidence["eligible"],
        "reasons": eligibility.reason_texts(evidence["reasons"]),
        "ranking": evidence["ranking"],
        "classification": [(classification_text(item), item["link"]) for item in evidence.get("classification", [])],
        "reports": evidence.get("reports", []),
        "months_reported": evidence.get("months_reported"),
        "flags": evidence.get("flags"),
        "subject_link": subject_link(nomination),
        "ranking_link": ranking_link(nomination.round),
    }


def level_label(award_round: AwardRound, language: str) -> str:
    """``language`` is "km" or "en": the certificate names the level in both."""
    from django.utils import translation

    with translation.override(language):
        return str(AwardLevel(award_round.level).label)
