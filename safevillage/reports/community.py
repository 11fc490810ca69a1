"""The "community programmes" section of a result report: what the forums, the disputes, the
training and the post did in the place and period, one group of rows per module.

Each module contributes its rows through one *provider* in ``PROVIDERS``: a function of the
area (a place code, "" for the country) and the period that returns ``Figure`` rows, reading
the module's tables with a few set-based queries for the whole area (everything under the
code), never a query per village. A district's figures are therefore its communes' together,
a province's its districts', without adding up the reports below.

The section is part of ``tables.build_report_data``: it is stored in the report's snapshot
when the report is submitted or approved (an approved report keeps the figures it was
approved with) and read live for a draft.

A module whose counts are about people who could be found from a small number (the HIV
referrals, stored apart) gives a table already suppressed by ``core.disclosure.suppress``;
``published_rows`` takes its total and row totals, hidden cells stay ``None`` and are marked
``suppressed``, printed "hidden", never a number. The referrals' figures are published for
provinces and the country, per quarter, all cut from one table (``referrals.aggregates.
report_figures`` says why); their rows have no link: the referral pages are closed to the
register's roles.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from safevillage.core.disclosure import Published
from safevillage.core.periods import Period, PeriodKind
from safevillage.places.areas import COUNTRY
from safevillage.places.codes import under
from safevillage.places.models import Level
from safevillage.reports.indicators import ratio

Names = tuple[str, str]  # (English, Khmer): stored with the figures, like the policy's names


class Kind(StrEnum):
    """How a community figure is printed."""

    COUNT = "count"
    PERCENT = "percent"  # a share, kept to two decimals, shown whole
    DAYS = "days"  # a duration, to one decimal
    POINTS = "points"  # a gain in points of 100, to one decimal
    PER_1000 = "per_1000"  # per 1,000 residents, to two decimals
    RIEL = "riel"  # money, whole riel


@dataclass(frozen=True)
class Area:
    code: str  # "" for the whole country
    period: Period

    @property
    def slug(self) -> str:
        return self.code or COUNTRY

    @property
    def level(self) -> int:
        return len(self.code) // 2


@dataclass(frozen=True)
class Figure:
    key: str
    names: Names
    kind: Kind
    value: int | Decimal | None
    link: str = ""  # the list behind the figure, where the module has one
    suppressed: bool = False  # hidden to protect people (value is None)


@dataclass(frozen=True)
class Provider:
    code: str
    names: Names
    rows: Callable[[Area], list[Figure]]
    # What a reader needs to follow the rows' links (the module's own pages).
    permission: str = ""


def _link(name: str, args: list[str] | None = None, **query: str) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def _decimal(value: float | None, places: str = "0.1") -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def bilingual(label: Any) -> Names:
    """A translatable label (a model choice's) in both languages, to store with the figures."""
    with translation.override("en"):
        english = str(label)
    with translation.override("km"):
        khmer = str(label)
    return english, khmer


def published_rows(
    prefix: str, published: Published, row_keys: Sequence[str], names: Mapping[str, Names], total: Names
) -> list[Figure]:
    """The total and the row totals of a table suppressed by ``core.disclosure.suppress``
    (``None``: hidden), as rows marked ``suppressed`` where hidden: a module whose counts
    could point at people gives its table, never its raw counts. Taken from one suppressed
    table, the figures shown keep its secondary suppression: subtracting the published row
    totals from the total never gives a hidden count from 1 to 10."""
    figures = [Figure(f"{prefix}.total", total, Kind.COUNT, published.total, suppressed=published.total is None)]
    for key, value in zip(row_keys, published.row_totals, strict=True):
        figures.append(Figure(f"{prefix}.{key}", names[key], Kind.COUNT, value, suppressed=value is None))
    return figures


# --- forums ---------------------------------------------------------------------------------
def _forum_rows(area: Area) -> list[Figure]:
    from safevillage.forums import compliance
    from safevillage.forums.models import Forum, ForumIssue, IssueStatus

    period = area.period
    held = Forum.objects.filter(under("place__code", area.code), held_on__gte=period.start, held_on__lte=period.end)
    totals = held.aggregate(n=Count("id"), women=Sum("women"), men=Sum("men"), youth=Sum("youth"))
    issues = ForumIssue.objects.filter(forum__in=held.values("id")).aggregate(
        raised=Count("id"), done=Count("id", filter=Q(status=IssueStatus.DONE))
    )
    share = compliance.period_share(area.code, period)
    # The forums' page shows one quarter: the period's last.
    quarter = Period.from_month(period.last_month, PeriodKind.QUARTER)
    link = _link("forums:place", [area.slug], quarter=quarter.id)
    if period.kind == PeriodKind.MONTH:
        rhythm: Names = (
            "Villages not overdue for a forum at the end of the month",
            "ភូមិដែលមិនហួសពេលវេទិកានៅចុងខែ",
        )
    else:
        rhythm = ("Villages that held a forum in every quarter", "ភូមិដែលបានរៀបចំវេទិកាគ្រប់ត្រីមាស")
    return [
        Figure("forums.held", ("Public forums held", "វេទិកាសាធារណៈដែលបានរៀបចំ"), Kind.COUNT, totals["n"], link),
        Figure("forums.compliant_villages", rhythm, Kind.COUNT, share.held, link),
        Figure(
            "forums.compliant_share",
            ("Share of villages keeping to the rhythm", "ភាគរយនៃភូមិដែលគោរពតាមចង្វាក់"),
            Kind.PERCENT,
            ratio(share.held, share.total),
            link,
        ),
        Figure("forums.women", ("Attendance: women", "អ្នកចូលរួម៖ ស្ត្រី"), Kind.COUNT, totals["women"] or 0),
        Figure("forums.men", ("Attendance: men", "អ្នកចូលរួម៖ បុរស"), Kind.COUNT, totals["men"] or 0),
        Figure(
            "forums.youth", ("Of whom youth (15 to 30)", "ក្នុងនោះយុវជន (១៥ ដល់ ៣០ ឆ្នាំ)"), Kind.COUNT, totals["youth"] or 0
        ),
        Figure(
            "forums.issues_raised",
            ("Issues raised by residents", "បញ្ហាដែលប្រជាពលរដ្ឋបានលើកឡើង"),
            Kind.COUNT,
            issues["raised"],
        ),
        Figure(
            "forums.issues_done",
            ("Of which the action is done", "ក្នុងនោះសកម្មភាពបានបញ្ចប់"),
            Kind.COUNT,
            issues["done"],
        ),
    ]


# --- disputes -------------------------------------------------------------------------------
def _dispute_rows(area: Area) -> list[Figure]:
    if area.level > Level.COMMUNE:
        return []  # disputes are mediated by the commune: a village has none of its own
    from safevillage.disputes.indicators import figures

    found = figures(area.code, area.period)
    link = _link("disputes:place", [area.slug], period=area.period.id)
    return [
        Figure("disputes.opened", ("Disputes opened", "វិវាទដែលបានបើក"), Kind.COUNT, found.opened, link),
        Figure(
            "disputes.handled", ("Disputes handled (closed)", "វិវាទដែលបានដោះស្រាយ (បិទ)"), Kind.COUNT, found.handled, link
        ),
        Figure(
            "disputes.resolved_share",
            ("Share resolved by agreement", "ភាគរយដែលដោះស្រាយដោយការព្រមព្រៀង"),
            Kind.PERCENT,
            ratio(found.resolved, found.handled),
            link,
        ),
        Figure(
            "disputes.median_days",
            ("Median duration (days)", "រយៈពេលមធ្យម (ថ្ងៃ)"),
            Kind.DAYS,
            _decimal(found.median_days),
            link,
        ),
    ]


# --- training -------------------------------------------------------------------------------
def _training_rows(area: Area) -> list[Figure]:
    from safevillage.training.analysis import paired
    from safevillage.training.models import Participant, TrainingSession

    period = area.period
    sessions = TrainingSession.objects.filter(
        under("place__code", area.code), starts_on__gte=period.start, starts_on__lte=period.end
    )
    scores = list(
        Participant.objects.filter(session__in=sessions.values("id")).values_list(
            "pre_score", "post_score", "session__max_score"
        )
    )
    # Scores in points of 100, so that sessions marked out of different totals add up.
    pairs = [(100 * float(pre) / top, 100 * float(post) / top) for pre, post, top in scores if post is not None]
    result = paired([a for a, _b in pairs], [b for _a, b in pairs]) if pairs else None
    link = _link("training:index", place=area.slug, period=period.id)
    return [
        Figure("training.sessions", ("Training sessions", "វគ្គបណ្តុះបណ្តាល"), Kind.COUNT, sessions.count(), link),
        Figure("training.participants", ("Participants", "អ្នកចូលរួម"), Kind.COUNT, len(scores), link),
        Figure(
            "training.mean_gain",
            ("Mean gain, points of 100", "ការកើនឡើងមធ្យម គិតជាពិន្ទុលើ ១០០"),
            Kind.POINTS,
            _decimal(result.mean_gain) if result else None,
            link,
        ),
        Figure(
            "training.increase",
            ("Increase on the mean score before", "ការកើនឡើងធៀបនឹងពិន្ទុមធ្យមមុនវគ្គ"),
            Kind.PERCENT,
            _decimal(result.percent_increase, "0.01") if result else None,
            link,
        ),
    ]


# --- the post -------------------------------------------------------------------------------
def _post_rows(area: Area) -> list[Figure]:
    if area.level > Level.COMMUNE:
        return []  # a post is the commune's
    from safevillage.posts.indicators import figures

    year = area.period.end.year
    found = figures(area.code, year)
    link = _link("posts:place", [area.slug])
    per_1000 = ratio(found.officers, found.population, scale=1000) if found.population else None
    return [
        Figure(
            "posts.officers_per_1000",
            ("Police officers per 1,000 residents", "មន្ត្រីនគរបាលក្នុងប្រជាជន ១ ០០០ នាក់"),
            Kind.PER_1000,
            per_1000,
            link,
        ),
        Figure(
            "posts.villages_with_box",
            ("Villages with a working post box", "ភូមិដែលមានប្រអប់សំបុត្រដំណើរការ"),
            Kind.COUNT,
            found.villages_with_box,
            link,
        ),
        Figure(
            "posts.box_share",
            ("Share of villages with a working post box", "ភាគរយនៃភូមិដែលមានប្រអប់សំបុត្រដំណើរការ"),
            Kind.PERCENT,
            ratio(found.villages_with_box, found.villages),
            link,
        ),
        Figure(
            "posts.budget_planned",
            (f"Budget planned for {year} (riel)", f"ថវិកាគ្រោងទុកសម្រាប់ឆ្នាំ {year} (រៀល)"),
            Kind.RIEL,
            int(found.planned),
            link,
        ),
        Figure(
            "posts.budget_spent",
            (f"Budget spent in {year} (riel)", f"ថវិកាបានចំណាយក្នុងឆ្នាំ {year} (រៀល)"),
            Kind.RIEL,
            int(found.spent),
            link,
        ),
        Figure(
            "posts.spent_share",
            ("Share of the budget spent", "ភាគរយនៃថវិកាដែលបានចំណាយ"),
            Kind.PERCENT,
            ratio(int(found.spent), int(found.planned)),
            link,
        ),
    ]


# --- referrals ------------------------------------------------------------------------------
REFERRALS: Names = ("Referrals to health and social services", "ការបញ្ជូនទៅសេវាសុខភាព និងសង្គម")
REFERRALS_ELSEWHERE: Names = (
    "Referrals: published for provinces and the country, per quarter",
    "ការបញ្ជូន៖ ផ្សព្វផ្សាយសម្រាប់ខេត្ត និងថ្នាក់ជាតិ ប្រចាំត្រីមាស",
)


def _referral_rows(area: Area) -> list[Figure]:
    from safevillage.referrals.aggregates import report_figures
    from safevillage.referrals.models import Service

    found = report_figures(area.code, area.period)
    if found is None:
        return [Figure("referrals.total", REFERRALS_ELSEWHERE, Kind.COUNT, None, suppressed=True)]
    services, published = found
    names = {str(value): bilingual(label) for value, label in Service.choices}
    return published_rows("referrals", published, [key for key, _label in services], names, REFERRALS)


# The groups of the section, in the order shown. A module's rows come from its one provider.
PROVIDERS: list[Provider] = [
    Provider("forums", ("Public forums", "វេទិកាសាធារណៈ"), _forum_rows, "forums.view"),
    Provider(
        "disputes",
        ("Out-of-court dispute resolution", "ការដោះស្រាយវិវាទក្រៅប្រព័ន្ធតុលាការ"),
        _dispute_rows,
        "disputes.view",
    ),
    Provider("training", ("Police training", "ការបណ្តុះបណ្តាលនគរបាល"), _training_rows, "training.view"),
    Provider("posts", ("The police post", "ប៉ុស្តិ៍នគរបាល"), _post_rows, "posts.view"),
    Provider("referrals", REFERRALS, _referral_rows),
]


def link_permission(group_code: str) -> str | None:
    """The permission a group's links need; None for a group no provider gives any more."""
    return next((p.permission for p in PROVIDERS if p.code == group_code), None)


def _as_json(value: int | Decimal | None) -> int | str | None:
    return str(value) if isinstance(value, Decimal) else value


def build_community(place_code: str, period: Period) -> list[dict[str, Any]]:
    """The section's groups as JSON-ready data (what a snapshot stores and the API returns);
    a group without rows for this kind of place is left out."""
    area = Area(place_code, period)
    groups = []
    for provider in PROVIDERS:
        rows = provider.rows(area)
        if not rows:
            continue
        groups.append(
            {
                "code": provider.code,
                "name_en": provider.names[0],
                "name_km": provider.names[1],
                "rows": [
                    {
                        "key": figure.key,
                        "name_en": figure.names[0],
                        "name_km": figure.names[1],
                        "kind": figure.kind.value,
                        "value": _as_json(figure.value),
                        "suppressed": figure.suppressed,
                        "link": figure.link,
                    }
                    for figure in rows
                ],
            }
        )
    return groups


def from_json(value: int | str | None, kind: str) -> int | Decimal | None:
    if value is None:
        return None
    if kind in (Kind.COUNT, Kind.RIEL):
        return int(value)
    return Decimal(str(value))


def display(value: int | Decimal | None, kind: str, suppressed: bool = False) -> str:
    """A community figure as printed: "hidden" for a suppressed count, "n/a" for none."""
    if suppressed:
        return _("hidden")
    if value is None:
        return _("n/a")
    if kind == Kind.COUNT:
        return str(int(value))
    if kind == Kind.RIEL:
        return f"{int(value):,}"
    number = Decimal(value)
    if kind == Kind.PERCENT:
        return f"{number.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"
    if kind == Kind.PER_1000:
        return str(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    if kind == Kind.POINTS:
        rounded = number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"+{rounded}" if rounded > 0 else str(rounded)
    return str(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
