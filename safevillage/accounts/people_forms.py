"""Forms of the people pages: what a manager types to create an officer, give or end a role,
and import a file. Each checks the authority rule (``accounts.authority``) in ``clean``, so
that a refused role is a message on the form, not an error page."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from safevillage.accounts import authority, people
from safevillage.accounts.models import RoleAssignment, User
from safevillage.accounts.roles import Role
from safevillage.core.date_input import DateInputField
from safevillage.core.text import CheckedTextForm
from safevillage.places.models import Place


class RoleForm(CheckedTextForm):
    """A role at a place, checked against the manager's authority. ``user`` is the account
    receiving it (None: an account about to be created)."""

    role = forms.ChoiceField(label=_("Role"))
    place_code = forms.CharField(
        label=_("Place code"),
        required=False,
        max_length=8,
        help_text=_("2, 4, 6 or 8 digits; empty only for the roles held for the whole country."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    started_on = DateInputField(label=_("Starts on"), required=False, help_text=_("Empty: today."))

    def __init__(self, *args: Any, manager: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.manager, self.user = manager, user
        self.place: Place | None = None
        grantable = authority.roles_grantable(manager)
        role_field: forms.ChoiceField = self.fields["role"]  # type: ignore[assignment]
        # No role chosen in advance: a preselected one would fail with most places.
        role_field.choices = [("", _("Choose a role")), *((v, label) for v, label in Role.choices if v in grantable)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        try:
            self.place = people.place_for(data.get("place_code") or "")
            if data.get("role"):
                people.check_role(self.manager, self.user, data["role"], self.place)
        except ValidationError as error:
            self.add_error(None, error)
        except authority.OutsideAuthority as error:
            self.add_error("place_code", error.message)
        return data

    def started_at(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("started_on")
        return people.start_of_day(day) if day else None


class PersonForm(RoleForm):
    """A new officer: the account and their first role."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only. The officer signs in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    field_order = ["username", "full_name", "phone", "role", "place_code", "started_on"]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        try:
            return people.clean_username(username)
        except ValidationError as error:
            raise ValidationError(error.message_dict["username"]) from None

    def clean_phone(self) -> str:
        try:
            return people.clean_phone(self.cleaned_data["phone"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["phone"]) from None


class EndRoleForm(CheckedTextForm):
    ended_on = DateInputField(label=_("Ends on"), required=False, help_text=_("Empty: now."))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, assignment: RoleAssignment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assignment = assignment

    def clean_ended_on(self) -> datetime.date | None:
        day: datetime.date | None = self.cleaned_data.get("ended_on")
        if day is not None and people.start_of_day(day) < self.assignment.started_at:
            raise ValidationError(_("An assignment cannot end before it starts."), code="before_start")
        return day


class ReasonForm(CheckedTextForm):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ImportForm(CheckedTextForm):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with the header username, full_name, phone, role, place_code."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        max_length=200,
        # Django's own messages for a file have no Khmer translation.
        error_messages={
            "required": _("Choose the CSV file."),
            "invalid": _("Choose the CSV file."),
            "missing": _("Choose the CSV file."),
            "empty": _("The file is empty: it needs a header line and one line per account."),
            "max_length": _("The file's name is too long: rename it."),
            "contradiction": _("Choose the CSV file."),
        },
    )
    check_only = forms.BooleanField(label=_("Only check the file, load nothing"), required=False)

    # A file of a few thousand officers is well under this; anything larger is a mistake.
    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is too large (at most 2 MB)."), code="too_large")
        return upload
