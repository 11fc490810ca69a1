"""Integrity flags over the API: the flags of a place (and the places under it) and a period,
with each rule's explanation in English and Khmer, the evidence and the records behind it.
Scoped by ``integrity.view``: a place that does not exist and one outside the caller's
jurisdiction are the same 404."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request

from safevillage.accounts.scoping import can, prefix_filter
from safevillage.api.errors import problem_response
from safevillage.api.patterns import PERIOD_PATTERN
from safevillage.core.periods import Period, PeriodError
from safevillage.core.text import CheckedTextModelSerializer
from safevillage.incidents.models import Incident
from safevillage.integrity.catalogue import BY_CODE
from safevillage.integrity.models import Flag, FlagStatus, Severity
from safevillage.places.codes import under
from safevillage.places.models import Place

PLACE_PATTERN = r"^[0-9]{2}([0-9]{2}){0,3}$"


class MayViewFlags(BasePermission):
    message = _("Only supervisors and auditors may read integrity flags.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return can(request.user, "integrity.view")


class FlagSerializer(CheckedTextModelSerializer[Flag]):
    period = serializers.CharField(source="period_id", help_text="DHIS2 period: 202601, 2026Q1, 2026S1 or 2026")
    place_code = serializers.CharField(help_text="NCDD code; empty: the whole country")
    severity = serializers.ChoiceField(choices=Severity.choices)
    status = serializers.ChoiceField(choices=FlagStatus.choices)
    name_en = serializers.SerializerMethodField()
    name_km = serializers.SerializerMethodField()
    explanation_en = serializers.SerializerMethodField()
    explanation_km = serializers.SerializerMethodField()
    limits_en = serializers.SerializerMethodField(help_text="What the register cannot show for this rule")
    limits_km = serializers.SerializerMethodField()
    evidence = serializers.JSONField(help_text="The numbers the rule compared (keys depend on the rule)")
    records = serializers.SerializerMethodField(help_text="References of the records behind the flag you may open")
    register_query = serializers.JSONField(source="query", help_text="Register filter parameters listing the records")

    class Meta:
        model = Flag
        fields = [
            "id",
            "place_code",
            "period",
            "rule",
            "name_en",
            "name_km",
            "severity",
            "status",
            "active",
            "explanation_en",
            "explanation_km",
            "limits_en",
            "limits_km",
            "evidence",
            "record_count",
            "records",
            "register_query",
            "first_found_at",
            "last_found_at",
            "review_reason",
            "reviewed_at",
        ]
        read_only_fields = fields

    def get_name_en(self, flag: Flag) -> str:
        return BY_CODE[flag.rule].name_en

    def get_name_km(self, flag: Flag) -> str:
        return BY_CODE[flag.rule].name_km

    def get_explanation_en(self, flag: Flag) -> str:
        return BY_CODE[flag.rule].explanation_en

    def get_explanation_km(self, flag: Flag) -> str:
        return BY_CODE[flag.rule].explanation_km

    def get_limits_en(self, flag: Flag) -> str:
        return BY_CODE[flag.rule].limits_en

    def get_limits_km(self, flag: Flag) -> str:
        return BY_CODE[flag.rule].limits_km

    def get_records(self, flag: Flag) -> list[str]:
        user = self.context["request"].user
        return list(
            Incident.objects.visible_to(user)
            .filter(pk__in=flag.record_ids[:100])
            .order_by("pk")
            .values_list("reference", flat=True)
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="integrity_flags_list",
        summary="Integrity flags of a place and period",
        description="Flags raised by the integrity checks on the place and the places under it (all the caller "
        "may see when no place is given), newest first.",
        parameters=[
            OpenApiParameter(
                "place",
                {"type": "string", "pattern": PLACE_PATTERN},
                OpenApiParameter.QUERY,
                description="NCDD code of a province, district, commune or village",
            ),
            OpenApiParameter(
                "period",
                {"type": "string", "pattern": PERIOD_PATTERN},
                OpenApiParameter.QUERY,
                description="202601, 2026Q1, 2026S1, 2026: the flags of the period and of the periods inside it",
            ),
            OpenApiParameter("status", {"type": "string", "enum": FlagStatus.values}, OpenApiParameter.QUERY),
            OpenApiParameter("rule", {"type": "string", "enum": list(BY_CODE)}, OpenApiParameter.QUERY),
        ],
        responses={
            200: FlagSerializer(many=True),
            400: problem_response("The period is not a DHIS2 period identifier."),
            401: problem_response("Not signed in."),
            403: problem_response("Signed in without the integrity.view permission."),
            404: problem_response("No such place, or not in your jurisdiction."),
        },
    )
)
class FlagListView(generics.ListAPIView[Flag]):
    serializer_class = FlagSerializer
    permission_classes = [IsAuthenticated, MayViewFlags]

    def get_queryset(self) -> QuerySet[Flag]:
        user = self.request.user
        params = self.request.query_params
        flags = Flag.objects.visible_to(user)
        # A parameter given is checked as the schema states it, empty included.
        if "place" in params:
            place = params["place"]
            if not re.fullmatch(PLACE_PATTERN, place):
                raise ValidationError({"place": [_("A place is an NCDD code of 2, 4, 6 or 8 digits.")]})
            visible = Place.objects.filter(prefix_filter(user, "integrity.view", "code"))
            if not visible.filter(code=place).exists():
                raise NotFound
            flags = flags.filter(under("place_code", place))
        if "period" in params:
            try:
                if not re.fullmatch(PERIOD_PATTERN, params["period"]):
                    raise PeriodError(
                        _("A period is a month (202601), a quarter (2026Q1), a semester (2026S1) or a year (2026).")
                    )
                inner = Period.parse(params["period"]).within()  # a year's quarters and months too
                flags = flags.filter(period_id__in=[period.id for period in inner])
            except PeriodError as error:
                raise ValidationError({"period": [str(error)]}) from None
        if "status" in params:
            if params["status"] not in FlagStatus.values:
                raise ValidationError({"status": [_("Choose open, explained or confirmed.")]})
            flags = flags.filter(status=params["status"])
        if "rule" in params:
            if params["rule"] not in BY_CODE:
                raise ValidationError({"rule": [_("There is no such rule.")]})
            flags = flags.filter(rule=params["rule"])
        return flags.order_by("-last_found_at", "place_code", "rule", "id")
