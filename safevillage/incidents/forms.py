"""The staff intake form: one record with the people involved and the items seized (two
formsets). Every check is the one in ``intake``, so the form and the field API refuse the
same input with the same words."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from safevillage.core.date_input import DateInputField, DateInputWidget
from safevillage.core.text import CheckedTextForm
from safevillage.incidents import intake
from safevillage.incidents.intake import IntakeData, ItemData, PersonData
from safevillage.incidents.models import MAX_CASUALTIES, AgeGroup, Channel, DrugType, ItemKind, PersonRole, Sex, Unit
from safevillage.places.models import Level, Place
from safevillage.policy.models import ContextTag

# Up to this many villages the form offers a list grouped by commune; beyond it (a province
# or the whole country) the officer types the village's code.
VILLAGE_LIST_LIMIT = 400


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


def village_choices(villages: list[Place]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Villages grouped under their commune's name, for a select."""
    communes = {p.code: p for p in Place.objects.filter(code__in={v.code[:6] for v in villages}, level=Level.COMMUNE)}
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for village in sorted(villages, key=lambda v: v.code):
        groups[village.code[:6]].append((village.code, f"{village.name_km} — {village.name_latin} ({village.code})"))
    return [
        (f"{communes[c].name_km} — {communes[c].name_latin}" if c in communes else c, options)
        for c, options in groups.items()
    ]


class IncidentForm(CheckedTextForm):
    category = forms.ChoiceField(label=_("What happened (category)"))
    village = forms.CharField(label=_("Village"), max_length=8)
    # Day, month and year in boxes of their own, and the time as HH:MM on the 24-hour clock
    # (the browser's date field follows the phone's locale: 05/12 is May to some, December to
    # others). Not in the future is intake's rule, with its allowance for clock skew.
    occurred_at = DateInputField(label=_("When did it happen?"), time=True)
    description = forms.CharField(
        label=_("Description"),
        help_text=_("What happened, where exactly, what was taken or damaged. At most 10,000 characters."),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": intake.MAX_DESCRIPTION}),
        strip=False,
    )
    channel = forms.ChoiceField(
        label=_("How did the report reach you?"), choices=[(c.value, c.label) for c in intake.STAFF_CHANNELS]
    )
    tags = forms.MultipleChoiceField(label=_("Context"), required=False, widget=forms.CheckboxSelectMultiple)
    # Text, not IntegerField: intake reads the number, so the form and the API refuse a bad one
    # with the same words.
    deaths = forms.CharField(
        label=_("People killed"),
        required=False,
        initial=0,
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_CASUALTIES, "step": 1, "inputmode": "numeric"}),
    )
    injuries = forms.CharField(
        label=_("People injured"),
        required=False,
        initial=0,
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_CASUALTIES, "step": 1, "inputmode": "numeric"}),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, max_digits=9, decimal_places=6, help_text=_("Optional, e.g. 11.5564")
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, max_digits=9, decimal_places=6, help_text=_("Optional, e.g. 104.9282")
    )
    complainant_name = forms.CharField(label=_("Complainant's name"), required=False, max_length=intake.MAX_NAME)
    complainant_phone = forms.CharField(label=_("Complainant's phone"), required=False, max_length=32)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("channel", Channel.IN_PERSON)
        super().__init__(*args, **kwargs)
        self.user = user
        cast(forms.ChoiceField, self.fields["category"]).choices = _blank(_("Choose a category")) + [
            (c.code, c.name) for c in intake.staff_categories()
        ]
        cast(forms.ChoiceField, self.fields["tags"]).choices = [(t.code, t.name) for t in ContextTag.objects.all()]
        villages = list(intake.recordable_villages(user).order_by("code")[: VILLAGE_LIST_LIMIT + 1])
        village = self.fields["village"]
        if len(villages) <= VILLAGE_LIST_LIMIT:
            village.widget = forms.Select(choices=_blank(_("Choose a village")) + village_choices(villages))
        else:
            village.label = _("Village code")
            village.help_text = _("The 8-digit code of the village, as in the gazetteer.")
            village.widget = forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{8}"})

    def clean_category(self) -> Any:
        return intake.clean_category(self.cleaned_data["category"])

    def clean_village(self) -> Place:
        return intake.clean_village(self.cleaned_data["village"], self.user)

    def clean_occurred_at(self) -> Any:
        return intake.clean_occurred_at(self.cleaned_data["occurred_at"])

    def clean_description(self) -> str:
        return intake.clean_description(self.cleaned_data["description"])

    def clean_tags(self) -> list[ContextTag]:
        return intake.clean_tags(self.cleaned_data["tags"])

    def clean_deaths(self) -> int:
        return intake.clean_casualties(self.cleaned_data["deaths"], "deaths")

    def clean_injuries(self) -> int:
        return intake.clean_casualties(self.cleaned_data["injuries"], "injuries")

    def clean_complainant_name(self) -> str:
        return intake.clean_name(self.cleaned_data["complainant_name"])

    def clean_complainant_phone(self) -> str:
        return intake.clean_phone(self.cleaned_data["complainant_phone"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "latitude" in cleaned and "longitude" in cleaned:
            try:
                cleaned["latitude"], cleaned["longitude"] = intake.clean_coordinates(
                    cleaned["latitude"], cleaned["longitude"]
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned

    def intake_data(self, people: list[PersonData], items: list[ItemData]) -> IntakeData:
        c = self.cleaned_data
        return IntakeData(
            category=c["category"],
            village=c["village"],
            occurred_at=c["occurred_at"],
            description=c["description"],
            channel=c["channel"],
            tags=c["tags"],
            people=people,
            items=items,
            latitude=c["latitude"],
            longitude=c["longitude"],
            complainant_name=c["complainant_name"],
            complainant_phone=c["complainant_phone"],
            deaths=c["deaths"],
            injuries=c["injuries"],
        )


class PersonForm(CheckedTextForm):
    role = forms.ChoiceField(label=_("Role"), choices=_blank(_("Choose")) + PersonRole.choices)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    age_group = forms.ChoiceField(label=_("Age group"), choices=AgeGroup.choices, initial=AgeGroup.UNKNOWN)
    name = forms.CharField(
        label=_("Name (optional)"),
        required=False,
        max_length=intake.MAX_NAME,
        help_text=_("Shown only to investigating officers; every view of it is recorded."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                cleaned["person"] = intake.clean_person(
                    cleaned["role"], cleaned["sex"], cleaned["age_group"], cleaned.get("name", "")
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


class ItemForm(CheckedTextForm):
    kind = forms.ChoiceField(label=_("What was seized"), choices=_blank(_("Choose")) + ItemKind.choices)
    drug_type = forms.ChoiceField(label=_("Drug"), required=False, choices=_blank(_("Not a drug")) + DrugType.choices)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=3)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.ITEM)
    description = forms.CharField(label=_("Details (optional)"), required=False, max_length=intake.MAX_ITEM_DESCRIPTION)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                cleaned["item"] = intake.clean_item(
                    cleaned["kind"], cleaned["quantity"], cleaned["unit"], cleaned["drug_type"], cleaned["description"]
                )
            except ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


PersonFormSet = formset_factory(PersonForm, extra=1, max_num=intake.MAX_PEOPLE, validate_max=True)
ItemFormSet = formset_factory(ItemForm, extra=1, max_num=intake.MAX_ITEMS, validate_max=True)


def error_summary(*forms_or_formsets: Any) -> list[dict[str, str]]:
    """Every error of a form and its formsets as (anchor, message) pairs, for the summary
    at the top of the page that links each message to its field (the GOV.UK pattern)."""
    summary: list[dict[str, str]] = []

    def add(form: forms.Form) -> None:
        for name, errors in form.errors.items():
            anchor = form[name].auto_id if name in form.fields else f"{form.prefix or 'form'}-errors"
            # A date is reached by its first box that holds the mistake.
            widget = form.fields[name].widget if name in form.fields else None
            if isinstance(widget, DateInputWidget):
                anchor = widget.first_invalid_id(anchor)
            # A list of boxes or radio buttons is reached by its first input.
            if name in form.fields and isinstance(
                form.fields[name].widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)
            ):
                anchor = f"{anchor}_0"
            summary.extend({"anchor": anchor, "message": str(message)} for message in errors)

    for item in forms_or_formsets:
        if isinstance(item, forms.BaseFormSet):
            for message in item.non_form_errors():
                summary.append({"anchor": f"{item.prefix}-errors", "message": str(message)})
            for form in item.forms:
                add(form)
        else:
            add(item)
    return summary
