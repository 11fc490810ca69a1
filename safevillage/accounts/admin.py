"""The admin for the national secretariat's staff: accounts, role assignments, device keys.

Nothing here is ever deleted: an account is deactivated, an assignment ended (``ended_at``),
a device key revoked, so that the records made under them stay attributed. Every change
goes through ``accounts.actions`` or is audited here, in the admin's own transaction.
The admin is not scoped by jurisdiction: give staff status to national staff only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm, UsernameField
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from safevillage.accounts.actions import (
    end_assignment,
    record_password_change,
    record_password_disabled,
    record_user_change,
    revoke_device_token,
    save_assignment,
)
from safevillage.accounts.models import DeviceToken, RoleAssignment, User
from safevillage.core.date_input import DateInputField
from safevillage.core.text import CheckedText, CheckedTextModelForm
from safevillage.places.models import Place

# Fields of an account that the audit log follows (never the password).
_AUDITED_USER_FIELDS = [
    "username",
    "full_name",
    "phone",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
    "must_change_password",
]


class RoleAssignmentForm(CheckedTextModelForm):
    """The place is typed as its NCDD code (a list of 16,000 places is no use)."""

    place = forms.ModelChoiceField(
        queryset=Place.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.TextInput(attrs={"size": 10, "inputmode": "numeric"}),
        label=_("place code"),
        help_text=_("2, 4, 6 or 8 digits; empty only for the national secretariat and national auditors."),
        error_messages={"invalid_choice": _("No place has this code.")},
    )

    # Day, month and year in boxes of their own (the admin's date field reads 05/12 as May).
    started_at = DateInputField(label=_("started"), time=True)
    ended_at = DateInputField(label=_("ended"), time=True, required=False)

    class Meta:
        model = RoleAssignment
        fields = ["role", "place", "started_at", "ended_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.place is not None:
            self.initial["place"] = self.instance.place.code  # shown and compared as the code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if self.instance.pk is not None:
            before = {"role": self.instance.role, "place": self.instance.place}
            for name in ("role", "place"):
                if name in data and data[name] != before[name]:
                    self.add_error(name, _("This cannot change: end the assignment and add a new one."))
        started, ended = data.get("started_at"), data.get("ended_at")
        if started and ended and ended < started:
            self.add_error("ended_at", _("An assignment cannot end before it starts."))
        # The role must fit the place's level: RoleAssignment.clean (check_role_level) runs
        # when the form validates the instance.
        return data


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    form = RoleAssignmentForm
    fk_name = "user"
    extra = 0
    can_delete = False
    ordering = ["-started_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SecretariatUserCreationForm(CheckedText, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("username", "full_name", "phone")
        field_classes = {"username": UsernameField}


class SecretariatUserChangeForm(CheckedText, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"username": UsernameField}


def _user_values(user: User) -> dict[str, Any]:
    return {name: getattr(user, name) for name in _AUDITED_USER_FIELDS}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = SecretariatUserChangeForm
    add_form = SecretariatUserCreationForm
    inlines = [RoleAssignmentInline]
    list_display = ["username", "full_name", "phone", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "must_change_password", "assignments__role"]
    search_fields = ["username", "full_name", "phone", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password", "must_change_password")}),
        (_("Person"), {"fields": ("full_name", "phone", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "phone", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: records keep pointing at the account

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool) -> None:
        old = _user_values(User.objects.get(pk=obj.pk)) if change else None
        if not change and obj.has_usable_password():
            # The secretariat chose this password: its holder must replace it.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)
        new = _user_values(obj)
        if old != new:
            record_user_change(obj, by=request.user, old=old, new=new)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseInlineFormSet[Any, Any, Any], change: bool
    ) -> None:
        if formset.model is not RoleAssignment:
            super().save_formset(request, form, formset, change)
            return
        for assignment in formset.save(commit=False):
            save_assignment(assignment, by=request.user, reason="admin")
        formset.save_m2m()

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Setting someone's password: a temporary one, to be replaced at the next sign-in
        (unless it is one's own)."""
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=unquote(id))
                if user.has_usable_password():
                    record_password_change(user, by=request.user, temporary=user.pk != request.user.pk)
                else:
                    record_password_disabled(user, by=request.user)
        return response


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    form = RoleAssignmentForm
    list_display = ["user", "role", "place", "started_at", "ended_at"]
    list_filter = ["role", ("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__full_name", "place__code", "place__name_latin", "place__name_km"]
    list_select_related = ["user", "place"]
    raw_id_fields = ["user"]
    date_hierarchy = "started_at"
    actions = ["end_now"]

    fields = ["user", "role", "place", "started_at", "ended_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["user"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # end it instead

    def save_model(self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool) -> None:
        save_assignment(obj, by=request.user, reason="admin")

    @admin.action(description=_("End the selected assignments now"))
    def end_now(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> None:
        ended = 0
        for assignment in queryset & RoleAssignment.objects.active():
            end_assignment(assignment, by=request.user, reason="admin")
            ended += 1
        self.message_user(request, _("%(count)d assignments ended.") % {"count": ended}, messages.SUCCESS)


@admin.register(DeviceToken)
class DeviceTokenAdmin(admin.ModelAdmin):
    """Keys are issued by their holder (My devices) or ``manage.py issue_device_token``, never
    here: the admin could not show the key. Only the hash is stored."""

    list_display = ["name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "user__username", "key_prefix"]
    list_select_related = ["user"]
    fields = ["user", "name", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.change_devicetoken")

    @admin.action(description=_("Revoke the selected keys"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[DeviceToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_device_token(token, by=request.user, reason="admin")
            revoked += 1
        self.message_user(request, _("%(count)d keys revoked.") % {"count": revoked}, messages.SUCCESS)
