"""The forms of the coordinator's pages (``programme_views.py``). What depends on the
database (a place exists, an account may be tied) is checked by ``directory.py``; what
depends on the coordinator (a place within their reach) is checked here."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from safevillage.core.text import CheckedTextForm
from safevillage.referrals.models import MemberKind, Service


class ReachForm(CheckedTextForm):
    """A form whose place codes must lie within the coordinator's reach (``programme.reach``)."""

    def __init__(self, *args: Any, reach: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reach = reach

    def within_reach(self, code: str) -> str:
        if not any(code.startswith(prefix) for prefix in self.reach):
            raise ValidationError(_("The place %(code)s is outside the area you coordinate.") % {"code": code})
        return code


class TeamForm(ReachForm):
    name = forms.CharField(label=_("Name of the team"), max_length=200)
    place_code = forms.CharField(
        label=_("District or commune"),
        max_length=6,
        help_text=_("Its code: 4 digits for a district, 6 for a commune."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_place_code(self) -> str:
        code: str = self.cleaned_data["place_code"].strip()
        if len(code) not in (4, 6) or not code.isdigit():
            raise ValidationError(_("A team is of a district (4 digits) or a commune (6 digits)."))
        return self.within_reach(code)


class MemberForm(CheckedTextForm):
    name = forms.CharField(label=_("Member's name"), max_length=200)
    kind = forms.ChoiceField(label=_("Member from"), choices=MemberKind.choices, widget=forms.RadioSelect)
    username = forms.CharField(
        label=_("Account (username), if the member refers through the application"),
        max_length=150,
        required=False,
        help_text=_("An account with the role of Rapid Response Team member. Police members have none."),
    )


class ProviderForm(ReachForm):
    name = forms.CharField(label=_("Name of the provider"), max_length=200)
    services = forms.MultipleChoiceField(
        label=_("Services"), choices=Service.choices, widget=forms.CheckboxSelectMultiple
    )
    areas = forms.CharField(
        label=_("Places covered"),
        max_length=2000,
        help_text=_(
            "Place codes separated by spaces or commas: a province, district, commune or village, and all under it."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_areas(self) -> list[str]:
        codes = [code for code in re.split(r"[\s,;]+", self.cleaned_data["areas"]) if code]
        for code in codes:
            if not code.isdigit() or len(code) not in (2, 4, 6, 8):
                raise ValidationError(_("%(code)s is not a place code.") % {"code": code})
            self.within_reach(code)
        if not codes:
            raise ValidationError(_("Name at least one place the provider covers."))
        return codes


class StaffForm(CheckedTextForm):
    username = forms.CharField(
        label=_("Account (username)"),
        max_length=150,
        help_text=_("An account with the role of service provider."),
    )
