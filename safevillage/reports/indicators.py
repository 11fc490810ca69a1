"""The indicators of a result report, as data: each has a code, a name and a formula in both
languages, shown beside its figure, and says which records lie behind it (the register
filters of its link). The order of ``INDICATORS`` is the order of the columns of the
ministry's table.

Percentages are kept to two decimals and shown as whole numbers (96.36 → 96%); a ratio over
zero is None, shown "n/a", never infinity. The traffic casualties are those of the row's
traffic accident records; a row without traffic accidents (crimes, a theft) has None there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from safevillage.core.periods import Period
from safevillage.reports.figures import Counts

Value = int | Decimal | None

# The category whose records' casualties are the report's traffic deaths and injuries.
TRAFFIC_ACCIDENT = "traffic_accident"


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    CHANGE = "change"  # a signed percentage
    RATE = "rate"  # per 10,000 residents


@dataclass(frozen=True)
class Inputs:
    """Everything a row's indicators are computed from."""

    period: Period
    current: Counts
    previous: Counts
    year_earlier: Counts
    # Records closed during the period, whatever month the offence occurred.
    closures: Counts
    overdue: int | None
    population: int | None
    # The row's traffic accident records of the period; None when the row has none.
    traffic: Counts | None = None


# Which records a figure counts, as register-list filters added to the row's own
# (place, period, category or criterion). "period" is replaced, not added, when given.
Trace = dict[str, str]


@dataclass(frozen=True)
class Indicator:
    code: str
    name_en: str
    name_km: str
    formula_en: str
    formula_km: str
    unit: Unit
    compute: Callable[[Inputs], Value]
    trace: Callable[[Period], Trace | None]
    # The two counts a share or a change is computed from, as the codes of the indicators
    # that count them in the same row: (numerator, denominator) for a share, (this period,
    # the period compared with) for a change. A reader drills down to both lists.
    parts: tuple[str, str] | None = None

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "km").startswith("en") else self.name_km

    @property
    def formula(self) -> str:
        return self.formula_en if (get_language() or "km").startswith("en") else self.formula_km


HUNDREDTH = Decimal("0.01")
TENTH = Decimal("0.1")


def hundredths(numerator: int, denominator: int) -> int:
    """numerator / denominator in hundredths, rounded half up, for whole numbers ≥ 0 and a
    denominator > 0: exact integer arithmetic, and cheap enough to rank every commune with."""
    return (200 * numerator + denominator) // (2 * denominator)


def from_hundredths(value: int) -> Decimal:
    """A count of hundredths as a two-decimal Decimal (1234 → 12.34, 500 → 5.00)."""
    return Decimal(value).scaleb(-2)


def ratio(numerator: int, denominator: int, scale: int = 100) -> Decimal | None:
    if not denominator:
        return None
    return from_hundredths(hundredths(numerator * scale, denominator))


def change(current: int, before: int) -> Decimal | None:
    if not before:
        return None
    return (Decimal(current - before) * 100 / Decimal(before)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def per_10000(count: int, population: int | None) -> Decimal | None:
    if not population:
        return None
    return from_hundredths(hundredths(count * 10000, population))


def _counted(_period: Period) -> Trace:
    return {"status": "counted"}


def _in(period_of: Callable[[Period], Period]) -> Callable[[Period], Trace]:
    return lambda period: {"period": period_of(period).id, "status": "counted"}


def _outcome(outcome: str) -> Callable[[Period], Trace]:
    return lambda _period: {"status": "closed", "outcome": outcome}


def _closed_in(outcome: str) -> Callable[[Period], Trace]:
    # Closures concern offences of any month: the period filter gives way to "closed".
    return lambda period: {"period": "", "closed": period.id, "outcome": outcome}


def _none(_period: Period) -> None:
    return None


def _traffic(_period: Period) -> Trace:
    # Added to the row's own filters: a criterion row's link keeps its criterion.
    return {"category": TRAFFIC_ACCIDENT, "status": "counted"}


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "reported",
        "Reported in the period",
        "ករណីបានរាយការណ៍ក្នុងគ្រានេះ",
        "Records of offences or incidents that occurred in the period (withdrawn records excluded)",
        "កំណត់ត្រាករណីដែលបានកើតឡើងក្នុងគ្រានេះ (មិនរាប់កំណត់ត្រាដែលបានដកចេញ)",
        Unit.COUNT,
        lambda i: i.current.reported,
        _counted,
    ),
    Indicator(
        "reported_previous",
        "Previous period",
        "គ្រាមុន",
        "Records of the previous period of the same length",
        "កំណត់ត្រានៃគ្រាមុនដែលមានរយៈពេលដូចគ្នា",
        Unit.COUNT,
        lambda i: i.previous.reported,
        _in(Period.previous),
    ),
    Indicator(
        "change_previous",
        "Change on the previous period",
        "បម្រែបម្រួលធៀបនឹងគ្រាមុន",
        "(this period − previous period) ÷ previous period × 100",
        "(គ្រានេះ − គ្រាមុន) ÷ គ្រាមុន × ១០០",
        Unit.CHANGE,
        lambda i: change(i.current.reported, i.previous.reported),
        _none,
        parts=("reported", "reported_previous"),
    ),
    Indicator(
        "reported_year_earlier",
        "Same period a year earlier",
        "គ្រាដូចគ្នាឆ្នាំមុន",
        "Records of the same period one year earlier",
        "កំណត់ត្រានៃគ្រាដូចគ្នាកាលពីមួយឆ្នាំមុន",
        Unit.COUNT,
        lambda i: i.year_earlier.reported,
        _in(Period.year_earlier),
    ),
    Indicator(
        "change_year",
        "Change on a year earlier",
        "បម្រែបម្រួលធៀបនឹងឆ្នាំមុន",
        "(this period − same period a year earlier) ÷ same period a year earlier × 100",
        "(គ្រានេះ − គ្រាដូចគ្នាឆ្នាំមុន) ÷ គ្រាដូចគ្នាឆ្នាំមុន × ១០០",
        Unit.CHANGE,
        lambda i: change(i.current.reported, i.year_earlier.reported),
        _none,
        parts=("reported", "reported_year_earlier"),
    ),
    Indicator(
        "solved",
        "Solved",
        "បានដោះស្រាយ",
        "Records of the period closed as solved by the report date",
        "កំណត់ត្រានៃគ្រានេះដែលបានបិទថាបានដោះស្រាយ គិតត្រឹមថ្ងៃរបាយការណ៍",
        Unit.COUNT,
        lambda i: i.current.solved,
        _outcome("solved"),
    ),
    Indicator(
        "solved_share",
        "Share solved",
        "អត្រាបានដោះស្រាយ",
        "solved ÷ reported in the period × 100 (offences of the period solved by the report date)",
        "បានដោះស្រាយ ÷ បានរាយការណ៍ក្នុងគ្រានេះ × ១០០",
        Unit.PERCENT,
        lambda i: ratio(i.current.solved, i.current.reported),
        _outcome("solved"),
        parts=("solved", "reported"),
    ),
    Indicator(
        "solved_closures",
        "Solved closures in the period",
        "ករណីបានដោះស្រាយដែលបិទក្នុងគ្រានេះ",
        "Records closed as solved during the period, whenever the offence occurred",
        "កំណត់ត្រាដែលបានបិទថាបានដោះស្រាយក្នុងគ្រានេះ ទោះបទល្មើសកើតឡើងនៅពេលណាក៏ដោយ",
        Unit.COUNT,
        lambda i: i.closures.solved,
        _closed_in("solved"),
    ),
    Indicator(
        "clearance_rate",
        "Clearance rate",
        "អត្រាបង្ក្រាប",
        "solved closures in the period ÷ reported in the period × 100 (may exceed 100 when older cases are solved)",
        "ករណីបានដោះស្រាយដែលបិទក្នុងគ្រានេះ ÷ បានរាយការណ៍ក្នុងគ្រានេះ × ១០០",
        Unit.PERCENT,
        lambda i: ratio(i.closures.solved, i.current.reported),
        _closed_in("solved"),
        parts=("solved_closures", "reported"),
    ),
    Indicator(
        "mediated",
        "Mediated",
        "បានសម្រុះសម្រួល",
        "Records of the period resolved by out-of-court mediation",
        "កំណត់ត្រានៃគ្រានេះដែលបានដោះស្រាយដោយការសម្រុះសម្រួលក្រៅប្រព័ន្ធតុលាការ",
        Unit.COUNT,
        lambda i: i.current.mediated,
        _outcome("mediated"),
    ),
    Indicator(
        "referred",
        "Referred to a service",
        "បានបញ្ជូនទៅសេវា",
        "Records of the period closed by referral to a health or social service",
        "កំណត់ត្រានៃគ្រានេះដែលបានបិទដោយការបញ្ជូនទៅសេវាសុខាភិបាល ឬសង្គម",
        Unit.COUNT,
        lambda i: i.current.referred,
        _outcome("referred"),
    ),
    Indicator(
        "transferred",
        "Transferred",
        "បានផ្ទេរ",
        "Records of the period transferred to a court or another unit",
        "កំណត់ត្រានៃគ្រានេះដែលបានផ្ទេរទៅតុលាការ ឬអង្គភាពផ្សេង",
        Unit.COUNT,
        lambda i: i.current.transferred,
        _outcome("transferred"),
    ),
    Indicator(
        "unfounded",
        "Unfounded",
        "គ្មានមូលដ្ឋាន",
        "Records of the period closed as unfounded",
        "កំណត់ត្រានៃគ្រានេះដែលបានបិទថាគ្មានមូលដ្ឋាន",
        Unit.COUNT,
        lambda i: i.current.unfounded,
        _outcome("unfounded"),
    ),
    Indicator(
        "resolved",
        "Resolved",
        "បានដោះស្រាយរួច",
        "Complaints, disasters and epidemics of the period closed as resolved (crimes are solved instead)",
        "បណ្ដឹង គ្រោះមហន្តរាយ និងជំងឺរាតត្បាតនៃគ្រានេះ ដែលបានបិទថាបានដោះស្រាយរួច (បទល្មើសត្រូវបង្ក្រាបវិញ)",
        Unit.COUNT,
        lambda i: i.current.resolved,
        _outcome("resolved"),
    ),
    Indicator(
        "unresolved",
        "Not resolved",
        "មិនបានដោះស្រាយ",
        "Complaints, disasters and epidemics of the period closed without being resolved",
        "បណ្ដឹង គ្រោះមហន្តរាយ និងជំងឺរាតត្បាតនៃគ្រានេះ ដែលបានបិទដោយមិនបានដោះស្រាយ",
        Unit.COUNT,
        lambda i: i.current.unresolved,
        _outcome("unresolved"),
    ),
    Indicator(
        "open",
        "Still open",
        "មិនទាន់បិទ",
        "Records of the period not yet closed at the report date",
        "កំណត់ត្រានៃគ្រានេះដែលមិនទាន់បិទ គិតត្រឹមថ្ងៃរបាយការណ៍",
        Unit.COUNT,
        lambda i: i.current.open,
        lambda _period: {"status": "open"},
    ),
    Indicator(
        "overdue",
        "Overdue",
        "ហួសកាលកំណត់",
        "Open records of the period past a deadline (acknowledge, first action or close) at the report date",
        "កំណត់ត្រាមិនទាន់បិទនៃគ្រានេះដែលហួសកាលកំណត់ គិតត្រឹមថ្ងៃរបាយការណ៍",
        Unit.COUNT,
        lambda i: i.overdue,
        lambda _period: {"overdue": "true"},
    ),
    Indicator(
        "arrests",
        "People arrested",
        "ចំនួនអ្នកត្រូវចាប់ខ្លួន",
        "People arrested, summed over the records of the period",
        "ចំនួនអ្នកត្រូវចាប់ខ្លួន សរុបលើកំណត់ត្រានៃគ្រានេះ",
        Unit.COUNT,
        lambda i: i.current.arrests,
        lambda _period: {"status": "counted", "arrests": "true"},
    ),
    Indicator(
        "traffic_deaths",
        "Deaths in traffic accidents",
        "ចំនួនអ្នកស្លាប់ដោយគ្រោះថ្នាក់ចរាចរណ៍",
        "People killed, summed over the traffic accident records of the period (withdrawn records excluded)",
        "ចំនួនអ្នកស្លាប់ សរុបលើកំណត់ត្រាគ្រោះថ្នាក់ចរាចរណ៍នៃគ្រានេះ (មិនរាប់កំណត់ត្រាដែលបានដកចេញ)",
        Unit.COUNT,
        lambda i: i.traffic.deaths if i.traffic is not None else None,
        _traffic,
    ),
    Indicator(
        "traffic_injuries",
        "People injured in traffic accidents",
        "ចំនួនអ្នករងរបួសដោយគ្រោះថ្នាក់ចរាចរណ៍",
        "People injured, summed over the traffic accident records of the period (withdrawn records excluded)",
        "ចំនួនអ្នករងរបួស សរុបលើកំណត់ត្រាគ្រោះថ្នាក់ចរាចរណ៍នៃគ្រានេះ (មិនរាប់កំណត់ត្រាដែលបានដកចេញ)",
        Unit.COUNT,
        lambda i: i.traffic.injuries if i.traffic is not None else None,
        _traffic,
    ),
    Indicator(
        "rate_10000",
        "Per 10,000 residents",
        "ក្នុងប្រជាជន ១០ ០០០ នាក់",
        "reported in the period ÷ population × 10,000 (population source and year shown with the report)",
        "បានរាយការណ៍ក្នុងគ្រានេះ ÷ ចំនួនប្រជាជន × ១០ ០០០",
        Unit.RATE,
        lambda i: per_10000(i.current.reported, i.population),
        _counted,
    ),
)

BY_CODE = {indicator.code: indicator for indicator in INDICATORS}


def display(value: Value, unit: Unit | str) -> str:
    """A figure as printed: counts as they are, percentages whole (half up), changes signed,
    rates to one decimal; None is "n/a"."""
    if value is None:
        return _("n/a")
    if unit == Unit.COUNT:
        return str(int(value))
    number = Decimal(value)
    if unit == Unit.RATE:
        return str(number.quantize(TENTH, rounding=ROUND_HALF_UP))
    whole = number.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if not whole:
        whole = Decimal(0)  # never "-0%"
    if unit == Unit.CHANGE and whole > 0:
        return f"+{whole}%"
    return f"{whole}%"


def as_json(value: Value) -> int | str | None:
    """How a value is stored in a snapshot: Decimals as strings, exactly."""
    if isinstance(value, Decimal):
        return str(value)
    return value


def from_json(value: int | str | None, unit: Unit | str) -> Value:
    if value is None:
        return None
    if unit == Unit.COUNT:
        return int(value)
    return Decimal(str(value))
