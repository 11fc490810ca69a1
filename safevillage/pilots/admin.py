from django.contrib import admin
from django.http import HttpRequest

from safevillage.pilots.models import Pilot, PilotPlace


class PilotPlaceInline(admin.TabularInline):
    model = PilotPlace
    extra = 0
    readonly_fields = ("place", "place_code")
    can_delete = False

    # Read-only like its pilot: places are marked through the pages.
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Pilot)
class PilotAdmin(admin.ModelAdmin):
    """Read-only: pilots are marked through the pages, where the permission and the audit row are."""

    list_display = ("name", "starts_on", "scope_code")
    inlines = [PilotPlaceInline]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
