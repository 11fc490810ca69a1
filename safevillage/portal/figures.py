"""What the public portal is computed from, for every commune of the country at once.

The register is never read row by row: reported and solved come from the case summaries
(``reports/models.py``); the two figures the summaries do not hold yet - complaints closed in
time, and the complainants' own "is it resolved?" answers - are one grouped count each over
the period's records, by commune. Forums are counted from the forums table. Nothing here reads
a name, a description, a phone number or anything of the referral module: only counts leave
this module, keyed by commune code.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr

from safevillage.core.periods import Period
from safevillage.forums.models import Forum
from safevillage.incidents.models import Incident, Status
from safevillage.places.models import Level, Place
from safevillage.policy.models import ClosureKind
from safevillage.reports.figures import grain_for
from safevillage.reports.models import Basis, CaseSummary

COMMUNE = 6

# The published counts, in groups of a whole and its two parts: publishing the whole and one
# part publishes the other by subtraction, so each part is a figure of its own and the
# disclosure rule protects it like the others.
GROUPS: tuple[tuple[str, str, str], ...] = (
    ("reported", "solved", "not_solved"),
    ("closed", "in_time", "late"),
    ("answered", "yes", "no"),
)
MEASURES: tuple[str, ...] = tuple(name for group in GROUPS for name in group)


@dataclass
class CommuneCounts:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURES, 0))
    # Forum meetings held in the period: meetings, not people, so not hidden (the portal's
    # data dictionary says so).
    forums: int = 0


def _cases(period: Period, out: dict[str, CommuneCounts]) -> None:
    grain, first, last = grain_for("", period)
    rows = (
        CaseSummary.objects.filter(basis=Basis.OCCURRED, grain=grain, period_key__gte=first, period_key__lte=last)
        .values("place_code")
        .annotate(reported=Sum("reported"), solved=Sum("solved"))
        .order_by()
    )
    for row in rows:
        counts = out[row["place_code"][:COMMUNE]].counts
        counts["reported"] += int(row["reported"] or 0)
        counts["solved"] += int(row["solved"] or 0)


def _closures(period: Period, out: dict[str, CommuneCounts]) -> None:
    """Complaints (records of the categories closed as complaints) closed during the period,
    and those closed by their closure deadline."""
    rows = (
        Incident.objects.filter(
            status=Status.CLOSED,
            closed_month__gte=period.first_month,
            closed_month__lte=period.last_month,
            category__closure_kind=ClosureKind.COMPLAINT,
        )
        .annotate(commune=Substr("place_code", 1, COMMUNE))
        .values("commune")
        .annotate(closed=Count("id"), in_time=Count("id", filter=Q(closed_at__lte=F("close_due_at"))))
        .order_by()
    )
    for row in rows:
        counts = out[row["commune"]].counts
        counts["closed"] += row["closed"]
        counts["in_time"] += row["in_time"]


def _answers(period: Period, out: dict[str, CommuneCounts]) -> None:
    """Complainants' answers to "is it resolved?" about the records of the period."""
    rows = (
        Incident.objects.filter(
            period_month__gte=period.first_month,
            period_month__lte=period.last_month,
            complainant_satisfied__isnull=False,
        )
        .annotate(commune=Substr("place_code", 1, COMMUNE))
        .values("commune")
        .annotate(answered=Count("id"), yes=Count("id", filter=Q(complainant_satisfied=True)))
        .order_by()
    )
    for row in rows:
        counts = out[row["commune"]].counts
        counts["answered"] += row["answered"]
        counts["yes"] += row["yes"]


def _forums(period: Period, out: dict[str, CommuneCounts]) -> None:
    rows = (
        Forum.objects.filter(held_on__gte=period.start, held_on__lte=period.end, place__level__gte=Level.COMMUNE)
        .annotate(commune=Substr("place__code", 1, COMMUNE))
        .values("commune")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        out[row["commune"]].forums += row["n"]


def commune_counts(period: Period) -> dict[str, CommuneCounts]:
    """Every current commune of the country (and any commune with figures), with its counts."""
    out: dict[str, CommuneCounts] = defaultdict(CommuneCounts)
    for code in Place.objects.current(on=period.end).filter(level=Level.COMMUNE).values_list("code", flat=True):
        out[code] = CommuneCounts()
    _cases(period, out)
    _closures(period, out)
    _answers(period, out)
    _forums(period, out)
    for commune in out.values():
        c = commune.counts
        # Counters are plain integers (reports/models.py): a drifted one must not publish a
        # negative count.
        c["solved"] = min(max(c["solved"], 0), max(c["reported"], 0))
        c["reported"] = max(c["reported"], 0)
        c["not_solved"] = c["reported"] - c["solved"]
        c["late"] = c["closed"] - c["in_time"]
        c["no"] = c["answered"] - c["yes"]
    return dict(out)
