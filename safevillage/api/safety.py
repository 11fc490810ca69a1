"""The safety classification of a commune or village over the API: the current decision for
a period and framework, each criterion's verdict with its evidence, thresholds, plain-words
explanation in English and Khmer and links to the records, and the earlier decisions it
replaced. Scoped like the reports: ``reports.view`` at the place, the same 404 for a place
that does not exist and one outside the caller's jurisdiction."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safevillage.api.errors import problem_response
from safevillage.api.patterns import PERIOD_PATTERN
from safevillage.core.text import CheckedTextSerializer
from safevillage.places.areas import BadRequest
from safevillage.places.models import Level
from safevillage.policy.models import FrameworkVersion
from safevillage.safety import explain
from safevillage.safety.classify import NoThresholds, classify_place, history
from safevillage.safety.models import Overall, Verdict
from safevillage.safety.rules import Kind, Reason
from safevillage.safety.views import resolve

# A commune (6 digits) or a village (8): the places that are classified.
SAFETY_PLACE_PATTERN = r"^[0-9]{6}([0-9]{2})?$"
FRAMEWORK_PATTERN = r"^[0-9]{4}$"


class SafetyEvidenceSerializer(CheckedTextSerializer):
    reported = serializers.IntegerField(help_text="Records of the criterion in the period (withdrawn excluded)")
    solved = serializers.IntegerField()
    open = serializers.IntegerField(help_text="Still open")
    mediated = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="Still open past a deadline")
    deaths = serializers.IntegerField()
    injuries = serializers.IntegerField()


class SafetyLinksSerializer(CheckedTextSerializer):
    reported = serializers.CharField(help_text="The register list of the records counted")
    solved = serializers.CharField()
    open = serializers.CharField()
    overdue = serializers.CharField()


class SafetyCriterionSerializer(CheckedTextSerializer):
    number = serializers.IntegerField()
    name_en = serializers.CharField()
    name_km = serializers.CharField()
    kind = serializers.ChoiceField(choices=[k.value for k in Kind], help_text="What the criterion is judged on")
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=[r.value for r in Reason]))
    evidence = SafetyEvidenceSerializer()
    allowed = serializers.CharField(
        allow_null=True, help_text="The most records the thresholds allow in the period (a decimal), or null"
    )
    explanation_en = serializers.CharField()
    explanation_km = serializers.CharField()
    links = SafetyLinksSerializer()


class SafetyThresholdsSerializer(CheckedTextSerializer):
    version = serializers.CharField()
    valid_from = serializers.DateField()
    max_offences_per_1000_year = serializers.CharField(help_text="A decimal")
    min_solved_percent = serializers.CharField(help_text="A decimal")
    max_traffic_accidents_per_1000_year = serializers.CharField(help_text="A decimal")
    max_traffic_deaths = serializers.IntegerField()
    max_overdue = serializers.IntegerField()
    text_en = serializers.CharField()
    text_km = serializers.CharField()


class SafetyPlaceSerializer(CheckedTextSerializer):
    code = serializers.CharField()
    name_km = serializers.CharField()
    name_latin = serializers.CharField()
    level = serializers.IntegerField()


class SafetyFrameworkSerializer(CheckedTextSerializer):
    code = serializers.CharField()
    name_en = serializers.CharField()
    name_km = serializers.CharField()


class SafetyEarlierDecisionSerializer(CheckedTextSerializer):
    overall = serializers.ChoiceField(choices=Overall.choices)
    decided_at = serializers.DateTimeField()
    superseded_at = serializers.DateTimeField()
    thresholds = serializers.CharField(help_text="The threshold set's version")


class SafetySerializer(CheckedTextSerializer):
    place = SafetyPlaceSerializer()
    period = serializers.CharField(help_text="DHIS2 period: 202601, 2026Q1, 2026S1 or 2026")
    framework = SafetyFrameworkSerializer()
    overall = serializers.ChoiceField(
        choices=Overall.choices, help_text="safe only when every criterion passes; insufficient is never safe"
    )
    decided_at = serializers.DateTimeField()
    population = serializers.IntegerField(allow_null=True)
    report_submitted = serializers.BooleanField(help_text="The commune's report for the period was sent up")
    thresholds = SafetyThresholdsSerializer()
    criteria = SafetyCriterionSerializer(many=True)
    history = SafetyEarlierDecisionSerializer(many=True, help_text="Earlier decisions, newest first")


class SafetyView(APIView):
    """The safety classification of a commune or village for a period, under a framework
    (``framework``: 2010 or 2021; by default the one in force at the end of the period).
    Recomputed from the figures on each call; a changed decision is stored as a new one and
    the one it replaces is kept in ``history``."""

    @extend_schema(
        operation_id="safety_retrieve",
        parameters=[
            OpenApiParameter(
                "place_code",
                {"type": "string", "pattern": SAFETY_PLACE_PATTERN},
                OpenApiParameter.PATH,
                description="NCDD code of a commune (6 digits) or a village (8)",
            ),
            OpenApiParameter(
                "period",
                {"type": "string", "pattern": PERIOD_PATTERN},
                OpenApiParameter.PATH,
                description="202601, 2026Q1, 2026S1, 2026",
            ),
            OpenApiParameter(
                "framework",
                {"type": "string", "pattern": FRAMEWORK_PATTERN},
                OpenApiParameter.QUERY,
                description="Framework version: 2010 (five criteria) or 2021 (seven points)",
            ),
        ],
        responses={
            200: SafetySerializer,
            400: problem_response("The period is not a DHIS2 period identifier."),
            404: problem_response(
                "No such commune or village, not in your jurisdiction, no such framework, "
                "or no thresholds apply to the period."
            ),
        },
    )
    def get(self, request: Request, place_code: str, period: str) -> Response:
        if not (place_code.isdigit() and len(place_code) in (6, 8)):
            raise NotFound
        framework = request.query_params.get("framework", "").strip()
        if framework and not (framework.isdigit() and len(framework) == 4):
            raise NotFound
        try:
            # Http404 (missing or not yours) becomes DRF's 404 response.
            target = resolve(request.user, place_code, period, None)
        except BadRequest as error:
            raise ValidationError({"period": [error.message]}) from None
        if framework:
            chosen = FrameworkVersion.objects.filter(code=framework).first()
            if chosen is None:
                raise NotFound
            target.framework = chosen
        assert target.place is not None  # noqa: S101  # nosec B101 - a code of 6 or 8 digits was resolved
        if target.place.level not in (Level.COMMUNE, Level.VILLAGE):
            raise NotFound
        try:
            decision = classify_place(target.code, target.place.level, target.period, target.framework, by=request.user)
        except NoThresholds:
            raise NotFound from None
        if decision is None:
            raise NotFound
        texts, thresholds_text = explain.in_both_languages(decision)
        names = explain.criterion_names(decision)
        place = target.place
        body = {
            "place": {
                "code": place.code,
                "name_km": place.name_km,
                "name_latin": place.name_latin,
                "level": place.level,
            },
            "period": target.period.id,
            "framework": {
                "code": target.framework.code,
                "name_en": target.framework.name_en,
                "name_km": target.framework.name_km,
            },
            "overall": decision.overall,
            "decided_at": decision.computed_at,
            "population": decision.inputs["population"],
            "report_submitted": decision.inputs["report_submitted"],
            "thresholds": {
                **decision.inputs["thresholds"],
                "text_en": thresholds_text["en"],
                "text_km": thresholds_text["km"],
            },
            "criteria": [
                {
                    **{k: item[k] for k in ("number", "kind", "verdict", "reasons", "evidence")},
                    "name_en": names[item["number"]].name_en,
                    "name_km": names[item["number"]].name_km,
                    "allowed": item["allowed"],
                    "explanation_en": text["en"],
                    "explanation_km": text["km"],
                    "links": explain.links(decision, item),
                }
                for item, text in zip(decision.criteria, texts, strict=True)
            ],
            "history": [
                {
                    "overall": old.overall,
                    "decided_at": old.computed_at,
                    "superseded_at": old.superseded_at,
                    "thresholds": old.inputs["thresholds"]["version"],
                }
                for old in history(target.code, target.period, target.framework)
                if old.pk != decision.pk
            ],
        }
        return Response(SafetySerializer(body).data)
