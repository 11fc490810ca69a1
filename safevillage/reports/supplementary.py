"""Values a result report gives that the register does not record: patrols, public forums
(the guideline asks for one every three months, III.B.4) and the budget (IV.7). The dead and
injured of traffic accidents are not among them: each record carries its casualties, and the
report sums them (``indicators``: traffic_deaths, traffic_injuries).

Each value is a whole number, zero or more. Where one value is part of another (women among
forum participants, budget used out of budget allocated) the part may not exceed the whole.
Errors name the field and are translated; nothing is saved while any remains. Codes that are
not fields (such as the traffic casualties typed into reports before records carried them)
are not read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Field:
    code: str
    name_en: str
    name_km: str
    part_of: str = ""

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "km").startswith("en") else self.name_km


FIELDS: tuple[Field, ...] = (
    Field("patrols", "Patrols carried out", "ចំនួនការល្បាត"),
    Field("forums_held", "Public forums held", "ចំនួនវេទិកាសាធារណៈបានរៀបចំ"),
    Field("forum_participants", "Forum participants", "ចំនួនអ្នកចូលរួមវេទិកា"),
    Field("forum_participants_women", "of whom women", "ក្នុងនោះស្ត្រី", part_of="forum_participants"),
    Field("budget_allocated_riel", "Budget allocated (riel)", "ថវិកាបានទទួល (រៀល)"),
    Field("budget_used_riel", "Budget used (riel)", "ថវិកាបានប្រើប្រាស់ (រៀល)", part_of="budget_allocated_riel"),
)
BY_CODE = {field.code: field for field in FIELDS}
# Sixteen digits is more than any budget in riel and keeps values exact in JSON and Excel.
MAX_DIGITS = 15


def validate(raw: Mapping[str, str]) -> tuple[dict[str, int], dict[str, str]]:
    """Clean form input: returns (values, errors by field code). Blank fields are left out."""
    values: dict[str, int] = {}
    errors: dict[str, str] = {}
    for field in FIELDS:
        text = str(raw.get(field.code, "")).strip().replace(",", "").replace(" ", "")
        if not text:
            continue
        if not text.isdigit() or not text.isascii():
            errors[field.code] = _("Enter a whole number, 0 or more.")
        elif len(text) > MAX_DIGITS:
            errors[field.code] = _("This number is too large.")
        else:
            values[field.code] = int(text)
    for field in FIELDS:
        if field.code not in values:
            continue
        if field.part_of:
            whole = BY_CODE[field.part_of]
            if whole.code not in values and whole.code not in errors:
                errors[field.code] = _("Give “%(whole)s” too.") % {"whole": whole.name}
            elif whole.code in values and values[field.code] > values[whole.code]:
                errors[field.code] = _("“%(part)s” cannot be more than “%(whole)s” (%(total)d).") % {
                    "part": field.name,
                    "whole": whole.name,
                    "total": values[whole.code],
                }
    if errors:
        return {}, errors
    return values, {}
