"""What the public portal is computed from, for every commune of the country at once.

The register is never read: reported, solved and the complainants' own "is it resolved?"
answers come from the case summaries by month of occurrence, complaints closed and closed in
time from those by month of closure (``reports/models.py``), one grouped read each of the
commune rows. Forums are counted from the forums table. Nothing here reads
a name, a description, a phone number or anything of the referral module: only counts leave
this module, keyed by commune code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import Substr

from safevillage.core.periods import Period
from safevillage.forums.models import Forum
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


def _summed(
    period: Period, basis: Basis, measures: dict[str, str], **filters: Any
) -> Iterator[tuple[str, dict[str, int]]]:
    """Each commune's sums of summary counters for the period (``measures``: published name
    → counter), one grouped read of the commune x quarter (or month) rows."""
    grain, first, last = grain_for("", period)
    rows = (
        CaseSummary.objects.filter(basis=basis, grain=grain, period_key__gte=first, period_key__lte=last, **filters)
        .values("place_code")
        .annotate(**{name: Sum(counter) for name, counter in measures.items()})
        .order_by()
    )
    for row in rows:
        yield row["place_code"][:COMMUNE], {name: int(row[name] or 0) for name in measures}


def _cases(period: Period, out: dict[str, CommuneCounts]) -> None:
    """Records of the period (by month of occurrence), those solved, and the complainants'
    answers to "is it resolved?" about them."""
    measures = {"reported": "reported", "solved": "solved", "answered": "answered", "yes": "satisfied"}
    for commune, sums in _summed(period, Basis.OCCURRED, measures):
        for name, n in sums.items():
            out[commune].counts[name] += n


def _closures(period: Period, out: dict[str, CommuneCounts]) -> None:
    """Complaints (records of the categories closed as complaints) closed during the period,
    and those closed by their closure deadline."""
    complaints = {"category__closure_kind": ClosureKind.COMPLAINT}
    for commune, sums in _summed(period, Basis.CLOSED, {"closed": "closed", "in_time": "closed_in_time"}, **complaints):
        for name, n in sums.items():
            out[commune].counts[name] += n


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
