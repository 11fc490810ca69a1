"""The portal's data dictionary: every field of the downloads, what it counts, and whether
the disclosure rule applies to it. The page, the CSV header and the JSON keys read this list,
so that they cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class Field:
    code: str
    label: Promise
    meaning: Promise
    # "count": a count of records or answers, hidden from 1 to 4 and rounded to 5;
    # "percent": a share computed from published counts; "text", "code", "meetings".
    kind: str


FIELDS: tuple[Field, ...] = (
    Field("place_code", _("Place code"), _("The NCDD code of the place (empty for the whole country)."), "code"),
    Field("place_name_km", _("Name in Khmer"), _("The place's name in Khmer, from the gazetteer."), "text"),
    Field(
        "place_name_en", _("Name in Latin script"), _("The place's name in Latin script, from the gazetteer."), "text"
    ),
    Field("level", _("Level"), _("country, province, district or commune."), "code"),
    Field("period", _("Period"), _("The period: 2026 (year), 2026S1, 2026Q1 or 202601 (month)."), "code"),
    Field(
        "reported",
        _("Reported"),
        _("Records of offences and incidents that occurred in the period (withdrawn records excluded)."),
        "count",
    ),
    Field("solved", _("Solved"), _("Of those, the records closed as solved by the time of publication."), "count"),
    Field("not_solved", _("Not solved"), _("Reported records not (yet) solved: reported minus solved."), "count"),
    Field("solved_share", _("Share solved"), _("Solved ÷ reported × 100, from the published counts."), "percent"),
    Field(
        "closed",
        _("Complaints closed"),
        _("Complaints (public services, civil matters) closed during the period, whenever they were made."),
        "count",
    ),
    Field("in_time", _("Closed in time"), _("Of those, the complaints closed by their deadline."), "count"),
    Field("late", _("Closed late"), _("Complaints closed after their deadline: closed minus closed in time."), "count"),
    Field(
        "in_time_share",
        _("Share closed in time"),
        _("Closed in time ÷ complaints closed × 100, from the published counts."),
        "percent",
    ),
    Field(
        "answered",
        _("Citizens' answers"),
        _('Complainants who answered "is it resolved?" about a record of the period.'),
        "count",
    ),
    Field("yes", _("Answered resolved"), _("Of those, the complainants who answered that it was resolved."), "count"),
    Field("no", _("Answered not resolved"), _("The complainants who answered that it was not resolved."), "count"),
    Field(
        "yes_share",
        _("Share answering resolved"),
        _("Answered resolved ÷ answers × 100, from the published counts."),
        "percent",
    ),
    Field(
        "forums",
        _("Public forums held"),
        _("Public forums held in the place and the villages under it during the period: meetings, not people."),
        "meetings",
    ),
    Field(
        "safety",
        _("Safety classification"),
        _(
            "A commune's current classification for the period: safe, not_safe, insufficient, "
            "or empty if none is stored."
        ),
        "code",
    ),
)

COUNT_FIELDS = tuple(f.code for f in FIELDS if f.kind == "count")
