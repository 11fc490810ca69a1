"""/api/v1/awards/: the yearly award rounds and their nominations, the other door onto the
awards pages (read only: rounds are opened and decided on the pages, by the secretariat of
the level).

``GET /api/v1/awards/`` the rounds the caller may see (``awards.view`` over the round's
area; a national round, national readers only), newest first, ``?year=`` to narrow;
``GET /api/v1/awards/{id}/`` one round with its nominations, each with its rank interval,
eligibility (and why not), the evidence and the decision (the same 404 for missing and not
yours).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError

from safevillage.api.errors import problem_response
from safevillage.awards import present
from safevillage.awards.models import AwardKind, AwardLevel, AwardRound, Decision, Nomination
from safevillage.core.text import CheckedTextSerializer

_MISSING = problem_response("No such award round, or not in your jurisdiction (the same answer).")


class NominationSerializer(CheckedTextSerializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField(help_text="1: the best placed of the round's ranking")
    subject_code = serializers.CharField(help_text="The commune's NCDD code, or the officer's user id")
    place_code = serializers.CharField(help_text="The commune, or the officer's place in the round's area")
    name_km = serializers.CharField()
    name_latin = serializers.CharField()
    rank = serializers.IntegerField()
    rank_low = serializers.IntegerField(help_text="The rank interval (the weight set's interval_percent)")
    rank_high = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True)
    eligible = serializers.BooleanField(
        help_text="Checked now for an undecided nomination; as it stood at the decision otherwise"
    )
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=["flags_open", "not_safe", "no_report", "not_assigned"]),
        help_text="Why not eligible: open integrity flags, not classified safe, no report for every month, "
        "officer no longer assigned",
    )
    reason_texts = serializers.ListField(child=serializers.CharField(), help_text="The same, in the caller's language")
    evidence = serializers.JSONField(
        help_text="ranking (rank, interval, score, indicators, result id, weights version), classification "
        "(framework, overall, link), reports (period, status, link), months_reported, flags (open, link)"
    )
    decision = serializers.ChoiceField(choices=Decision.values)
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField(allow_blank=True)
    revoked_by = serializers.CharField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoke_reason = serializers.CharField(allow_blank=True)
    verification_code = serializers.CharField(allow_null=True, help_text="Only once awarded (or revoked)")


class RoundSerializer(CheckedTextSerializer):
    id = serializers.IntegerField()
    area_code = serializers.CharField(help_text='"" for the whole country')
    level = serializers.ChoiceField(choices=AwardLevel.values)
    kind = serializers.ChoiceField(choices=AwardKind.values)
    year = serializers.IntegerField()
    ranking = serializers.IntegerField(source="ranking_id", help_text="The stored ranking the nominations follow")
    opened_at = serializers.DateTimeField()


class RoundDetailSerializer(RoundSerializer):
    nominations = NominationSerializer(many=True)


def _nomination(nomination: Nomination) -> dict[str, Any]:
    view = present.nomination_view(nomination)
    evidence = {**nomination.evidence, **(nomination.decision_evidence or {})}
    decided = nomination.decision in (Decision.AWARDED, Decision.REVOKED)
    return {
        "id": nomination.pk,
        "position": nomination.position,
        "subject_code": nomination.subject_code,
        "place_code": nomination.place_code,
        "name_km": nomination.name_km,
        "name_latin": nomination.name_latin,
        "rank": nomination.rank,
        "rank_low": nomination.rank_low,
        "rank_high": nomination.rank_high,
        "score": nomination.score,
        "eligible": view["eligible"],
        "reasons": evidence.get("reasons", []) if nomination.decision_evidence else _live_reasons(nomination),
        "reason_texts": view["reasons"],
        "evidence": evidence,
        "decision": nomination.decision,
        "decided_by": str(nomination.decided_by) if nomination.decided_by else None,
        "decided_at": nomination.decided_at,
        "decision_reason": nomination.decision_reason,
        "revoked_by": str(nomination.revoked_by) if nomination.revoked_by else None,
        "revoked_at": nomination.revoked_at,
        "revoke_reason": nomination.revoke_reason,
        "verification_code": nomination.verification_code if decided else None,
    }


def _live_reasons(nomination: Nomination) -> list[str]:
    from safevillage.awards.actions import current_check

    return current_check(nomination).reasons


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": 1000, "maximum": 9999},
                description="Only the rounds of this year (four digits)",
            )
        ],
        responses={200: RoundSerializer(many=True), 400: problem_response("A year that is not a number.")},
    ),
    retrieve=extend_schema(responses={200: RoundDetailSerializer, 404: _MISSING}),
)
class AwardRoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[AwardRound]):
    """Yearly award rounds (2010 guideline III.B.6, IV.6) of districts, provinces and the nation."""

    serializer_class = RoundSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[AwardRound]:
        rounds = AwardRound.objects.visible_to(self.request.user).select_related("area")
        year = self.request.query_params.get("year", "").strip()
        if year:
            if not year.isdigit() or len(year) != 4:
                raise ValidationError({"year": [_("A year of four digits.")]})
            rounds = rounds.filter(year=int(year))
        return rounds.order_by("-year", "area_code", "kind", "id")

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return RoundDetailSerializer if self.action == "retrieve" else RoundSerializer

    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        from rest_framework.response import Response

        award_round = self.get_object()
        nominations = award_round.nominations.select_related("round__area", "place", "decided_by", "revoked_by")
        rows = NominationSerializer([_nomination(n) for n in nominations], many=True).data
        return Response({**RoundSerializer(award_round).data, "nominations": rows})
