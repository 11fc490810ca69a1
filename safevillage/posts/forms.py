"""The forms of the posts pages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safevillage.core.date_input import DateInputField, TimeOfDayField
from safevillage.core.text import CheckedTextForm
from safevillage.posts.models import EquipmentKind, EquipmentState

CHOICE = {"invalid_choice": _("Choose from the list.")}
RIEL = {
    "min_value": Decimal(0),
    "max_value": Decimal(10) ** 15,
    "decimal_places": 0,
    "widget": forms.NumberInput(attrs={"inputmode": "numeric"}),
}


class ShiftForm(CheckedTextForm):
    officer = forms.TypedChoiceField(label=_("Officer"), coerce=int, error_messages=CHOICE)
    day = DateInputField(label=_("Day the shift starts"))
    starts = TimeOfDayField(label=_("From"))
    ends = TimeOfDayField(label=_("Until"), help_text=_("On the 24-hour clock; an earlier time is the next day."))

    def __init__(self, *args: Any, officers: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = officers  # type: ignore[attr-defined]

    def span(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The shift as two moments; one ending at or before its start ends the next day."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        starts = datetime.datetime.combine(data["day"], data["starts"], tzinfo=zone)
        ends = datetime.datetime.combine(data["day"], data["ends"], tzinfo=zone)
        if ends <= starts:
            ends += datetime.timedelta(days=1)
        return starts, ends


class EquipmentForm(CheckedTextForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=EquipmentKind.choices, error_messages=CHOICE)
    place = forms.ChoiceField(label=_("Where"), error_messages=CHOICE)
    label = forms.CharField(label=_("Description"), max_length=200, required=False)
    state = forms.ChoiceField(label=_("State"), choices=EquipmentState.choices, error_messages=CHOICE)
    checked_on = DateInputField(label=_("State checked on"), past=True)

    def __init__(self, *args: Any, places: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = places  # type: ignore[attr-defined]


class BudgetForm(CheckedTextForm):
    year = forms.IntegerField(label=_("Year"), min_value=2010, max_value=2100)
    heading = forms.CharField(label=_("Heading"), max_length=200, help_text=_("For example: fuel, post boxes, forums"))
    planned = forms.DecimalField(label=_("Planned (riel)"), **RIEL)  # type: ignore[arg-type]
    spent = forms.DecimalField(label=_("Spent (riel)"), **RIEL)  # type: ignore[arg-type]
