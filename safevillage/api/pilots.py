"""/api/v1/pilots/: pilots and their evaluation, the other door onto the pilots pages.

``GET /api/v1/pilots/`` the pilots the caller may see (``pilots.view`` over their whole
province); ``GET /api/v1/pilots/{id}/`` one (the same 404 for missing and not yours);
``POST /api/v1/pilots/`` marks one (``pilots.manage`` at every place, ``pilots.actions``);
``GET /api/v1/pilots/{id}/evaluation/`` the difference-in-differences estimate of each
outcome against the comparison places, with its interval, the check of the trends before the
start, and the plain-words reading and caveats in English and Khmer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from safevillage.accounts.scoping import can
from safevillage.api.errors import problem_response
from safevillage.core.text import CheckedTextSerializer
from safevillage.pilots import actions, explain
from safevillage.pilots.did import Estimate, Interval, Trend
from safevillage.pilots.evaluation import OUTCOME_LABELS, Outcome, PlaceFigures, Status, evaluate
from safevillage.pilots.models import Pilot

_MISSING = problem_response("No such pilot, or not in your jurisdiction (the same answer).")


class PilotPlaceSerializer(CheckedTextSerializer):
    code = serializers.CharField(source="place.code")
    name_km = serializers.CharField(source="place.name_km")
    name_latin = serializers.CharField(source="place.name_latin")


class PilotSerializer(CheckedTextSerializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=4000)
    starts_on = serializers.DateField()
    places = PilotPlaceSerializer(many=True, read_only=True)
    place_codes = serializers.ListField(
        child=serializers.CharField(max_length=8),
        write_only=True,
        max_length=actions.MAX_PLACES,
        help_text="NCDD codes of the pilot's communes, or of its districts",
    )
    created_at = serializers.DateTimeField(read_only=True)


class IntervalSerializer(CheckedTextSerializer):
    estimate = serializers.FloatField()
    low = serializers.FloatField()
    high = serializers.FloatField()
    p_value = serializers.FloatField(allow_null=True, help_text="Two-sided; null when the spread is zero")


class PreTrendSerializer(CheckedTextSerializer):
    verdict = serializers.ChoiceField(
        choices=[t.value for t in Trend],
        help_text="matched: no detectable difference of slopes before the start; differed: the estimate "
        "is not to be trusted; unchecked: fewer than three quarters before, or too few places",
    )
    slope_difference = IntervalSerializer(allow_null=True, help_text="Per quarter, pilot minus comparison")
    gaps = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        help_text="Each quarter before the start, oldest first: the pilot-comparison gap less the last one's",
    )


class TextsSerializer(CheckedTextSerializer):
    effect = serializers.CharField()
    trend = serializers.CharField()


class OutcomeSerializer(CheckedTextSerializer):
    indicator = serializers.ChoiceField(choices=[o.value for o in Outcome], help_text="offences, solved or complaints")
    title = serializers.CharField(help_text="What is measured, in the caller's language")
    evaluated = serializers.BooleanField(help_text="False: not enough figures for this outcome")
    n_pilot = serializers.IntegerField(allow_null=True)
    n_comparison = serializers.IntegerField(allow_null=True)
    pilot_before = serializers.FloatField(allow_null=True)
    pilot_after = serializers.FloatField(allow_null=True)
    comparison_before = serializers.FloatField(allow_null=True)
    comparison_after = serializers.FloatField(allow_null=True)
    counterfactual = serializers.FloatField(
        allow_null=True, help_text="The pilot places' figure after, had they changed as the comparison places did"
    )
    effect = IntervalSerializer(allow_null=True, help_text="Difference in differences, 95 % interval")
    relative_percent = IntervalSerializer(allow_null=True, help_text="The effect as a % of the counterfactual")
    pre_trend = PreTrendSerializer(allow_null=True)
    text_en = TextsSerializer(allow_null=True)
    text_km = TextsSerializer(allow_null=True)


class ComparedPlaceSerializer(CheckedTextSerializer):
    code = serializers.CharField()
    name_km = serializers.CharField()
    name_latin = serializers.CharField()
    population = serializers.IntegerField(allow_null=True)
    pilot = serializers.BooleanField()
    offence_rate_gap = serializers.FloatField(
        allow_null=True, help_text="Comparison place: gap in offence rate before the start to its pilot place"
    )
    crimes_before = serializers.IntegerField()
    crimes_after = serializers.IntegerField()
    solved_before = serializers.IntegerField()
    solved_after = serializers.IntegerField()
    complaints_before = serializers.IntegerField()
    complaints_after = serializers.IntegerField()


class EvaluationSerializer(CheckedTextSerializer):
    pilot = serializers.IntegerField()
    status = serializers.ChoiceField(choices=[s.value for s in Status])
    status_text = serializers.CharField()
    level = serializers.IntegerField(help_text="2 district, 3 commune")
    quarters_before = serializers.ListField(child=serializers.CharField())
    quarters_after = serializers.ListField(child=serializers.CharField())
    transition = serializers.CharField(allow_null=True, help_text="The quarter the pilot began in, left out")
    confidence = serializers.FloatField()
    indicators = OutcomeSerializer(many=True)
    places = ComparedPlaceSerializer(many=True)
    caveats_en = serializers.ListField(child=serializers.CharField())
    caveats_km = serializers.ListField(child=serializers.CharField())


def _interval(value: Interval | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"estimate": value.estimate, "low": value.low, "high": value.high, "p_value": value.p_value}


def _outcome(outcome: Outcome, result: Estimate | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "indicator": outcome.value,
        "title": str(OUTCOME_LABELS[outcome]),
        "evaluated": bool(result),
    }
    if result is None:
        names = ("n_pilot", "n_comparison", "pilot_before", "pilot_after", "comparison_before", "comparison_after")
        return (
            body
            | dict.fromkeys((*names, "counterfactual", "effect", "relative_percent", "pre_trend"), None)
            | {
                "text_en": None,
                "text_km": None,
            }
        )
    texts = explain.in_both_languages(outcome, result)
    return body | {
        "n_pilot": result.n_pilot,
        "n_comparison": result.n_comparison,
        "pilot_before": result.pilot_before,
        "pilot_after": result.pilot_after,
        "comparison_before": result.comparison_before,
        "comparison_after": result.comparison_after,
        "counterfactual": result.counterfactual,
        "effect": _interval(result.effect),
        "relative_percent": _interval(result.relative),
        "pre_trend": {
            "verdict": result.pre_trend.verdict.value,
            "slope_difference": _interval(result.pre_trend.slope_difference),
            "gaps": list(result.pre_trend.gaps),
        },
        "text_en": texts["en"],
        "text_km": texts["km"],
    }


def _place(unit: PlaceFigures, before: tuple[Any, ...], after: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name_km": unit.name_km,
        "name_latin": unit.name_latin,
        "population": unit.population,
        "pilot": unit.is_pilot,
        "offence_rate_gap": unit.distance,
        **{f"{name}_before": unit.total(name, before) for name in ("crimes", "solved", "complaints")},
        **{f"{name}_after": unit.total(name, after) for name in ("crimes", "solved", "complaints")},
    }


@extend_schema_view(
    list=extend_schema(responses={200: PilotSerializer(many=True)}),
    retrieve=extend_schema(responses={200: PilotSerializer, 404: _MISSING}),
    create=extend_schema(
        request=PilotSerializer,
        responses={
            201: PilotSerializer,
            400: problem_response("A value that cannot be used, or a place not under you, with its field."),
            403: problem_response("Signed in without the pilots.manage permission."),
        },
    ),
)
class PilotViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[Pilot]
):
    """Pilots (2010 guideline, IV.5), seen over their whole province."""

    serializer_class = PilotSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self) -> QuerySet[Pilot]:
        pilots = Pilot.objects.visible_to(self.request.user).prefetch_related("places__place")
        return pilots.order_by("-starts_on", "-id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not can(request.user, actions.MANAGE):
            raise PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            pilot = actions.create_pilot(
                by=request.user,
                name=data["name"],
                description=data["description"],
                starts_on=data["starts_on"],
                places=data["place_codes"],
            )
        except actions.PilotError as error:
            name = "place_codes" if error.field == "places" else "non_field_errors"
            raise ValidationError({name: [error.message]}) from None
        return Response(self.get_serializer(pilot).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: EvaluationSerializer, 404: _MISSING})
    @action(detail=True, methods=["get"], pagination_class=None)
    def evaluation(self, request: Request, pk: str | None = None) -> Response:
        """The pilot's evaluation, computed from the summaries on each call."""
        result = evaluate(self.get_object())
        span = result.window
        caveats = explain.caveats_in_both_languages()
        body = {
            "pilot": result.pilot.pk,
            "status": result.status.value,
            "status_text": result.status_text,
            "level": result.level,
            "quarters_before": [q.id for q in span.pre],
            "quarters_after": [q.id for q in span.post],
            "transition": span.transition.id if span.transition else None,
            "confidence": 0.95,
            "indicators": [_outcome(outcome, result.results[outcome]) for outcome in Outcome],
            "places": [_place(unit, span.pre, span.post) for unit in result.pilots + result.comparisons],
            "caveats_en": caveats["en"],
            "caveats_km": caveats["km"],
        }
        return Response(EvaluationSerializer(body).data)
