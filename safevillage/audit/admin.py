"""The audit log in the admin: readable, never writable. Events are added only by
``record_event``; nobody, not even a superuser, adds, changes or deletes one here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safevillage.audit.models import AuditEvent, ChainHead


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "occurred_at", "actor_label", "action", "target_type", "target_id", "place_code"]
    list_filter = ["action", "target_type"]
    search_fields = ["=target_id", "=place_code", "actor_label", "target_label"]
    date_hierarchy = "occurred_at"
    # Counting a large log on every page is slow, and exact totals add nothing here.
    show_full_result_count = False


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    list_display = ["last_seq", "last_hash", "updated_at"]
