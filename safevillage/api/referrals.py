"""Referrals over the API: the same doors as the pages (``referrals/access.py``,
``referrals/actions.py``). Anyone the referrals are not for (the police, the ministry, a
superuser) gets 404 on every endpoint, the list included; a provider reads the referrals
sent to it, a team how far its own went, never the service's details. Every read is
recorded in the referrals' audit chain."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from safevillage.core.text import CheckedTextSerializer
from safevillage.referrals import actions, chain
from safevillage.referrals.access import side, uses_referrals, visible_referrals
from safevillage.referrals.models import DeclineReason, KeyPopulation, Referral, Service, Status


class ReferralSerializer(CheckedTextSerializer):
    id = serializers.IntegerField()
    client_code = serializers.CharField()
    service = serializers.ChoiceField(choices=Service.choices)
    provider = serializers.CharField(help_text="The provider's name")
    team = serializers.CharField(help_text="The referring team's name")
    created_at = serializers.DateTimeField()
    feedback = serializers.CharField(help_text="How far the referral went, in the words the team reads")
    # The provider's side only (null for the referring team).
    status = serializers.ChoiceField(choices=Status.choices, allow_null=True)
    key_population = serializers.ChoiceField(choices=KeyPopulation.choices, allow_null=True)
    note = serializers.CharField(allow_null=True)
    service_note = serializers.CharField(allow_null=True)

    def to_representation(self, instance: Referral) -> dict[str, Any]:
        provider_side = side(self.context["request"].user, instance) == "provider"
        return {
            "id": instance.pk,
            "client_code": instance.client_code,
            "service": instance.service,
            "provider": instance.provider.name,
            "team": instance.team.name,
            "created_at": serializers.DateTimeField().to_representation(instance.created_at),
            "feedback": actions.feedback_words(instance),
            "status": instance.status if provider_side else None,
            "key_population": instance.key_population if provider_side else None,
            "note": instance.note if provider_side else None,
            "service_note": instance.service_note if provider_side else None,
        }


class DeclineSerializer(CheckedTextSerializer):
    reason = serializers.ChoiceField(choices=DeclineReason.choices)


class ServiceSerializer(CheckedTextSerializer):
    note = serializers.CharField(max_length=4000, style={"base_template": "textarea.html"})


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Referral]):
    serializer_class = ReferralSerializer

    def get_queryset(self) -> QuerySet[Referral]:
        return visible_referrals(self.request.user).select_related("team", "provider").order_by("-created_at", "-id")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not uses_referrals(request.user):
            raise Http404
        response = super().list(request, *args, **kwargs)
        results = response.data.get("results", []) if isinstance(response.data, dict) else []
        chain.record_read(
            "referral.list",
            actor=request.user,
            target_type="referrals.referral",
            new={"ids": [r["id"] for r in results]},
        )
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        referral = self.get_object()
        chain.record_read(
            "referral.read",
            actor=request.user,
            target=referral,
            target_label=referral.client_code,
            new={"side": side(request.user, referral), "via": "api"},
            place_code=referral.place_code,
        )
        return Response(self.get_serializer(referral).data)

    def _act(self, act: Any, **data: Any) -> Response:
        referral = self.get_object()
        try:
            act(by=self.request.user, referral=referral, **data)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages) from None
        referral.refresh_from_db()
        return Response(self.get_serializer(referral).data)

    @extend_schema(request=None, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._act(actions.accept)

    @extend_schema(request=DeclineSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        data = DeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._act(actions.decline, reason=data.validated_data["reason"])

    @extend_schema(request=ServiceSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def service(self, request: Request, pk: str | None = None) -> Response:
        data = ServiceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._act(actions.record_service, note=data.validated_data["note"])
