"""The audit log for auditors: the chain's verdict and the events in their jurisdiction."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safevillage.accounts.scoping import can
from safevillage.api.errors import problem_response
from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import verify_chain
from safevillage.core.text import CheckedTextModelSerializer, CheckedTextSerializer

_REFUSED = {
    401: problem_response("Not signed in."),
    403: problem_response("Signed in without the audit.verify permission."),
}


class IsAuditor(BasePermission):
    """Auditors (the ``audit.verify`` permission anywhere) and superusers; nobody else."""

    message = _("Only auditors may read the audit log.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return can(request.user, "audit.verify")


class ChainHeadSerializer(CheckedTextSerializer):
    seq = serializers.IntegerField(help_text="Sequence number of the last event")
    hash = serializers.CharField(help_text="SHA-256 of the last event (hex)")


class VerdictSerializer(CheckedTextSerializer):
    intact = serializers.BooleanField()
    events = serializers.IntegerField(help_text="Number of events in the log")
    broken_at = serializers.IntegerField(allow_null=True, help_text="Sequence number of the first broken link")
    problem = serializers.CharField(allow_blank=True, help_text="What is wrong there, in words")
    head = ChainHeadSerializer(allow_null=True, help_text="The chain head; null if its row is missing")


class AuditEventSerializer(CheckedTextModelSerializer[AuditEvent]):
    old = serializers.JSONField(allow_null=True, read_only=True)
    new = serializers.JSONField(allow_null=True, read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "occurred_at",
            "actor",
            "actor_label",
            "action",
            "target_type",
            "target_id",
            "target_label",
            "place_code",
            "old",
            "new",
            "reason",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class AuditVerifyView(APIView):
    """Verify the whole hash chain and its head."""

    permission_classes = [IsAuthenticated, IsAuditor]

    @extend_schema(
        summary="Verify the audit chain",
        description="Recomputes every hash in order and compares the end with the chain head. "
        "The chain is one for the whole country, so every auditor gets the whole verdict.",
        responses={200: VerdictSerializer, **_REFUSED},
    )
    def get(self, request: Request) -> Response:
        return Response(VerdictSerializer(verify_chain().as_dict()).data)


@extend_schema_view(
    list=extend_schema(
        summary="Audit events, newest first",
        description="Events whose target lies in the caller's audit jurisdiction; national auditors also "
        "see events bound to no place.",
        parameters=[
            OpenApiParameter("target_type", OpenApiTypes.STR, description="e.g. incidents.incident"),
            OpenApiParameter("target_id", OpenApiTypes.STR, description="Primary key of the target"),
            OpenApiParameter("action", OpenApiTypes.STR, description="e.g. incidents.incident.create"),
        ],
        responses={
            200: AuditEventSerializer(many=True),
            400: problem_response("A parameter contains a character that is not allowed."),
            **_REFUSED,
        },
    )
)
class AuditEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[AuditEvent]):
    serializer_class = AuditEventSerializer
    permission_classes = [IsAuthenticated, IsAuditor]

    def get_queryset(self) -> QuerySet[AuditEvent]:
        events = AuditEvent.objects.visible_to(self.request.user)
        params = self.request.query_params
        for name in ("target_type", "target_id", "action"):
            if value := params.get(name):
                if "\x00" in value:  # PostgreSQL refuses NUL in a query: say so, not 500
                    raise ValidationError({name: _("This value contains a character that is not allowed.")})
                events = events.filter(**{name: value})
        return events.order_by("-seq")
