"""The policy a field client needs to speak the register's language: ``/api/v1/categories/``,
``/api/v1/context-tags/``, ``/api/v1/criteria/`` and, without an account,
``/api/v1/public/categories/`` (the codes the public complaint form accepts).

Read-only. The policy is the same everywhere, so it is not scoped by place: every signed-in
account reads it (it holds no record and no person). The public list is only what the public
form itself offers: active categories that are not sensitive (``intake.public_categories``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny

from safevillage.core.text import CheckedTextModelSerializer
from safevillage.incidents import intake
from safevillage.policy.models import Category, ContextTag, Criterion


def criterion_key(criterion: Criterion | None) -> str | None:
    """``<framework>-<number>``: the value of the register's ``criterion`` filter."""
    return f"{criterion.framework.code}-{criterion.number}" if criterion is not None else None


@extend_schema_field({"type": "string", "nullable": True})
class CriterionKeyField(serializers.Field):
    def to_representation(self, value: Criterion | None) -> str | None:
        return criterion_key(value)


class CategorySerializer(CheckedTextModelSerializer[Category]):
    criterion_2010 = CriterionKeyField(
        read_only=True, help_text=_("The criterion of the 2010 guideline it counts against (2010-3); null if none.")
    )
    point_2021 = CriterionKeyField(
        read_only=True, help_text=_("The point of the 2021 amendment it counts against (2021-2); null if none.")
    )
    public = serializers.SerializerMethodField(help_text=_("Whether the public complaint form accepts it."))

    class Meta:
        model = Category
        fields = [
            "code",
            "name_km",
            "name_en",
            "criterion_2010",
            "point_2021",
            "is_crime",
            "closure_kind",
            "mediation_allowed",
            "sensitive",
            "active",
            "public",
            "acknowledge_days",
            "first_action_days",
            "close_days",
        ]
        read_only_fields = fields

    def get_public(self, category: Category) -> bool:
        return category.active and not category.sensitive


class PublicCategorySerializer(CheckedTextModelSerializer[Category]):
    class Meta:
        model = Category
        fields = ["code", "name_km", "name_en"]
        read_only_fields = fields


class ContextTagSerializer(CheckedTextModelSerializer[ContextTag]):
    class Meta:
        model = ContextTag
        fields = ["code", "name_km", "name_en"]
        read_only_fields = fields


class CriterionSerializer(CheckedTextModelSerializer[Criterion]):
    key = serializers.SerializerMethodField(help_text=_("framework-number: the register's criterion filter (2021-2)."))
    framework = serializers.SlugRelatedField(slug_field="code", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = Criterion
        fields = ["key", "framework", "number", "name_km", "name_en"]
        read_only_fields = fields

    def get_key(self, criterion: Criterion) -> str:
        return f"{criterion.framework.code}-{criterion.number}"


@extend_schema_view(list=extend_schema(summary="The incident categories, with their codes and criteria"))
class CategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Category]):
    serializer_class = CategorySerializer

    def get_queryset(self) -> QuerySet[Category]:
        return Category.objects.select_related("criterion_2010__framework", "point_2021__framework").order_by(
            "ordering", "code"
        )


@extend_schema_view(list=extend_schema(summary="The context tags (family, gang, weapon, juvenile…)"))
class ContextTagViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[ContextTag]):
    serializer_class = ContextTagSerializer

    def get_queryset(self) -> QuerySet[ContextTag]:
        return ContextTag.objects.order_by("code")


@extend_schema_view(list=extend_schema(summary="The criteria (2010) and points (2021) of the framework"))
class CriterionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Criterion]):
    serializer_class = CriterionSerializer

    def get_queryset(self) -> QuerySet[Criterion]:
        return Criterion.objects.select_related("framework").order_by("framework__effective_from", "number")


@extend_schema_view(
    list=extend_schema(
        summary="The categories the public complaint form accepts (no account)", auth=[], tags=["public"]
    )
)
class PublicCategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Category]):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    serializer_class = PublicCategorySerializer

    def get_queryset(self) -> QuerySet[Category]:
        return intake.public_categories().order_by("ordering", "code")
