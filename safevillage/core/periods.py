"""Reporting periods, named as DHIS2 names them.

The policy asks for result meetings and reports every month, quarter, semester and year
(2010 guideline, IV.3). A period is identified by its DHIS2 string: ``202601`` (January
2026), ``2026Q1``, ``2026S1`` (January-June) and ``2026``. Records carry the local month of
occurrence as an integer YYYYMM (``Incident.period_month``), so everything here speaks in
those month keys: a period is a run of consecutive months.
"""

from __future__ import annotations

import calendar
import datetime
import re
import zoneinfo
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

# The first and last months a record may carry (Incident's check constraint).
FIRST_YEAR, LAST_YEAR = 1979, 2999
DEFAULT_DEADLINE_DAYS = 5

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:(?P<month>\d{2})|Q(?P<quarter>\d)|S(?P<semester>\d))?$")


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    SEMESTER = "semester"
    YEAR = "year"


# Months in one period of each kind.
SPAN = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.SEMESTER: 6, PeriodKind.YEAR: 12}


class PeriodError(ValueError):
    """A period identifier that is not one of the four DHIS2 forms; the message is translated."""


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period: ``index`` is the month (1-12), quarter (1-4), semester (1-2) or 1."""

    year: int
    kind: PeriodKind
    index: int

    def __post_init__(self) -> None:
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise PeriodError(_("The year must be between %(first)d and %(last)d.") % _YEARS)
        if not 1 <= self.index <= 12 // SPAN[self.kind]:
            raise PeriodError(_("There is no such month, quarter or semester."))

    # --- naming --------------------------------------------------------------------
    @classmethod
    def parse(cls, value: str) -> Period:
        """``202601``, ``2026Q1``, ``2026S1`` or ``2026``; anything else raises PeriodError."""
        match = _PATTERN.match((value or "").strip().upper())
        if not match:
            raise PeriodError(
                _(
                    "“%(value)s” is not a period. Write a month as 202601, a quarter as 2026Q1, "
                    "a semester as 2026S1 or a year as 2026."
                )
                % {"value": (value or "")[:20]}
            )
        year = int(match["year"])
        if match["month"]:
            month = int(match["month"])
            if not 1 <= month <= 12:
                raise PeriodError(_("A month is numbered 01 to 12."))
            return cls(year, PeriodKind.MONTH, month)
        if match["quarter"]:
            quarter = int(match["quarter"])
            if not 1 <= quarter <= 4:
                raise PeriodError(_("A quarter is numbered Q1 to Q4."))
            return cls(year, PeriodKind.QUARTER, quarter)
        if match["semester"]:
            semester = int(match["semester"])
            if not 1 <= semester <= 2:
                raise PeriodError(_("A semester is S1 (January–June) or S2 (July–December)."))
            return cls(year, PeriodKind.SEMESTER, semester)
        return cls(year, PeriodKind.YEAR, 1)

    @classmethod
    def from_month(cls, month_key: int, kind: PeriodKind = PeriodKind.MONTH) -> Period:
        """The period of ``kind`` containing the month YYYYMM."""
        year, month = divmod(month_key, 100)
        if not 1 <= month <= 12:
            raise PeriodError(_("A month is numbered 01 to 12."))
        return cls(year, kind, (month - 1) // SPAN[kind] + 1)

    @classmethod
    def containing(cls, day: datetime.date | datetime.datetime, kind: PeriodKind = PeriodKind.MONTH) -> Period:
        """The period of ``kind`` containing a date; an aware datetime is read in local time."""
        if isinstance(day, datetime.datetime):
            day = local_date(day) if timezone.is_aware(day) else day.date()
        return cls.from_month(day.year * 100 + day.month, kind)

    @property
    def id(self) -> str:
        """The DHIS2 identifier."""
        if self.kind == PeriodKind.MONTH:
            return f"{self.year}{self.index:02d}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}Q{self.index}"
        if self.kind == PeriodKind.SEMESTER:
            return f"{self.year}S{self.index}"
        return f"{self.year}"

    def __str__(self) -> str:
        return self.id

    @property
    def label(self) -> str:
        """A human name in the active language."""
        if self.kind == PeriodKind.MONTH:
            return _("%(month)s %(year)d") % {"month": _month_name(self.index), "year": self.year}
        if self.kind == PeriodKind.QUARTER:
            return _("Quarter %(n)d, %(year)d") % {"n": self.index, "year": self.year}
        if self.kind == PeriodKind.SEMESTER:
            return _("Semester %(n)d, %(year)d") % {"n": self.index, "year": self.year}
        return pgettext("period", "Year %(year)d") % {"year": self.year}

    # --- extent --------------------------------------------------------------------
    @property
    def first_month(self) -> int:
        return self.year * 100 + (self.index - 1) * SPAN[self.kind] + 1

    @property
    def last_month(self) -> int:
        return self.first_month + SPAN[self.kind] - 1

    @property
    def months(self) -> list[int]:
        """The YYYYMM keys covered, in order."""
        return list(range(self.first_month, self.last_month + 1))

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.first_month % 100, 1)

    @property
    def end(self) -> datetime.date:
        """The last day (inclusive)."""
        month = self.last_month % 100
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def contains_month(self, month_key: int) -> bool:
        return self.first_month <= month_key <= self.last_month

    def quarters(self) -> list[Period]:
        """The quarters this period covers (none for a month)."""
        if self.kind == PeriodKind.MONTH:
            return []
        return [Period.from_month(m, PeriodKind.QUARTER) for m in self.months[::3]]

    def within(self) -> list[Period]:
        """Every period (of each kind) inside this one, itself included: a year's semesters,
        quarters and months."""
        return [
            Period.from_month(month, kind)
            for kind in PeriodKind
            if SPAN[kind] <= SPAN[self.kind]
            for month in self.months[:: SPAN[kind]]
        ]

    # --- neighbours ----------------------------------------------------------------
    def previous(self) -> Period:
        """The period of the same kind just before (December 2025 before January 2026)."""
        if self.index > 1:
            return Period(self.year, self.kind, self.index - 1)
        return Period(self.year - 1, self.kind, 12 // SPAN[self.kind])

    def year_earlier(self) -> Period:
        return Period(self.year - 1, self.kind, self.index)

    def next(self) -> Period:
        if self.index < 12 // SPAN[self.kind]:
            return Period(self.year, self.kind, self.index + 1)
        return Period(self.year + 1, self.kind, 1)

    def containers(self) -> list[Period]:
        """Every period (of each kind) containing this one, itself included."""
        return [Period.from_month(self.first_month, kind) for kind in PeriodKind if SPAN[kind] >= SPAN[self.kind]]

    # --- reporting -----------------------------------------------------------------
    def deadline(self, days: int | None = None) -> datetime.date:
        """The last day a report for this period is on time: ``days`` after the period ends
        (``REPORT_DEADLINE_DAYS`` in the settings, 5 by default)."""
        if days is None:
            days = int(getattr(settings, "REPORT_DEADLINE_DAYS", DEFAULT_DEADLINE_DAYS))
        return self.end + datetime.timedelta(days=days)

    def has_ended(self, today: datetime.date | None = None) -> bool:
        return (today or local_date(timezone.now())) > self.end


_YEARS = {"first": FIRST_YEAR, "last": LAST_YEAR}


# Translated when a label is made, one name at a time (a period picker makes dozens a page).
_MONTH_NAMES = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)


def _month_name(month: int) -> str:
    return _(_MONTH_NAMES[month - 1])


def local_date(moment: datetime.datetime) -> datetime.date:
    """The date of an aware datetime in the reporting time zone (``TIME_ZONE``,
    Asia/Phnom_Penh), whatever time zone a request has activated."""
    return moment.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


def local_month(moment: datetime.datetime) -> int:
    """The month (YYYYMM) of an aware datetime in the reporting time zone, whatever time zone
    the current request has activated."""
    day = local_date(moment)
    return day.year * 100 + day.month


def local_day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of a date in the reporting time zone, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
