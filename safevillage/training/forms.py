"""The forms of the training pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safevillage.core.date_input import DateInputField
from safevillage.core.text import CheckedTextForm
from safevillage.training.models import Curriculum, SessionKind

MAX_UPLOAD = 1_000_000  # bytes: 2,000 participants with their answers fit many times over


class SessionForm(CheckedTextForm):
    curriculum = forms.ModelChoiceField(
        label=_("Curriculum"),
        queryset=Curriculum.objects.all(),
        error_messages={"invalid_choice": _("Choose a curriculum from the list.")},
    )
    place = forms.CharField(label=_("Place (NCDD code)"), max_length=8, help_text=_("For example 1403"))
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices, widget=forms.RadioSelect)
    starts_on = DateInputField(label=_("First day"))
    ends_on = DateInputField(label=_("Last day"))
    trainer = forms.CharField(label=_("Trainer"), max_length=200)
    max_score = forms.IntegerField(
        label=_("Highest possible score of the test"), min_value=1, max_value=1000, help_text=_("For example 33")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day cannot come before the first."))
        return data


class ScoresForm(forms.Form):
    file = forms.FileField(
        label=_("Scores (CSV)"),
        help_text=_("Columns name, username, pre, post, retention; and, per question, q1_pre, q1_post, …"),
        error_messages={
            "required": _("Choose the CSV file of the scores."),
            "missing": _("Choose the CSV file of the scores."),
            "invalid": _("Choose the CSV file of the scores."),
            "contradiction": _("Choose the CSV file of the scores."),
            "empty": _("The file is empty."),
            "max_length": _("The file's name is too long."),
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is too large: at most 1 MB."))
        return upload
