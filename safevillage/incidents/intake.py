"""Checking what arrives at intake, the same way for the staff form, the field API and the
public complaint: each check returns the clean value or raises a ``ValidationError`` with a
translated message, so that every door refuses the same input with the same words.

What is refused, and why:
- a village that does not exist, is archived, or lies outside the user's area (one message
  for all three, so that probing codes reveals nothing);
- a time in the future (five minutes of clock skew between a device and the server are
  allowed) or before 1979, when the register's period key starts;
- an empty description, or one longer than ``MAX_DESCRIPTION`` characters;
- quantities that are not positive or not plausible for their unit;
- casualties (people killed, people injured) that are not whole numbers from 0 to
  ``MAX_CASUALTIES``;
- text that PostgreSQL cannot store (NUL characters, broken Unicode), which would otherwise
  surface as a server error.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safevillage.accounts.scoping import prefix_filter
from safevillage.core.text import check_text
from safevillage.incidents.models import (
    MAX_CASUALTIES,
    AgeGroup,
    Channel,
    DrugType,
    ItemKind,
    PersonRole,
    Sex,
    Unit,
)
from safevillage.places.models import Level, Place, PlaceQuerySet
from safevillage.policy.models import Category, ContextTag

if TYPE_CHECKING:
    from safevillage.accounts.scoping import AnyUser

MAX_DESCRIPTION = 10_000
MAX_NAME = 200
MAX_ITEM_DESCRIPTION = 500
MAX_PEOPLE = 50
MAX_ITEMS = 50
CLOCK_SKEW = datetime.timedelta(minutes=5)
EARLIEST = datetime.datetime(1979, 1, 1, tzinfo=ZoneInfo("Asia/Phnom_Penh"))

# Channels an officer may choose; the field API adds its own, the public site has its own.
STAFF_CHANNELS = (
    Channel.IN_PERSON,
    Channel.PHONE,
    Channel.POST_BOX,
    Channel.VILLAGE_CHIEF,
    Channel.PATROL,
    Channel.OTHER_AUTHORITY,
)
DEVICE_CHANNELS = (*STAFF_CHANNELS, Channel.FIELD_DEVICE)

DRUG_UNITS = (Unit.GRAM, Unit.KILOGRAM, Unit.TABLET)
# The largest seizure thought possible in one record, per unit: beyond it, a typing error.
QUANTITY_LIMITS = {
    Unit.GRAM: Decimal(100_000_000),
    Unit.KILOGRAM: Decimal(100_000),
    Unit.TABLET: Decimal(100_000_000),
    Unit.ITEM: Decimal(10_000),
}

# Cambodia lies within about 10 to 14.7°N and 102.3 to 107.7°E; a point far outside is a typing
# error (latitude and longitude swapped, a sign lost).
LATITUDE_RANGE = (Decimal("9.5"), Decimal("15"))
LONGITUDE_RANGE = (Decimal("102"), Decimal("108"))

_PHONE = re.compile(r"^\+?[0-9][0-9 .-]{6,18}[0-9]$")
_VILLAGE_CODE = re.compile(r"^[0-9]{8}$")


@dataclass(frozen=True)
class PersonData:
    role: str
    sex: str = Sex.UNKNOWN
    age_group: str = AgeGroup.UNKNOWN
    name: str = ""


@dataclass(frozen=True)
class ItemData:
    kind: str
    quantity: Decimal
    unit: str
    drug_type: str = ""
    description: str = ""


@dataclass
class IntakeData:
    """A record as checked at intake, ready for ``actions.create_incident``."""

    category: Category
    village: Place
    occurred_at: datetime.datetime
    description: str
    channel: str
    tags: Sequence[ContextTag] = ()
    people: Sequence[PersonData] = ()
    items: Sequence[ItemData] = ()
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    complainant_name: str = ""
    complainant_phone: str = ""
    deaths: int = 0
    injuries: int = 0


# --- text -------------------------------------------------------------------------------


def clean_text(
    value: str, *, max_length: int, required: bool = False, message: str = "", multiline: bool = True
) -> str:
    """Stripped text that every database can store, at most ``max_length`` characters, with
    none of the characters ``core/text.py`` refuses (forms and serializers refuse them at
    their fields already; this covers text an action receives from elsewhere)."""
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationError(_("This text contains a character that cannot be stored (NUL)."), code="nul")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(_("This text is not valid Unicode."), code="unicode") from None
    check_text(value, multiline=multiline)
    if required and not value:
        raise ValidationError(message or _("This field is required."), code="required")
    if len(value) > max_length:
        raise ValidationError(
            _("Write at most %(limit)s characters (this text has %(length)s).")
            % {"limit": f"{max_length:,}", "length": f"{len(value):,}"},
            code="max_length",
        )
    return value


def clean_description(value: str) -> str:
    return clean_text(value, max_length=MAX_DESCRIPTION, required=True, message=_("Describe what happened."))


def clean_name(value: str) -> str:
    return clean_text(value, max_length=MAX_NAME, multiline=False)


def clean_phone(value: str) -> str:
    value = clean_text(value, max_length=32, multiline=False)
    if value and not _PHONE.match(value):
        raise ValidationError(_("Enter a phone number of digits, such as 012 345 678."), code="phone")
    return value


# --- place, category, time --------------------------------------------------------------


def recordable_villages(user: AnyUser) -> PlaceQuerySet:
    """Current villages where ``user`` may record incidents."""
    return Place.objects.current().filter(level=Level.VILLAGE).filter(prefix_filter(user, "incidents.record", "code"))


def public_villages() -> PlaceQuerySet:
    """Any current village of the country: a citizen may complain about any place."""
    return Place.objects.current().filter(level=Level.VILLAGE)


def clean_village(code: str, user: AnyUser | None) -> Place:
    """The village of ``code``, among the user's recordable villages (any village when
    ``user`` is None: a public complaint). Unknown, archived and out-of-area codes all get
    the same message."""
    code = (code or "").strip()
    villages = public_villages() if user is None else recordable_villages(user)
    village = villages.filter(code=code).first() if _VILLAGE_CODE.match(code) else None
    if village is None:
        if user is None:
            raise ValidationError(_("There is no village with this code."), code="unknown_village")
        raise ValidationError(_("There is no village with this code in your area."), code="unknown_village")
    return village


def staff_categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True)


def public_categories() -> QuerySet[Category]:
    # Sensitive matters (trafficking, domestic violence, drug use) are reported to the
    # police post or a service directly, not through an open web form.
    return Category.objects.filter(active=True, sensitive=False)


def clean_category(code: str, *, public: bool = False) -> Category:
    choices = public_categories() if public else staff_categories()
    category = choices.filter(code=(code or "").strip()).first()
    if category is None:
        raise ValidationError(_("Choose a category from the list."), code="unknown_category")
    return category


def clean_occurred_at(value: datetime.datetime, now: datetime.datetime | None = None) -> datetime.datetime:
    """Not in the future (beyond the allowed clock skew) and not before 1979."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    now = now or timezone.now()
    if value > now + CLOCK_SKEW:
        raise ValidationError(_("The time of the incident cannot be in the future."), code="future")
    if value < EARLIEST:
        raise ValidationError(_("The time of the incident cannot be before 1979."), code="too_old")
    return value


def clean_occurred(day: datetime.date, time: datetime.time | None) -> datetime.datetime:
    """A day with an optional time of day. A bare day is judged as a day: tomorrow is in the
    future even five minutes before midnight, when its first minute is within the clock skew."""
    if time is None and day > timezone.localdate():
        raise ValidationError(_("The time of the incident cannot be in the future."), code="future")
    return clean_occurred_at(timezone.make_aware(datetime.datetime.combine(day, time or datetime.time())))


def clean_channel(value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        raise ValidationError(_("Choose a channel from the list."), code="unknown_channel")
    return value


def clean_tags(codes: Iterable[str]) -> list[ContextTag]:
    wanted = sorted({(code or "").strip() for code in codes})
    tags = list(ContextTag.objects.filter(code__in=wanted))
    if len(tags) != len(wanted):
        raise ValidationError(_("Choose context tags from the list."), code="unknown_tag")
    return tags


def clean_coordinates(latitude: Decimal | None, longitude: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise ValidationError(_("Give both the latitude and the longitude, or neither."), code="coordinates")
    if not LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]:
        raise ValidationError({"latitude": _("This latitude is not in Cambodia (about 10 to 15 degrees north).")})
    if not LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]:
        raise ValidationError({"longitude": _("This longitude is not in Cambodia (about 102 to 108 degrees east).")})
    return latitude.quantize(Decimal("0.000001")), longitude.quantize(Decimal("0.000001"))


# --- casualties ---------------------------------------------------------------------------


def casualty_message(field: str) -> str:
    if field == "deaths":
        return _("Enter the number of people killed as a whole number from 0 to %(max)d.") % {"max": MAX_CASUALTIES}
    return _("Enter the number of people injured as a whole number from 0 to %(max)d.") % {"max": MAX_CASUALTIES}


def clean_casualties(value: Any, field: str) -> int:
    """People killed (``field`` "deaths") or injured ("injuries") in one record: a whole number
    from 0 to MAX_CASUALTIES. Blank or None is 0; text of digits is read; a fraction, a sign,
    a boolean or anything else is refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, bool):
        raise ValidationError(casualty_message(field), code="casualties")
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 6:
            raise ValidationError(casualty_message(field), code="casualties")
        value = int(text)
    if not isinstance(value, int) or not 0 <= value <= MAX_CASUALTIES:
        raise ValidationError(casualty_message(field), code="casualties")
    return value


# --- people and seized items ------------------------------------------------------------


def clean_person(role: str, sex: str = Sex.UNKNOWN, age_group: str = AgeGroup.UNKNOWN, name: str = "") -> PersonData:
    errors: dict[str, str] = {}
    if role not in PersonRole.values:
        errors["role"] = _("Choose victim, suspect or witness.")
    if sex not in Sex.values:
        errors["sex"] = _("Choose a sex from the list.")
    if age_group not in AgeGroup.values:
        errors["age_group"] = _("Choose an age group from the list.")
    try:
        name = clean_name(name)
    except ValidationError as exc:
        errors["name"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return PersonData(role=role, sex=sex, age_group=age_group, name=name)


def clean_item(kind: str, quantity: Any, unit: str, drug_type: str = "", description: str = "") -> ItemData:
    """A seized item: drugs by weight or tablets with their type; weapons, vehicles and other
    items counted whole."""
    errors: dict[str, str] = {}
    if kind not in ItemKind.values:
        errors["kind"] = _("Choose what was seized from the list.")
    if unit not in Unit.values:
        errors["unit"] = _("Choose a unit from the list.")
    if drug_type and drug_type not in DrugType.values:
        errors["drug_type"] = _("Choose a drug from the list.")
    elif kind == ItemKind.DRUG and not drug_type:
        errors["drug_type"] = _("Say which drug was seized.")
    elif kind in ItemKind.values and kind != ItemKind.DRUG and drug_type:
        errors["drug_type"] = _("Only drugs have a drug type.")
    if kind == ItemKind.DRUG and unit in Unit.values and unit not in DRUG_UNITS:
        errors["unit"] = _("Count drugs in grams, kilograms or tablets.")
    elif kind in ItemKind.values and kind != ItemKind.DRUG and unit in Unit.values and unit != Unit.ITEM:
        errors["unit"] = _("Count weapons, vehicles and other items as items.")
    amount = _quantity(quantity, unit, errors)
    try:
        description = clean_text(description, max_length=MAX_ITEM_DESCRIPTION, multiline=False)
    except ValidationError as exc:
        errors["description"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    if amount is None:  # cannot happen: no error means the quantity was read
        raise ValidationError({"quantity": _("Enter the quantity.")})
    return ItemData(kind=kind, quantity=amount, unit=unit, drug_type=drug_type, description=description)


def _quantity(value: Any, unit: str, errors: dict[str, str]) -> Decimal | None:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors["quantity"] = _("Enter the quantity as a number.")
        return None
    if not amount.is_finite():
        errors["quantity"] = _("Enter the quantity as a number.")
        return None
    if amount <= 0:
        errors["quantity"] = _("Enter a quantity greater than zero.")
        return None
    limit = QUANTITY_LIMITS.get(Unit(unit)) if unit in Unit.values else None
    if limit is not None and amount > limit:
        errors["quantity"] = _("This quantity is not plausible: at most %(limit)s %(unit)s.") % {
            "limit": f"{limit:,}",
            "unit": Unit(unit).label,
        }
        return None
    if amount != amount.quantize(Decimal("0.001")):
        errors["quantity"] = _("Give the quantity with at most three decimals.")
        return None
    if unit == Unit.ITEM and amount != amount.to_integral_value():
        errors["quantity"] = _("Count items in whole numbers.")
        return None
    return amount.quantize(Decimal("0.001"))


def check_counts(people: Sequence[Any], items: Sequence[Any]) -> None:
    if len(people) > MAX_PEOPLE:
        raise ValidationError(
            _("Record at most %(limit)d people in one record.") % {"limit": MAX_PEOPLE}, code="too_many"
        )
    if len(items) > MAX_ITEMS:
        raise ValidationError(
            _("Record at most %(limit)d seized items in one record.") % {"limit": MAX_ITEMS}, code="too_many"
        )


# --- idempotency ------------------------------------------------------------------------


def submission_hash(data: IntakeData) -> str:
    """SHA-256 of the canonical content of a submission: the same record sent twice from a
    device hashes the same whatever the JSON's key order, spacing or time zone."""

    def number(value: Decimal | None, places: str) -> str | None:
        return None if value is None else str(value.quantize(Decimal(places)))

    content: dict[str, Any] = {
        "category": data.category.code,
        "village": data.village.code,
        "occurred_at": data.occurred_at.astimezone(datetime.UTC).isoformat(),
        "description": data.description,
        "channel": data.channel,
        "tags": sorted(tag.code for tag in data.tags),
        "people": [[p.role, p.sex, p.age_group, p.name] for p in data.people],
        "items": [[i.kind, i.drug_type, number(i.quantity, "0.001"), i.unit, i.description] for i in data.items],
        "latitude": number(data.latitude, "0.000001"),
        "longitude": number(data.longitude, "0.000001"),
    }
    # Named only when there are any, so that submissions hashed before casualties were recorded
    # keep their hash (a device resending one after the upgrade is still recognised).
    if data.deaths or data.injuries:
        content["casualties"] = [data.deaths, data.injuries]
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()
