"""Public complaints through the API: ``POST /api/v1/public/complaints/``, no account.

Open to anyone (``AllowAny``, no authentication, hence no CSRF), rate-limited per client
address together with the web form. The answer carries the receipt code, once: only its
hash is stored. An anonymous complaint keeps no name and no phone."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safevillage.api.errors import problem_response
from safevillage.core.text import CheckedTextSerializer, multiline_text
from safevillage.incidents import actions, intake
from safevillage.public.complaints import ComplaintThrottle, check_identity, complaint_data


class ComplaintInput(CheckedTextSerializer):
    category = serializers.CharField(max_length=48, help_text=gettext_lazy("A public category code."))
    village = serializers.CharField(max_length=8, help_text=gettext_lazy("The 8-digit code of any village."))
    occurred_at = serializers.DateTimeField()
    description = multiline_text(allow_blank=True, trim_whitespace=False)
    anonymous = serializers.BooleanField(
        help_text=gettext_lazy("true: no name and no phone are kept. false: give a name or a phone.")
    )
    name = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    phone = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)

    def validate_category(self, value: str) -> Any:
        return intake.clean_category(value, public=True)

    def validate_village(self, value: str) -> Any:
        return intake.clean_village(value, None)

    def validate_occurred_at(self, value: Any) -> Any:
        return intake.clean_occurred_at(value)

    def validate_description(self, value: str) -> str:
        return intake.clean_description(value)

    def validate_name(self, value: str) -> str:
        return intake.clean_name(value)

    def validate_phone(self, value: str) -> str:
        return intake.clean_phone(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            check_identity(attrs["anonymous"], attrs["name"], attrs["phone"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"anonymous": exc.messages}) from None
        return attrs


class ReceiptOutput(CheckedTextSerializer):
    receipt = serializers.CharField(help_text=gettext_lazy("Keep it: the only key to follow the complaint."))
    reference = serializers.CharField()
    message = serializers.CharField()


class ComplaintView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [ComplaintThrottle]

    @extend_schema(
        operation_id="public_complaint_create",
        summary="Make a public complaint (no account)",
        request=ComplaintInput,
        responses={
            201: ReceiptOutput,
            400: problem_response("Invalid input, with a message per field."),
            429: problem_response("Too many complaints from this address."),
        },
        auth=[],
        tags=["public"],
    )
    def post(self, request: Request) -> Response:
        payload = ComplaintInput(data=request.data)
        payload.is_valid(raise_exception=True)
        d = payload.validated_data
        name, phone = ("", "") if d["anonymous"] else (d["name"], d["phone"])
        incident, code = actions.file_complaint(
            complaint_data(d["category"], d["village"], d["occurred_at"], d["description"], name, phone)
        )
        return Response(
            {
                "receipt": code,
                "reference": incident.reference,
                "message": _("Keep this receipt code: it is the only way to follow your complaint. It is not stored."),
            },
            status=status.HTTP_201_CREATED,
        )
