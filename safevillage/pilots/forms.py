"""The form that marks a pilot."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safevillage.core.date_input import DateInputField
from safevillage.core.text import CheckedTextForm


class PilotForm(CheckedTextForm):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("For example: Community policing forums"))
    description = forms.CharField(
        label=_("What is tried, and how"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    starts_on = DateInputField(label=_("Start date"))
    places = forms.CharField(
        label=_("Places (NCDD codes)"),
        max_length=100,
        help_text=_("Communes or districts, separated by spaces or commas; for example 140305 140306"),
    )

    def place_codes(self) -> list[str]:
        return self.cleaned_data["places"].replace(",", " ").split()
