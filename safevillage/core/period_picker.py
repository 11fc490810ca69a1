"""Choosing a reporting period, not typing one: the one picker of every page that asks for a
period (the reports, the register's filters and through them its exports).

An officer who had to type ``2026Q1`` typed ``Q1 2026``, ``2026-Q1`` or ``មករា``. The picker
is a ``<select>`` whose options are the recent months, quarters, semesters and years, each
named in the reader's language (``Period.label``: "ត្រីមាសទី 1 ឆ្នាំ 2026"), grouped by kind;
the value sent is the DHIS2 identifier, so the URL still reads ``?period=2026Q1`` and a link
or a bookmark made before keeps working. A small static script (``js/period-picker.js``) adds
one button per kind that shows only that kind's options; without it all the groups are shown.

- A period in the URL older than the offered ones is offered too, so nothing is lost.
- The default is the *reporting period*: the last period of its kind that has ended, the
  one whose report is being written now (in December, November's monthly report).
- ``PeriodField`` reads the identifier back; a bad one is an error in the reader's language
  (``PeriodError``'s message), never a silent default.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safevillage.core.periods import Period, PeriodError, PeriodKind, local_date

# How many periods of each kind are offered, counting back from the one under way: two years
# of months, three of quarters and semesters, six years.
RECENT = {PeriodKind.MONTH: 24, PeriodKind.QUARTER: 12, PeriodKind.SEMESTER: 6, PeriodKind.YEAR: 6}

KIND_LABELS = {
    PeriodKind.MONTH: _("Month"),
    PeriodKind.QUARTER: _("Quarter"),
    PeriodKind.SEMESTER: _("Semester"),
    PeriodKind.YEAR: _("Year"),
}
GROUP_LABELS = {
    PeriodKind.MONTH: _("Months"),
    PeriodKind.QUARTER: _("Quarters"),
    PeriodKind.SEMESTER: _("Semesters"),
    PeriodKind.YEAR: _("Years"),
}


def _today(today: datetime.date | None) -> datetime.date:
    return today or local_date(timezone.now())


def reporting_period(kind: PeriodKind = PeriodKind.MONTH, today: datetime.date | None = None) -> Period:
    """The period whose report is due now: the last period of ``kind`` that has ended."""
    return Period.containing(_today(today), kind).previous()


def recent_periods(kind: PeriodKind, today: datetime.date | None = None) -> list[Period]:
    """The periods of ``kind`` offered, the one under way first, then back in time."""
    period = Period.containing(_today(today), kind)
    periods = []
    for _n in range(RECENT[kind]):
        periods.append(period)
        try:
            period = period.previous()
        except PeriodError:  # before the first year a record may carry
            break
    return periods


def parse_or_none(value: Any) -> Period | None:
    """The period named by ``value``, or None when it names none (left to the field to say why)."""
    if isinstance(value, Period):
        return value
    try:
        return Period.parse(str(value or ""))
    except PeriodError:
        return None


class PeriodSelect(forms.Select):
    """The picker: one ``<select>`` of periods grouped by kind, plus the kind buttons that the
    script shows. ``blank_label``: a first option with no period ("any period"), for filters."""

    template_name = "widgets/period_select.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, blank_label: Any = None) -> None:
        super().__init__(attrs)
        self.blank_label = blank_label

    def format_value(self, value: Any) -> Any:  # a list, as for every Select
        if isinstance(value, Period):
            return [value.id]
        return [str(value).strip()] if value not in (None, "") else []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        selected_id = (self.format_value(value) or [""])[0]
        selected = parse_or_none(selected_id)
        today = _today(None)
        groups = []
        for kind in PeriodKind:
            periods = recent_periods(kind, today)
            if selected is not None and selected.kind == kind and selected not in periods:
                periods.append(selected)  # an older period from a link stays chosen
            default = reporting_period(kind, today)
            groups.append(
                {
                    "kind": kind.value,
                    "label": GROUP_LABELS[kind],
                    "options": [
                        {
                            "value": period.id,
                            "label": period.label,
                            "selected": selected is not None and period == selected,
                            "default": period == default,
                        }
                        for period in periods
                    ],
                }
            )
        context["widget"].update(
            {
                "groups": groups,
                "kinds": [{"kind": kind.value, "label": KIND_LABELS[kind]} for kind in PeriodKind],
                "blank_label": self.blank_label,
                "selected_kind": selected.kind.value if selected else ("" if self.blank_label else "month"),
                # What came in the URL but is no period: shown so the error names it, never sent on.
                "unreadable": selected_id if selected is None and selected_id else "",
            }
        )
        return context


class PeriodField(forms.Field):
    """A DHIS2 period chosen in a ``PeriodSelect``; cleans to a ``Period`` (None when left blank
    and not required). The initial value is the reporting period unless one is given."""

    widget = PeriodSelect

    def __init__(self, *, kind: PeriodKind = PeriodKind.MONTH, blank_label: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PeriodSelect(blank_label=blank_label))
        if blank_label is not None:
            kwargs.setdefault("required", False)
        else:
            kwargs.setdefault("initial", lambda: reporting_period(kind))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Period | None:
        if isinstance(value, Period):
            return value
        if value in self.empty_values:
            return None
        try:
            return Period.parse(str(value))
        except PeriodError as error:
            raise ValidationError(str(error), code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        return value.id if isinstance(value, Period) else value


def render_picker(name: str, value: Any, *, blank_label: Any = None, invalid: bool = False) -> str:
    """The picker as HTML for a page that builds its form by hand (the register's filters)."""
    attrs: dict[str, Any] = {"id": f"id_{name}"}
    if invalid:
        attrs["aria-invalid"] = "true"
    return PeriodSelect(blank_label=blank_label).render(name, value, attrs)
