"""The forms of the awards: opening a round, deciding a nomination, revoking an award."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safevillage.awards.models import AwardKind, Decision
from safevillage.core.text import CheckedTextForm


class RoundForm(CheckedTextForm):
    area = forms.ChoiceField(label=_("Level"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Award for"), choices=AwardKind.choices)

    def __init__(self, *args: object, areas: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)  # noqa: S101  # nosec B101 - declared above
        area.choices = areas


class DecideForm(CheckedTextForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Decision.AWARDED, Decision.AWARDED.label), (Decision.NOT_AWARDED, Decision.NOT_AWARDED.label)],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Why"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class RevokeForm(CheckedTextForm):
    reason = forms.CharField(
        label=_("Why the award is revoked"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
