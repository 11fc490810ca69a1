"""The forms of the disputes pages."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from safevillage.core.date_input import DateInputField
from safevillage.core.text import CheckedTextForm
from safevillage.disputes.actions import refuse_unmediable
from safevillage.disputes.models import Kind, Outcome, Side
from safevillage.incidents.models import Incident
from safevillage.policy.models import Category

# Out-of-court resolution entered the policy in 2021; older papers may still be entered.
FIRST_DAY = datetime.date(2010, 1, 1)


def _not_before_2010(day: datetime.date) -> datetime.date:
    if day < FIRST_DAY:
        raise ValidationError(_("The policy dates from 2010: enter a date from 2010 on."))
    return day


class DisputeForm(CheckedTextForm):
    kind = forms.ChoiceField(label=_("Kind of dispute"), choices=Kind.choices, widget=forms.RadioSelect)
    summary = forms.CharField(
        label=_("What the dispute is about"),
        help_text=_("Without the parties' names."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    category = forms.ModelChoiceField(
        label=_("Category of the policy, if it is one"),
        queryset=Category.objects.filter(active=True).order_by("ordering", "code"),
        required=False,
        error_messages={"invalid_choice": _("Choose a category from the list.")},
    )
    reference = forms.CharField(
        label=_("Reference of a record of the register, if there is one"),
        max_length=24,
        required=False,
        help_text=_("For example 14-1403-2026-000117"),
    )
    mediators = forms.CharField(label=_("Mediators"), max_length=300, help_text=_("Names and functions."))
    opened_on = DateInputField(label=_("Date the dispute was brought"), past=True)
    claimant = forms.CharField(label=_("Claimant's name"), max_length=200)
    claimant_phone = forms.CharField(label=_("Claimant's phone"), max_length=32, required=False)
    respondent = forms.CharField(label=_("Respondent's name"), max_length=200)
    respondent_phone = forms.CharField(label=_("Respondent's phone"), max_length=32, required=False)

    def __init__(self, *args: Any, records: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.records = records if records is not None else Incident.objects.none()

    def clean_opened_on(self) -> datetime.date:
        return _not_before_2010(self.cleaned_data["opened_on"])

    def clean_category(self) -> Category | None:
        category: Category | None = self.cleaned_data["category"]
        refuse_unmediable(category)
        return category

    def clean_reference(self) -> Incident | None:
        reference = self.cleaned_data["reference"].strip()
        if not reference:
            return None
        incident: Incident | None = self.records.filter(reference=reference).select_related("category").first()
        if incident is None:
            raise ValidationError(_("No record you may see has this reference."))
        refuse_unmediable(incident.category)
        return incident

    def parties(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        return [
            (Side.CLAIMANT, data["claimant"], data["claimant_phone"]),
            (Side.RESPONDENT, data["respondent"], data["respondent_phone"]),
        ]


class SessionForm(CheckedTextForm):
    held_on = DateInputField(label=_("Date of the session"), past=True)
    note = forms.CharField(
        label=_("What was agreed or said"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False
    )


class CloseForm(CheckedTextForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    closed_on = DateInputField(label=_("Date it ended"), past=True)
