"""Entering a date that no one can misread: three labelled boxes, Day, Month and Year (the
GOV.UK Design System's "date input"), on every form of the product, staff and public.

Why not the browser's date field: it shows and reads the date in the phone's locale, so on an
English phone ``05/12/2026`` meant 5 December to one person and 12 May to another, and the
wrong one was stored without a word. Three named boxes leave nothing to guess.

- ``DateInputField`` gives a ``datetime.date``; with ``time=True`` a fourth box takes the time of
  day as HH:MM on the 24-hour clock and the field gives an aware datetime in the current time zone.
- What was typed is shown again after an error, and each message says what to correct: a real
  date, the missing part, a year of 4 digits, not in the future (``past=True``).
- Khmer digits (១២៣) are read as well as 123.
- A plain ISO 8601 value under the field's own name (``occurred_on=2026-12-05``) is read too, so a
  link or a bookmarked URL can carry a date without the three parts.
- The boxes that hold the mistake are marked (``aria-invalid``), and ``first_invalid_id`` gives the
  error summary the box to link to.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from safevillage.core.khmer import to_ascii_digits

PARTS = ("day", "month", "year")
_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?::(\d{2}))?")

_LABELS = {"day": _("Day"), "month": _("Month"), "year": _("Year"), "time": _("Time")}
_MISSING = {
    ("day",): _("The date must include a day."),
    ("month",): _("The date must include a month."),
    ("year",): _("The date must include a year."),
    ("day", "month"): _("The date must include a day and a month."),
    ("day", "year"): _("The date must include a day and a year."),
    ("month", "year"): _("The date must include a month and a year."),
}


def _digits(value: Any) -> str:
    return to_ascii_digits(str(value or "").strip())


def parse_time(text: str) -> datetime.time | None:
    """HH:MM on the 24-hour clock (``19:30``, ``7:05``, ``19.30``); seconds are allowed and kept.
    None when it is not such a time."""
    match = _TIME.fullmatch(_digits(text))
    if match is None:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return datetime.time(hour, minute, second)


class DateInputWidget(forms.MultiWidget):
    """Day, Month and Year boxes (and Time with ``time=True``), each with its own label.
    Rendered by ``widgets/date_input.html``; the page's field template draws the fieldset
    around them (``use_fieldset``), with the field's label as its legend and the hint below."""

    template_name = "widgets/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, time: bool = False) -> None:
        # No maxlength: it would cut what is typed without a word (a year of 5 digits is an
        # error to show, not a digit to drop). The width is set in the stylesheet.
        def box(kind: str) -> forms.TextInput:
            return forms.TextInput(
                attrs={"inputmode": "numeric", "size": 4 if kind == "year" else 2, "class": f"date-input-{kind}"}
            )

        widgets: dict[str, forms.Widget | type[forms.Widget]] = {part: box(part) for part in PARTS}
        if time:
            widgets["time"] = forms.TextInput(attrs={"size": 5, "class": "date-input-time"})
        self.time = time
        self.invalid_parts: set[str] = set()
        super().__init__(widgets, attrs)

    @property
    def parts(self) -> tuple[str, ...]:
        return (*PARTS, "time") if self.time else PARTS

    def __deepcopy__(self, memo: dict[int, Any]) -> DateInputWidget:
        copy: DateInputWidget = super().__deepcopy__(memo)
        copy.invalid_parts = set()
        return copy

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, str):
            value = _iso_parts(value, self.time)
            return value if value is not None else [None] * len(self.parts)
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            time = value.strftime("%H:%M:%S" if value.second else "%H:%M")
            return [str(value.day), str(value.month), str(value.year), *([time] if self.time else [])]
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year), *([""] if self.time else [])]
        return [None] * len(self.parts)

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> list[str | None]:
        names = [f"{name}_{part}" for part in self.parts]
        if any(n in data for n in names) or name not in data:
            return [data.get(n) for n in names]
        # A plain ISO value under the field's own name (a shared URL, a client that cannot
        # draw three boxes). Anything else is kept whole so the error can show what came.
        raw = str(data.get(name) or "")
        parts = _iso_parts(raw, self.time)
        return parts if parts is not None else [raw, raw, raw, *([""] if self.time else [])]

    def value_omitted_from_data(self, data: Mapping[str, Any], files: Any, name: str) -> bool:
        return name not in data and all(f"{name}_{part}" not in data for part in self.parts)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_day" if id_ else ""

    def first_invalid_id(self, id_: str) -> str:
        """The id of the first box holding a mistake, for the error summary's link."""
        part = next((p for p in self.parts if p in self.invalid_parts), "day")
        return f"{id_}_{part}"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        id_ = context["widget"]["attrs"].get("id")
        typed = value if isinstance(value, (list, tuple)) else self.decompress(value)
        # An error found by the form rather than the field (before 1979, say) is the whole date's.
        invalid = self.invalid_parts or (set(self.parts) if context["widget"]["attrs"].get("aria-invalid") else set())
        for part, sub in zip(self.parts, context["widget"]["subwidgets"], strict=True):
            sub["label"] = _LABELS[part]
            sub["part"] = part
            if id_:
                sub["attrs"]["id"] = f"{id_}_{part}"
            if part in invalid:
                sub["attrs"]["aria-invalid"] = "true"
                sub["attrs"]["class"] += " invalid"
            else:
                sub["attrs"].pop("aria-invalid", None)
            sub["attrs"].pop("aria-describedby", None)
        # Repeat a real date back in words, so that a slip (5 for 12) shows before it is saved.
        day = _to_date(typed[:3]) if len(typed) >= 3 else None
        context["widget"]["in_words"] = formats.date_format(day, "j F Y") if day else ""
        return context


def _iso_parts(text: str, time: bool) -> list[str | None] | None:
    """The boxes' values for an ISO 8601 date or date and time (an offset is turned into the
    current time zone); None when the text is not ISO 8601."""
    text = text.strip()
    if not _ISO_START.match(text):
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    clock = ""
    if "T" in text or " " in text:
        clock = moment.strftime("%H:%M:%S" if moment.second else "%H:%M")
    return [str(moment.day), str(moment.month), str(moment.year), *([clock] if time else [])]


def _to_date(parts: Sequence[Any]) -> datetime.date | None:
    try:
        day, month, year = (int(_digits(p)) for p in parts)
        if not 1000 <= year <= 9999:
            return None
        return datetime.date(year, month, day)
    except (TypeError, ValueError):
        return None


class DateInputField(forms.MultiValueField):
    """A day typed in three boxes. ``past=True``: not after today (in the reporting time
    zone). ``time=True``: a fourth box, the time of day, and the value is an aware datetime;
    ``time_required=False`` lets it be left empty (midnight)."""

    widget = DateInputWidget
    default_error_messages = {
        "required": _("Enter a date."),
        "invalid": _("Enter a real date."),
        "year_digits": _("The year must have 4 digits."),
        "future": _("The date cannot be in the future."),
        "time_required": _("Enter the time, such as 14:30."),
        "invalid_time": _("Enter the time as hours and minutes on the 24-hour clock, such as 14:30."),
    }

    def __init__(self, *, past: bool = False, time: bool = False, time_required: bool = True, **kwargs: Any) -> None:
        self.past, self.time, self.time_required = past, time, time_required
        parts = (*PARTS, "time") if time else PARTS
        kwargs.setdefault("widget", DateInputWidget(time=time))
        if not kwargs.get("help_text"):  # a model field passes its own, often empty
            kwargs["help_text"] = _("For example, 27 3 2026 and 14:30") if time else _("For example, 27 3 2026")
        super().__init__(
            fields=tuple(forms.CharField(required=False) for _part in parts), require_all_fields=False, **kwargs
        )

    def clean(self, value: Any) -> datetime.date | datetime.datetime | None:
        widget: DateInputWidget = self.widget  # type: ignore[assignment]
        widget.invalid_parts = set()
        try:
            result = self.parse(value)
        except ValidationError as error:
            widget.invalid_parts = set(getattr(error, "parts", ()))
            raise
        if result is not None:
            self.validate(result)
            self.run_validators(result)
        return result

    def parse(self, value: Any) -> datetime.date | datetime.datetime | None:
        """The date (or datetime) the boxes hold, or a ValidationError whose ``parts`` name
        the boxes to correct."""
        values = list(value) if isinstance(value, (list, tuple)) else []
        values += [""] * (len(PARTS) + 1 - len(values))
        day, month, year = (_digits(v) for v in values[:3])
        clock = _digits(values[3]) if self.time else ""
        if not (day or month or year or clock):
            if self.required:
                raise _error(self.error_messages["required"], "required", PARTS)
            return None
        missing = tuple(part for part, text in zip(PARTS, (day, month, year), strict=True) if not text)
        if len(missing) == len(PARTS):
            raise _error(self.error_messages["required"], "required", PARTS)
        if missing:
            raise _error(_MISSING[missing], "incomplete", missing)
        # A part that is not a number, or out of its range, is the part to correct; a day that
        # the month does not have (31 February) is the whole date.
        wrong = tuple(
            part
            for part, text, top in (("day", day, 31), ("month", month, 12), ("year", year, 9999))
            if not text.isdecimal() or not 1 <= int(text) <= top
        )
        if wrong:
            raise _error(self.error_messages["invalid"], "invalid", wrong)
        if len(year) != 4:
            raise _error(self.error_messages["year_digits"], "year_digits", ("year",))
        date = _to_date((day, month, year))
        if date is None:
            raise _error(self.error_messages["invalid"], "invalid", PARTS)
        if self.past and date > timezone.localdate():
            raise _error(self.error_messages["future"], "future", PARTS)
        if not self.time:
            return date
        if not clock:
            if self.time_required:
                raise _error(self.error_messages["time_required"], "time_required", ("time",))
            return timezone.make_aware(datetime.datetime.combine(date, datetime.time()))
        time = parse_time(clock)
        if time is None:
            raise _error(self.error_messages["invalid_time"], "invalid_time", ("time",))
        return timezone.make_aware(datetime.datetime.combine(date, time))

    def compress(self, data_list: list[Any]) -> Any:  # pragma: no cover - clean() does the work
        raise NotImplementedError

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            value = self.parse(data)
            if isinstance(initial, str):
                initial = self.parse(_iso_parts(initial, self.time) or []) if initial else None
        except ValidationError:
            return True
        if isinstance(initial, datetime.datetime) and isinstance(value, datetime.datetime):
            # The boxes show minutes (seconds only when there are some): a record saved with
            # microseconds is unchanged when the minute shown is sent back.
            initial = initial.replace(microsecond=0)
        return bool(initial != value)


class TimeOfDayField(forms.TimeField):
    """A time of day typed as HH:MM on the 24-hour clock (the browser's time field shows
    AM/PM on an English phone, which invites the same slip as its date field)."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter the time as hours and minutes on the 24-hour clock, such as 14:30."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("On the 24-hour clock, for example 19:30."))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("size", 5)
        self.widget.attrs.setdefault("class", "date-input-time")

    def to_python(self, value: Any) -> datetime.time | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime.time):
            return value
        time = parse_time(str(value))
        if time is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return time

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.time):
            return value.strftime("%H:%M")
        return value


def _error(message: Any, code: str, parts: Sequence[str]) -> ValidationError:
    error = ValidationError(message, code=code)
    error.parts = tuple(parts)  # type: ignore[attr-defined]
    return error


# For a ModelAdmin's ``formfield_overrides``: the admin's own date fields read 05/12/2026 as
# 12 May (Django's default input formats are American) and must not be used either. The admin
# merges these into its defaults, so the widget is named too (an instance: it is copied).
ADMIN_FORMFIELD_OVERRIDES: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.DateField: {"form_class": DateInputField, "widget": DateInputWidget()},
    models.DateTimeField: {"form_class": partial(DateInputField, time=True), "widget": DateInputWidget(time=True)},
}
