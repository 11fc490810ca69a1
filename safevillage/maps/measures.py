"""The figures a map can show, one value per place of the level drawn, read from the
summaries (``reports`` case, crime, channel and overdue summaries, and the stored safety
decisions), never from the register: a national map of provinces reads one grouped query
whatever the size of the register.

A summary row is a commune's; a district's or province's value is the sum of its communes',
grouped by the first 2 or 4 digits of the commune's code (a place's code is its path).

Each indicator says which register filters lie behind its figure (``trace``, the
parameters of ``reports/trace.py``), so that a place's figure links to its records.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import Left
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from safevillage.core.periods import Period
from safevillage.places.codes import under
from safevillage.places.models import CODE_LENGTH, Level, Place
from safevillage.reports.figures import grain_for
from safevillage.reports.indicators import ratio
from safevillage.reports.models import Basis, CaseSummary, ChannelSummary, CrimeSummary, OpenDeadline
from safevillage.reports.ranking import commune_populations

Values = dict[str, Any]
# The channel of the citizens' complaint form (``public``).
PUBLIC_CHANNEL = "public_web"


def _by_child(rows: QuerySet[Any], level: Level, measure: str, field: str = "place_code") -> dict[str, int]:
    length = CODE_LENGTH[level]
    grouped = rows.annotate(child=Left(field, length)).values("child").annotate(n=Sum(measure)).order_by()
    return {row["child"]: int(row["n"] or 0) for row in grouped}


def _periodic(model: Any, parent_code: str, period: Period, **filters: Any) -> QuerySet[Any]:
    # A month reads the commune x month grain, any longer period commune x quarter.
    grain, first, last = grain_for(parent_code, period)
    rows = model.objects.filter(grain=grain, period_key__gte=first, period_key__lte=last, **filters)
    return rows.filter(under("place_code", parent_code)) if parent_code else rows


def reported(parent_code: str, level: Level, period: Period, _now: datetime.datetime) -> Values:
    rows = _periodic(CaseSummary, parent_code, period, basis=Basis.OCCURRED)
    return _by_child(rows, level, "reported")


def complaints(parent_code: str, level: Level, period: Period, _now: datetime.datetime) -> Values:
    rows = _periodic(ChannelSummary, parent_code, period, channel=PUBLIC_CHANNEL)
    return _by_child(rows, level, "reported")


def overdue(parent_code: str, level: Level, period: Period, now: datetime.datetime) -> Values:
    """Open records of the period past a deadline at ``now`` (``figures.overdue_counts``' rule)."""
    rows = OpenDeadline.objects.filter(
        period_month__gte=period.first_month, period_month__lte=period.last_month, due_at__lt=now
    )
    if parent_code:
        rows = rows.filter(under("place_code", parent_code))
    return _by_child(rows, level, "n")


def populations(parent_code: str, level: Level) -> dict[str, int | None]:
    """Each place's own population, else the sum of its communes' when every one has one (the
    ranking's rule, ``ranking.commune_populations``)."""
    own = dict(
        Place.objects.current()
        .filter(under("code", parent_code), level=level)
        .values_list("code", "population")
        .order_by()
    )
    if level == Level.COMMUNE or all(value is not None for value in own.values()):
        return commune_populations(parent_code) if level == Level.COMMUNE else own
    communes = commune_populations(parent_code)
    out: dict[str, int | None] = {}
    for code, population in own.items():
        if population is None:
            parts = [p for c, p in communes.items() if c.startswith(code)]
            population = sum(p for p in parts if p is not None) if parts and None not in parts else None
        out[code] = population
    return out


def offences_per_1000(parent_code: str, level: Level, period: Period, _now: datetime.datetime) -> Values:
    crimes = _by_child(_periodic(CrimeSummary, parent_code, period), level, "reported")
    return {
        code: ratio(crimes.get(code, 0), population, scale=1000) if population else None
        for code, population in populations(parent_code, level).items()
    }


def solved_share(parent_code: str, level: Level, period: Period, _now: datetime.datetime) -> Values:
    rows = _periodic(CrimeSummary, parent_code, period)
    crimes, solved = _by_child(rows, level, "reported"), _by_child(rows, level, "solved")
    return {code: ratio(solved.get(code, 0), n) for code, n in crimes.items() if n}


def safety(parent_code: str, level: Level, period: Period, _now: datetime.datetime) -> Values:
    """A commune's current classification; a district's or province's share of its classified
    communes found safe."""
    from safevillage.safety.classify import framework_in_force
    from safevillage.safety.models import Overall, SafetyDecision

    framework = framework_in_force(period)
    if framework is None:
        return {}
    decisions = SafetyDecision.objects.current().filter(period_id=period.id, framework=framework)
    decisions = decisions.filter(under("place_code", parent_code)) if parent_code else decisions
    rows = decisions.filter(place_code__length=CODE_LENGTH[Level.COMMUNE]).values_list("place_code", "overall")
    if level == Level.COMMUNE:
        return dict(rows)
    classified: dict[str, int] = {}
    safe: dict[str, int] = {}
    for code, overall in rows:
        child = code[: CODE_LENGTH[level]]
        if overall == Overall.INSUFFICIENT:
            continue
        classified[child] = classified.get(child, 0) + 1
        safe[child] = safe.get(child, 0) + (overall == Overall.SAFE)
    return {code: ratio(safe.get(code, 0), n) for code, n in classified.items()}


def has_safety_decisions() -> bool:
    from safevillage.safety.models import SafetyDecision

    return SafetyDecision.objects.exists()


def show_count(value: Any) -> str:
    return formats.number_format(int(value), force_grouping=True)


def show_percent(value: Any) -> str:
    return f"{formats.number_format(Decimal(value), 0)}%"


def show_rate(value: Any) -> str:
    return formats.number_format(Decimal(value), 2, force_grouping=True)


@dataclass(frozen=True)
class MapIndicator:
    code: str
    label: Any  # a lazy translation
    compute: Callable[[str, Level, Period, datetime.datetime], Values]
    display: Callable[[Any], str]
    # The register filters behind a place's figure (added to place and period); None: the
    # figure is not a count of records (a classification has its own page).
    trace: dict[str, str] | None
    categorical: bool = False


INDICATORS: tuple[MapIndicator, ...] = (
    MapIndicator("reported", _("Records reported"), reported, show_count, {"status": "counted"}),
    MapIndicator(
        "offences_rate",
        _("Offences per 1,000 residents"),
        offences_per_1000,
        show_rate,
        {"crime": "true", "status": "counted"},
    ),
    MapIndicator(
        "solved_share",
        _("Share of offences solved"),
        solved_share,
        show_percent,
        {"crime": "true", "status": "closed", "outcome": "solved"},
    ),
    MapIndicator("overdue", _("Records overdue"), overdue, show_count, {"overdue": "true"}),
    MapIndicator(
        "complaints",
        _("Citizens' complaints (public website)"),
        complaints,
        show_count,
        {"channel": PUBLIC_CHANNEL, "status": "counted"},
    ),
    MapIndicator("safety", _("Safety classification"), safety, show_percent, None, categorical=True),
)
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
DEFAULT = "reported"
