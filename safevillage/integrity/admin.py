"""Flags in the admin, read-only: they are written by the runs and reviewed through the
review action (audited), never edited by hand."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safevillage.integrity.models import Flag


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["place_code", "period_id", "rule", "severity", "status", "active", "last_found_at"]
    list_filter = ["rule", "status", "severity", "active"]
    search_fields = ["place_code", "period_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
