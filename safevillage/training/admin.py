"""Curricula and their modules are reference data, kept by the national secretariat in the
admin, audited like the policy's."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safevillage.core.text import CheckedTextModelForm
from safevillage.policy.admin import AuditedAdmin
from safevillage.training.models import Curriculum, CurriculumModule


class ModuleInline(admin.TabularInline):
    model = CurriculumModule
    form = CheckedTextModelForm
    extra = 1
    fields = ["number", "name_km", "name_en"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Curriculum)
class CurriculumAdmin(AuditedAdmin):
    list_display = ["code", "name_en", "name_km"]
    inlines = [ModuleInline]
