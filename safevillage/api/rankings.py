"""The competition ranking over the API: the communes of a district, a province or the
country (``level=commune``), or the officers of a district or a commune (``level=officer``),
for a period — each rank with its uncertainty interval, each indicator's recorded figure and
shrunk estimate, the weights used, and for communes the funnel plot's points and limits.
Scoped like the reports: ``reports.view`` at the area, the same 404 for an area that does not
exist and one outside the caller's jurisdiction."""

from __future__ import annotations

from typing import Any

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
from safevillage.ranking.compute import NoWeights
from safevillage.ranking.models import COMMUNE_INDICATORS, OFFICER_INDICATORS, RankingLevel
from safevillage.ranking.present import links_for
from safevillage.ranking.views import ranking_for, resolve

# The whole country, a province, a district (communes and officers) or a commune (officers).
RANKING_PLACE_PATTERN = r"^(KH|([0-9]{2}){1,3})$"
FLAGS = ["above_998", "above_95", "below_95", "below_998", ""]


class RankingIndicatorSerializer(CheckedTextSerializer):
    name = serializers.ChoiceField(choices=list(COMMUNE_INDICATORS + OFFICER_INDICATORS))
    numerator = serializers.IntegerField(help_text="Offences, solved, overdue, forums held, confirmations, months")
    denominator = serializers.FloatField(
        help_text="A rate's thousands of resident-years, or a share's count (offences, records, forums due, answers)"
    )
    raw = serializers.FloatField(allow_null=True, help_text="As recorded: numerator / denominator; null if 0 / 0")
    estimate = serializers.FloatField(help_text="The shrunk estimate the rank is computed from")
    link = serializers.CharField(help_text="The records or page behind the figure; empty when there is none")


class RankingRowSerializer(CheckedTextSerializer):
    code = serializers.CharField(help_text="A commune's code, or an officer's account id")
    name = serializers.CharField(help_text="The commune's Latin name, or the officer's name")
    name_km = serializers.CharField(help_text="The commune's Khmer name; empty for an officer")
    population = serializers.IntegerField(allow_null=True, help_text="Communes: null when unknown (then not ranked)")
    handled = serializers.IntegerField(allow_null=True, help_text="Officers: records assigned in the period")
    rank = serializers.IntegerField(allow_null=True, help_text="1 is the best; equal scores share a rank")
    rank_low = serializers.IntegerField(allow_null=True, help_text="The rank interval's best end")
    rank_high = serializers.IntegerField(allow_null=True, help_text="The rank interval's worst end")
    score = serializers.FloatField(allow_null=True)
    funnel = serializers.ChoiceField(
        choices=FLAGS, help_text="Communes: where the offence rate falls in the funnel plot; empty: within the limits"
    )
    indicators = RankingIndicatorSerializer(many=True)


class FunnelPointSerializer(CheckedTextSerializer):
    code = serializers.CharField()
    population = serializers.IntegerField()
    observed = serializers.IntegerField(help_text="Offences recorded")
    expected = serializers.FloatField(help_text="Offences expected at the peer rate")
    rate = serializers.FloatField(help_text="Offences per 1,000 residents a year")
    low_95 = serializers.FloatField()
    high_95 = serializers.FloatField()
    low_998 = serializers.FloatField()
    high_998 = serializers.FloatField()
    funnel = serializers.ChoiceField(choices=FLAGS, help_text="Where the rate falls; empty: within the limits")


class FunnelSerializer(CheckedTextSerializer):
    centre = serializers.FloatField(help_text="The peer group's rate per 1,000 residents a year")
    points = FunnelPointSerializer(many=True)


class RankingWeightsSerializer(CheckedTextSerializer):
    version = serializers.CharField()
    valid_from = serializers.DateField()
    interval_percent = serializers.IntegerField(help_text="The rank intervals' coverage")
    weights = serializers.DictField(child=serializers.CharField(), help_text="Indicator → weight (a decimal)")


class RankingSerializer(CheckedTextSerializer):
    area = serializers.CharField(help_text="The area ranked within: an NCDD code, or KH")
    period = serializers.CharField(help_text="DHIS2 period: 202601, 2026Q1, 2026S1 or 2026")
    level = serializers.ChoiceField(choices=RankingLevel.choices)
    computed_at = serializers.DateTimeField()
    weights = RankingWeightsSerializer()
    rows = RankingRowSerializer(many=True, help_text="Best first; communes without a population last")
    funnel = FunnelSerializer(allow_null=True, help_text="Communes only")


def _row(row: dict[str, Any], links: dict[str, str]) -> dict[str, Any]:
    return {
        "code": row["code"],
        "name": row.get("name_latin", row.get("name", "")),
        "name_km": row.get("name_km", ""),
        "population": row.get("population"),
        "handled": row.get("handled"),
        **{k: row[k] for k in ("rank", "rank_low", "rank_high", "score")},
        "funnel": row.get("funnel", ""),
        "indicators": [{"name": name, **data, "link": links.get(name, "")} for name, data in row["indicators"].items()],
    }


class RankingView(APIView):
    """The competition ranking of an area's communes or officers for a period, under the
    indicator weights in force. Recomputed from the summaries on each call; a changed
    ranking is stored as a new one."""

    @extend_schema(
        operation_id="rankings_retrieve",
        parameters=[
            OpenApiParameter(
                "place_code",
                {"type": "string", "pattern": RANKING_PLACE_PATTERN},
                OpenApiParameter.PATH,
                description="KH (the country), or the NCDD code of a province, district or commune",
            ),
            OpenApiParameter(
                "period",
                {"type": "string", "pattern": PERIOD_PATTERN},
                OpenApiParameter.PATH,
                description="202601, 2026Q1, 2026S1, 2026",
            ),
            OpenApiParameter(
                "level",
                {"type": "string", "enum": list(RankingLevel.values)},
                OpenApiParameter.QUERY,
                description="commune (default): communes of a district, province or the country; "
                "officer: officers of a district or a commune",
            ),
        ],
        responses={
            200: RankingSerializer,
            400: problem_response("The period is not a DHIS2 period identifier."),
            404: problem_response(
                "No such area, not in your jurisdiction, no ranking of that level within it (communes are "
                "ranked within a district, province or the country; officers within a district or a "
                "commune), or no weights apply to the period."
            ),
        },
    )
    def get(self, request: Request, place_code: str, period: str) -> Response:
        if not (place_code == "KH" or (place_code.isdigit() and len(place_code) in (2, 4, 6))):
            raise NotFound
        level = request.query_params.get("level", "").strip()
        # Http404 (missing or not yours) becomes DRF's 404 response.
        try:
            target = resolve(request.user, place_code, period, level)
        except BadRequest as error:
            if not _bad_period(period):
                # No ranking of that kind within that area (communes within a commune,
                # officers of a province): nothing to answer about, as for a missing area.
                raise NotFound from None
            raise ValidationError({"period": [error.message]}) from None
        try:
            result = ranking_for(target, request.user)
        except NoWeights:
            raise NotFound from None
        weights = result.inputs["weights"]
        names = COMMUNE_INDICATORS if target.level == RankingLevel.COMMUNE else OFFICER_INDICATORS
        commune = target.level == RankingLevel.COMMUNE
        body = {
            "area": target.slug,
            "period": target.period.id,
            "level": target.level,
            "computed_at": result.computed_at,
            "weights": {
                "version": weights["version"],
                "valid_from": weights["valid_from"],
                "interval_percent": weights["interval_percent"],
                "weights": {name: weights[name] for name in names},
            },
            "rows": [_row(row, links_for(row["code"], target.period) if commune else {}) for row in result.rows],
            "funnel": (
                {
                    "centre": result.inputs["funnel"]["centre"],
                    "points": [{**p, "funnel": p["flag"]} for p in result.inputs["funnel"]["points"]],
                }
                if commune
                else None
            ),
        }
        return Response(RankingSerializer(body).data)


def _bad_period(period: str) -> bool:
    from safevillage.core.periods import Period, PeriodError

    try:
        Period.parse(period)
    except PeriodError:
        return True
    return False
