"""The policy in the admin: an administrator changes categories, deadlines, mediation rules
and context tags without a code change. Every change is audited; nothing is deleted (records
refer to these rows) — a category that is no longer used is made inactive."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from safevillage.audit.log import record_event
from safevillage.core.date_input import ADMIN_FORMFIELD_OVERRIDES
from safevillage.core.text import CheckedTextModelForm
from safevillage.policy.models import Category, ContextTag, Criterion, FrameworkVersion


def _audit(request: HttpRequest, obj: Model, changed: list[str], adding: bool) -> None:
    if not adding and not changed:
        return
    values = {name: getattr(obj, f"{name}_id", getattr(obj, name, None)) for name in changed}
    # The admin's change view runs in a transaction, so the row and its audit event commit together.
    record_event(
        f"{obj._meta.label_lower}.{'add' if adding else 'change'}",
        actor=request.user,
        target=obj,
        new=values,
    )


class AuditedAdmin(admin.ModelAdmin):
    formfield_overrides = ADMIN_FORMFIELD_OVERRIDES
    form = CheckedTextModelForm

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _audit(request, obj, list(form.changed_data), adding=not change)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            _audit(request, obj, [], adding=True)
        for obj, changed in formset.changed_objects:
            _audit(request, obj, list(changed), adding=False)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CriterionInline(admin.TabularInline):
    model = Criterion
    form = CheckedTextModelForm
    extra = 0
    fields = ["number", "name_km", "name_en"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "effective_from"]
    inlines = [CriterionInline]


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = [
        "code",
        "name_en",
        "name_km",
        "criterion_2010",
        "point_2021",
        "is_crime",
        "closure_kind",
        "iccs_code",
        "mediation_allowed",
        "sensitive",
        "acknowledge_days",
        "first_action_days",
        "close_days",
        "active",
    ]
    list_filter = ["active", "is_crime", "mediation_allowed", "sensitive", "point_2021__framework"]
    search_fields = ["code", "name_en", "name_km", "iccs_code"]
    list_select_related = ["criterion_2010__framework", "point_2021__framework"]
    fieldsets = [
        (None, {"fields": ["code", "name_km", "name_en", "active", "ordering"]}),
        (_("Framework"), {"fields": ["criterion_2010", "point_2021"]}),
        (
            _("Classification"),
            {"fields": ["is_crime", "closure_kind", "iccs_code", "mediation_allowed", "sensitive"]},
        ),
        (_("Deadlines (days from the report)"), {"fields": ["acknowledge_days", "first_action_days", "close_days"]}),
    ]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # A 2010 category counts against a 2010 criterion, a 2021 one against a 2021 point.
        if db_field.name == "criterion_2010":
            kwargs["queryset"] = Criterion.objects.filter(framework__code="2010").select_related("framework")
        elif db_field.name == "point_2021":
            kwargs["queryset"] = Criterion.objects.filter(framework__code="2021").select_related("framework")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ContextTag)
class ContextTagAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_km"]
    search_fields = ["code", "name_en", "name_km"]
