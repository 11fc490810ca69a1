"""The comparison of a place's children on its report page: one row per child (the provinces
of the country, the districts of a province, the communes of a district) with the figures a
supervisor compares — records reported, the share solved, overdue, complaints from the public
website, where the child's own report stands and whether it came in by the deadline, how many
of the reports below the child are in, the stored safety classification, its open integrity
flags — each a link to the records behind it or to the child's own page.

Read from the summaries (``CaseSummary``, ``ChannelSummary``, ``OpenDeadline``) grouped by the
child's code prefix, one query each, and from the reports and stored decisions; never from the
register. The page that shows it has already checked the reader's jurisdiction over the place,
and every child lies under it; the links lead to lists that scope themselves again.

Sorted on the server (``?sort=reported``, ``?sort=-reported``) so the table sorts without
scripts and a sorted view can be bookmarked; a figure missing (nothing to divide by) sorts last
either way.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safevillage.charts.render import Unit, figure_text
from safevillage.core.periods import Period
from safevillage.places.codes import under
from safevillage.places.models import Level, Place
from safevillage.reports.figures import grain_for
from safevillage.reports.indicators import ratio
from safevillage.reports.models import Basis, CaseSummary, ChannelSummary, OpenDeadline, ReportStatus
from safevillage.reports.trace import trace_url

COMPLAINT_CHANNEL = "public_web"

# The sortable columns, in the order of the table: (key, header).
COLUMNS = (
    ("place", gettext_lazy("Place")),
    ("reported", gettext_lazy("Reported")),
    ("solved_share", gettext_lazy("Share solved")),
    ("overdue", gettext_lazy("Overdue")),
    ("complaints", gettext_lazy("Complaints (public website)")),
    ("report", gettext_lazy("Its report")),
    ("below", gettext_lazy("Reports below it in")),
    ("safety", gettext_lazy("Safety classification")),
    ("flags", gettext_lazy("Open integrity flags")),
)
SORT_KEYS = {key for key, _label in COLUMNS}


@dataclass
class Figure:
    text: str
    url: str = ""
    value: Any = None  # what the column sorts by; None sorts last
    late: bool = False


@dataclass
class ChildRow:
    place: Place
    figures: dict[str, Figure] = field(default_factory=dict)


@dataclass
class Comparison:
    rows: list[ChildRow]
    sort: str
    headers: list[dict[str, Any]]


def _by_child(rows: Any, length: int, **sums: Any) -> dict[str, dict[str, int]]:
    grouped = rows.annotate(child=Substr("place_code", 1, length)).values("child").annotate(**sums).order_by()
    return {row["child"]: {name: int(row[name] or 0) for name in sums} for row in grouped}


def children_of(place: Place | None, period: Period) -> list[Place]:
    places = Place.objects.current(on=period.end)
    if place is None:
        return list(places.filter(level=Level.PROVINCE).order_by("code"))
    return list(places.filter(parent=place).order_by("code"))


def open_flags(code: str, period: Period, length: int) -> dict[str, int]:
    """Open integrity flags on each child and the places under it, of the period or a period
    inside it (a year counts its quarters' and months' flags, as the flags' list does). As
    for award eligibility, a flag the last run no longer finds counts while it waits for its
    review."""
    from safevillage.integrity.models import Flag

    flags = Flag.objects.open().filter(under("place_code", code), period_id__in=[inner.id for inner in period.within()])
    grouped = flags.annotate(child=Substr("place_code", 1, length)).values("child").annotate(n=Count("id")).order_by()
    return {row["child"]: row["n"] for row in grouped}


def compare(place: Place | None, period: Period, sort: str = "", now: datetime.datetime | None = None) -> Comparison:
    """The rows of the children of ``place`` (None: the country) for ``period``."""
    from safevillage.reports.approval import completeness
    from safevillage.safety.models import Overall, SafetyDecision

    now = now or timezone.now()
    code = place.code if place is not None else ""
    children = children_of(place, period)
    length = len(code) + 2
    grain, first, last = grain_for(code, period)
    cases = CaseSummary.objects.filter(
        under("place_code", code), basis=Basis.OCCURRED, grain=grain, period_key__gte=first, period_key__lte=last
    )
    counts = _by_child(cases, length, reported=Sum("reported"), solved=Sum("solved"))
    channels = ChannelSummary.objects.filter(
        under("place_code", code), channel=COMPLAINT_CHANNEL, grain=grain, period_key__gte=first, period_key__lte=last
    )
    complaints = _by_child(channels, length, n=Sum("reported"))
    deadlines = OpenDeadline.objects.filter(
        under("place_code", code),
        period_month__gte=period.first_month,
        period_month__lte=period.last_month,
        due_at__lt=now,
    )
    overdue = _by_child(deadlines, length, n=Sum("n"))
    reports = {c.place.code: c for c in completeness(code, period).children}
    flags = open_flags(code, period, length)
    decisions: dict[str, SafetyDecision] = {}
    for decision in SafetyDecision.objects.current().filter(
        period_id=period.id, place_code__in=[c.code for c in children]
    ):
        decisions.setdefault(decision.place_code, decision)  # the newest first (the model's order)

    rows = []
    for child in children:
        base = {"place": child.code, "period": period.id}
        reported = counts.get(child.code, {}).get("reported", 0)
        solved = counts.get(child.code, {}).get("solved", 0)
        share = ratio(solved, reported)
        late_n = overdue.get(child.code, {}).get("n", 0)
        public = complaints.get(child.code, {}).get("n", 0)
        own = reports.get(child.code)
        report_url = reverse("reports:detail", args=[child.code, period.id])
        figures = {
            "place": Figure(f"{child.name_km} · {child.name_latin}", report_url, child.code),
            "reported": Figure(figure_text(reported), trace_url({**base, "status": "counted"}), reported),
            "solved_share": Figure(
                figure_text(share, Unit.PERCENT),
                trace_url({**base, "status": "closed", "outcome": "solved"}) if share is not None else "",
                share,
            ),
            "overdue": Figure(figure_text(late_n), trace_url({**base, "overdue": "true"}), late_n),
            "complaints": Figure(
                figure_text(public), trace_url({**base, "channel": COMPLAINT_CHANNEL, "status": "counted"}), public
            ),
        }
        if own is not None:
            label = str(ReportStatus(own.status).label)
            if own.completed_at is not None:
                label += " · " + (_("on time") if own.on_time else _("late"))
            # Sorts by: in on time, in late, not in.
            figures["report"] = Figure(
                label,
                report_url,
                2 if own.on_time else 1 if own.completed_at else 0,
                own.completed_at is not None and not own.on_time,
            )
        else:
            figures["report"] = Figure(str(ReportStatus.DRAFT.label), report_url, 0)
        if child.level < Level.COMMUNE:
            below = completeness(child.code, period).children
            done = sum(1 for c in below if c.completed_at is not None)
            figures["below"] = Figure(
                f"{figure_text(done)} / {figure_text(len(below))}",
                reverse("reports:completeness", args=[child.code, period.id]),
                ratio(done, len(below)) if below else None,
            )
        else:
            figures["below"] = Figure("—")
        found = decisions.get(child.code)
        safety_url = reverse("safety:detail", args=[child.code, period.id])
        if found is not None:
            figures["safety"] = Figure(str(Overall(found.overall).label), safety_url, found.overall)
        elif child.level < Level.COMMUNE:  # communes are classified: its page lists them
            figures["safety"] = Figure(_("By commune"), safety_url)
        else:
            figures["safety"] = Figure(_("Not classified yet"), safety_url)
        flagged = flags.get(child.code, 0)
        query = urlencode({"place": child.code, "period": period.id, "status": "open"})
        flags_url = reverse("integrity:list") + "?" + query
        figures["flags"] = Figure(figure_text(flagged), flags_url, flagged)
        rows.append(ChildRow(child, figures))

    sort = sort if sort.lstrip("-") in SORT_KEYS else "place"
    rows = sort_rows(rows, sort)
    return Comparison(rows, sort, _headers(sort))


def sort_rows(rows: list[ChildRow], sort: str) -> list[ChildRow]:
    """Rows by one column, ascending or (``-``) descending; rows without a figure last, by code."""
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    known = [r for r in rows if r.figures[key].value is not None]
    unknown = [r for r in rows if r.figures[key].value is None]
    known.sort(key=lambda r: r.place.code)
    known.sort(key=lambda r: _sortable(r.figures[key].value), reverse=descending)
    return known + sorted(unknown, key=lambda r: r.place.code)


def _sortable(value: Any) -> Any:
    return Decimal(value) if isinstance(value, int | Decimal) else str(value)


def _headers(sort: str) -> list[dict[str, Any]]:
    """Each header's link sorts by its column; the current column's link reverses it."""
    out = []
    for key, label in COLUMNS:
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        out.append(
            {
                "key": key,
                "label": label,
                "next": (key if descending else f"-{key}") if current else key,
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return out
