"""Threshold sets in the admin: an administrator adds a newer set (valid from a date) rather
than editing one that decisions already name; additions are audited. Decisions are derived
data, shown read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safevillage.policy.admin import AuditedAdmin
from safevillage.safety.models import SafetyDecision, ThresholdSet


@admin.register(ThresholdSet)
class ThresholdSetAdmin(AuditedAdmin):
    list_display = ["version", "valid_from", "max_offences_per_1000_year", "min_solved_percent"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Decisions store the values they used; a different meaning is a new version.
        return False


@admin.register(SafetyDecision)
class SafetyDecisionAdmin(admin.ModelAdmin):
    list_display = ["place_code", "period_id", "framework", "overall", "computed_at", "superseded_at"]
    list_filter = ["overall", "framework"]
    search_fields = ["place_code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
