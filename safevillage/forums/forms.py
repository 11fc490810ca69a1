"""The forms of the forums pages. What they check beyond the fields is the model's rule
(youth are among those attending) and the date (not to come, not before the policy)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safevillage.core.date_input import DateInputField
from safevillage.core.text import CheckedTextForm
from safevillage.forums.models import IssueStatus
from safevillage.incidents.models import Incident
from safevillage.policy.models import Criterion

# The Safe Village-Commune Policy dates from 2010: a forum on it cannot be older.
FIRST_DAY = datetime.date(2010, 1, 1)
MAX_ATTENDANCE = 100_000
COUNT = {"min_value": 0, "max_value": MAX_ATTENDANCE, "widget": forms.NumberInput(attrs={"inputmode": "numeric"})}


class ForumForm(CheckedTextForm):
    held_on = DateInputField(label=_("Date of the forum"), past=True)
    organiser = forms.CharField(
        label=_("Organised by"), max_length=200, help_text=_("Who convened it, with their function.")
    )
    women = forms.IntegerField(label=_("Women attending"), **COUNT)  # type: ignore[arg-type]
    men = forms.IntegerField(label=_("Men attending"), **COUNT)  # type: ignore[arg-type]
    youth = forms.IntegerField(
        label=_("Of whom youth (15 to 30)"),
        help_text=_("Counted among the women and men above."),
        **COUNT,  # type: ignore[arg-type]
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Policy points discussed"),
        queryset=Criterion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": _("Choose policy points from the list."),
            "invalid_pk_value": _("Choose policy points from the list."),
            "invalid_list": _("Choose policy points from the list."),
        },
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The points of the framework in force (2021: seven points).
        framework = Criterion.objects.order_by("-framework__effective_from").values("framework").first()
        criteria = Criterion.objects.filter(framework=framework["framework"]) if framework else Criterion.objects.none()
        self.fields["topics"].queryset = criteria.order_by("number")  # type: ignore[attr-defined]

    def clean_held_on(self) -> datetime.date:
        held_on: datetime.date = self.cleaned_data["held_on"]
        if held_on < FIRST_DAY:
            raise forms.ValidationError(_("The policy dates from 2010: enter a date from 2010 on."))
        return held_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        women, men, youth = data.get("women"), data.get("men"), data.get("youth")
        if None not in (women, men, youth) and youth > women + men:  # type: ignore[operator]
            self.add_error(
                "youth",
                _("Youth are counted among the women and men: at most %(total)d.")
                % {
                    "total": women + men  # type: ignore[operator]
                },
            )
        return data


class IssueForm(CheckedTextForm):
    raised = forms.CharField(
        label=_("What residents raised"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    action = forms.CharField(
        label=_("Action agreed"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    owner = forms.CharField(label=_("Owner of the action"), max_length=200, required=False)
    reference = forms.CharField(
        label=_("Or the reference of a record of the register"),
        max_length=24,
        required=False,
        help_text=_("For example 14-1403-2026-000117"),
    )

    def __init__(self, *args: Any, records: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.records = records if records is not None else Incident.objects.none()

    def clean_reference(self) -> Incident | None:
        reference = self.cleaned_data["reference"].strip()
        if not reference:
            return None
        incident = self.records.filter(reference=reference).first()
        if incident is None:
            raise forms.ValidationError(_("No record you may see has this reference."))
        return incident

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("owner", "").strip() and not data.get("reference") and "reference" not in self.errors:
            self.add_error("owner", _("Name who owns the action, or give the record of the register that handles it."))
        return data


class ReviewForm(CheckedTextForm):
    status = forms.ChoiceField(label=_("Status now"), choices=IssueStatus.choices)
    progress = forms.CharField(label=_("Progress reported"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
