"""Result reports over the API: the figures of a place and period with the definition of
each indicator. The same scoping as the pages: ``reports.view`` at the place, the same 404
for a place that does not exist and one outside the caller's jurisdiction; 400 for a
malformed period."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safevillage.api.errors import problem_response
from safevillage.api.patterns import REPORT_PERIOD_PATTERN, REPORT_PLACE_PATTERN
from safevillage.core.periods import Period, PeriodError
from safevillage.core.text import CheckedTextSerializer
from safevillage.reports.community import Kind
from safevillage.reports.indicators import INDICATORS
from safevillage.reports.models import ReportStatus
from safevillage.reports.views import BadPeriod, report_data, resolve


class IndicatorSerializer(CheckedTextSerializer):
    code = serializers.CharField()
    unit = serializers.ChoiceField(choices=["count", "percent", "change", "rate"])
    name_en = serializers.CharField()
    name_km = serializers.CharField()
    formula_en = serializers.CharField()
    formula_km = serializers.CharField()


class RowSerializer(CheckedTextSerializer):
    key = serializers.CharField(help_text="all, crime, <framework>-<number>, or <criterion>/<category code>")
    kind = serializers.ChoiceField(choices=["total", "framework", "criterion", "category"])
    depth = serializers.IntegerField()
    name_en = serializers.CharField()
    name_km = serializers.CharField()
    filters = serializers.DictField(child=serializers.CharField(), required=False, help_text="Register filters")
    values = serializers.DictField(
        required=False,
        help_text="Indicator code → value: an integer count, a decimal string (percent, change, rate), or null (n/a)",
    )
    links = serializers.DictField(
        child=serializers.CharField(), required=False, help_text="Indicator code → the register list of its records"
    )


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True})
class CommunityValueField(serializers.JSONField):
    """An integer, a decimal string or null (documented as such, not as any JSON)."""


class CommunityRowSerializer(CheckedTextSerializer):
    """One figure of a community programme, with the list behind it."""

    key = serializers.CharField(help_text="<programme>.<figure>, e.g. forums.held, disputes.median_days")
    name_en = serializers.CharField()
    name_km = serializers.CharField()
    kind = serializers.ChoiceField(choices=[kind.value for kind in Kind])
    value = CommunityValueField(
        allow_null=True,
        help_text="An integer (count, riel), a decimal string (percent, days, points, per_1000), or null: "
        "n/a, or hidden when suppressed",
    )
    suppressed = serializers.BooleanField(help_text="Hidden so that nobody can be found from a small count")
    link = serializers.CharField(allow_blank=True, help_text="The list behind the figure; empty when there is none")


class CommunityGroupSerializer(CheckedTextSerializer):
    """The figures of one community programme (a module of the product)."""

    code = serializers.CharField(help_text="forums, disputes, training, posts")
    name_en = serializers.CharField()
    name_km = serializers.CharField()
    rows = CommunityRowSerializer(many=True)


class ReportSerializer(CheckedTextSerializer):
    place = serializers.DictField(help_text="code ('' for the whole country), name_en, name_km, level")
    period = serializers.CharField(help_text="DHIS2 period: 202601, 2026Q1, 2026S1 or 2026")
    previous = serializers.CharField()
    year_earlier = serializers.CharField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    figures_from = serializers.ChoiceField(
        choices=["live", "snapshot"], help_text="snapshot: the figures stored when the report was sent up"
    )
    generated_at = serializers.DateTimeField()
    population = serializers.DictField(allow_null=True, help_text="value, year and source (census, estimate, mixed)")
    overdue_included = serializers.BooleanField()
    indicators = IndicatorSerializer(many=True)
    rows = RowSerializer(many=True)
    channels = serializers.ListField(child=serializers.DictField())
    headline = serializers.ListField(child=serializers.DictField())
    supplementary = serializers.DictField(child=serializers.IntegerField())
    community = CommunityGroupSerializer(
        many=True, help_text="Community programmes; empty for a report stored before they were reported"
    )


def _live(request: Request) -> bool:
    """``live``: true or 1, false or 0, or absent; anything else is a 400 rather than a silent no."""
    value = request.query_params.get("live", "false").strip().lower()
    if value not in ("true", "1", "false", "0", ""):
        raise ValidationError({"live": [_("Use live=true or live=false.")]})
    return value in ("true", "1")


class ReportView(APIView):
    """The figures of the result report of a place (NCDD code, or KH for the whole country)
    and a period, with every indicator's definition. A report that has been sent up returns
    the figures as they were sent (``figures_from: snapshot``) unless ``live=1``."""

    @extend_schema(
        operation_id="reports_retrieve",
        parameters=[
            OpenApiParameter(
                "place_code",
                {"type": "string", "pattern": REPORT_PLACE_PATTERN},
                OpenApiParameter.PATH,
                description="NCDD code (2, 4, 6 or 8 digits) or KH",
            ),
            OpenApiParameter(
                "period",
                {"type": "string", "pattern": REPORT_PERIOD_PATTERN},
                OpenApiParameter.PATH,
                description="202601, 2026Q1, 2026S1, 2026",
            ),
            OpenApiParameter("live", OpenApiTypes.BOOL, description="Figures as they stand now, even when sent up"),
        ],
        responses={
            200: ReportSerializer,
            400: problem_response("The period is not a DHIS2 period identifier, or live is not a boolean."),
            404: problem_response("No such place, or not in your jurisdiction."),
        },
    )
    def get(self, request: Request, place_code: str, period: str) -> Response:
        try:
            Period.parse(period)
        except PeriodError as error:
            raise ValidationError({"period": [str(error)]}) from None
        if not (place_code == "KH" or (place_code.isdigit() and len(place_code) in (2, 4, 6, 8))):
            raise NotFound
        try:
            # Http404 (missing or not yours) becomes DRF's 404 response.
            target = resolve(request.user, place_code, period)
        except BadPeriod as error:
            raise ValidationError({"period": [error.message]}) from None
        live = _live(request)
        data, from_snapshot = report_data(target, live=live)
        report = target.report
        body = {
            **{k: data[k] for k in ("place", "period", "previous", "year_earlier", "generated_at", "population")},
            "status": report.status if report else ReportStatus.DRAFT,
            "figures_from": "snapshot" if from_snapshot else "live",
            "overdue_included": data["overdue_included"],
            "indicators": [
                {
                    "code": i.code,
                    "unit": i.unit.value,
                    "name_en": i.name_en,
                    "name_km": i.name_km,
                    "formula_en": i.formula_en,
                    "formula_km": i.formula_km,
                }
                for i in INDICATORS
            ],
            "rows": data["rows"],
            "channels": data["channels"],
            "headline": data["headline"],
            "supplementary": dict(report.supplementary) if report else {},
            "community": data.get("community", []),
        }
        return Response(body)
