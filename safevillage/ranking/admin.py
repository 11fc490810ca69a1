"""Weight sets in the admin: an administrator adds a newer set (valid from a date) rather than
editing one that stored rankings already name; additions are audited. Rankings are derived
data, shown read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safevillage.policy.admin import AuditedAdmin
from safevillage.ranking.models import RankingResult, WeightSet


@admin.register(WeightSet)
class WeightSetAdmin(AuditedAdmin):
    list_display = ["version", "valid_from", "offence_rate", "solved", "completeness", "interval_percent"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Rankings store the weights they used; different weights are a new version.
        return False


@admin.register(RankingResult)
class RankingResultAdmin(admin.ModelAdmin):
    list_display = ["area_code", "period_id", "level", "weights", "computed_at", "superseded_at"]
    list_filter = ["level"]
    search_fields = ["area_code"]
    exclude = ["rows", "inputs"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
