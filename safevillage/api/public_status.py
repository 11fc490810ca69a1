"""The complainant's status look-up: POST a receipt code, get what the complainant may know.

No account and no session: ``AllowAny`` with no authentication (so no CSRF either), and a
per-address rate limit (the "receipt" throttle rate). The code goes in the body, never in
the URL; an unknown and a malformed code get the same 404."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safevillage.api.errors import problem_response
from safevillage.core.text import CheckedTextSerializer
from safevillage.public.followup import (
    MAX_RECEIPT_LENGTH,
    THROTTLE_SCOPE,
    UNKNOWN_RECEIPT,
    ReceiptThrottle,
    find_by_receipt,
    public_status,
)


class ReceiptRequestSerializer(CheckedTextSerializer):
    receipt = serializers.CharField(
        max_length=MAX_RECEIPT_LENGTH, help_text="The receipt code given with the complaint, e.g. ABCD-1234-EFGH-5678."
    )


class PublicNoteSerializer(CheckedTextSerializer):
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class ComplaintStatusSerializer(CheckedTextSerializer):
    reference = serializers.CharField()
    status = serializers.CharField(help_text="received, acknowledged, investigating, under_review, closed, withdrawn")
    status_label = serializers.CharField(help_text="The status in words, in the requested language.")
    reported_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField(help_text="Empty until the complaint is closed.")
    outcome_label = serializers.CharField()
    satisfied = serializers.BooleanField(allow_null=True, help_text="The complainant's answer, if given.")
    can_answer = serializers.BooleanField(help_text="Whether the complainant may now say if it was resolved.")
    notes = PublicNoteSerializer(many=True, help_text="The notes the police made public, oldest first.")


class ComplaintStatusView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [ReceiptThrottle]
    throttle_scope = THROTTLE_SCOPE

    @extend_schema(
        operation_id="public_complaint_status",
        summary="Status of a public complaint, by receipt code",
        request=ReceiptRequestSerializer,
        responses={
            200: ComplaintStatusSerializer,
            400: problem_response("The body could not be read (not JSON or form data)."),
            404: problem_response("Unknown or malformed receipt code."),
            429: problem_response("Too many look-ups from this address."),
        },
        examples=[OpenApiExample("A receipt", value={"receipt": "ABCD-1234-EFGH-5678"}, request_only=True)],
        auth=[],
        tags=["public"],
    )
    def post(self, request: Request) -> Response:
        receipt = request.data.get("receipt") if isinstance(request.data, dict) else None
        incident = find_by_receipt(receipt) if isinstance(receipt, str) else None
        if incident is None:
            raise NotFound(UNKNOWN_RECEIPT)
        return Response(ComplaintStatusSerializer(public_status(incident)).data)
