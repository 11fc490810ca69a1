"""The figures a commune ranking reads, for every current commune under an area at once,
from the summaries and small tables — never the register's millions of records, so that a
national ranking costs the same at any size of register:

- crimes and crimes solved: ``CrimeSummary`` (as the reports' ranking);
- records of the period and those overdue now: ``CaseSummary`` and ``OpenDeadline``;
- forums held in each quarter by the commune and its villages: the forums table;
- reports submitted, and by the deadline: ``ResultReport``;
- complainants' answers to "is it resolved?": ``CaseSummary`` too.

Officers are ranked from the register, and only within a district or a commune, where the
(place_code, period_month) index finds a few thousand records at most.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from safevillage.core.periods import Period, local_date
from safevillage.incidents.models import Incident, Outcome, Status
from safevillage.places.codes import under
from safevillage.places.models import Level, Place
from safevillage.reports.figures import grain_for
from safevillage.reports.models import Basis, CaseSummary, OpenDeadline, ReportStatus, ResultReport
from safevillage.reports.ranking import _crime_counts, commune_populations
from safevillage.safety.inputs import _forum_quarters

SUBMITTED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.ACCEPTED)


@dataclass
class CommuneFigures:
    code: str
    name_km: str
    name_latin: str
    population: int | None
    crimes: int = 0
    solved: int = 0
    records: int = 0
    overdue: int = 0
    forums_held: int = 0  # (place, quarter) pairs with a forum: the commune's and its villages'
    forums_due: int = 0
    answers: int = 0  # complainants who answered "is it resolved?"
    confirmed: int = 0  # ... and said yes
    months: int = 0  # months of the period
    months_reported: int = 0  # covered by a submitted report
    months_on_time: int = 0  # covered by a report submitted by its deadline


def _records_overdue_and_answers(
    prefix: str, period: Period, now: datetime.datetime
) -> dict[str, tuple[int, int, int, int]]:
    """Per commune: records of the period, those overdue now, and the complainants who
    answered "is it resolved?" and those who said yes - one read of the case summaries (and
    of ``OpenDeadline`` for the overdue)."""
    grain, first, last = grain_for(prefix, period)
    rows = CaseSummary.objects.filter(
        under("place_code", prefix), basis=Basis.OCCURRED, grain=grain, period_key__gte=first, period_key__lte=last
    )
    sums = {
        code: (int(n or 0), int(answered or 0), int(yes or 0))
        for code, n, answered, yes in rows.values("place_code")
        .annotate(n=Sum("reported"), answered=Sum("answered"), yes=Sum("satisfied"))
        .values_list("place_code", "n", "answered", "yes")
        .order_by()
    }
    late = OpenDeadline.objects.filter(
        under("place_code", prefix),
        period_month__gte=period.first_month,
        period_month__lte=period.last_month,
        due_at__lt=now,
    )
    overdue = dict(late.values("place_code").annotate(n=Sum("n")).values_list("place_code", "n").order_by())
    out = {}
    for code in set(sums) | set(overdue):
        records, answered, yes = sums.get(code, (0, 0, 0))
        out[code] = (records, int(overdue.get(code) or 0), answered, yes)
    return out


def _forums(prefix: str, period: Period) -> tuple[dict[str, int], dict[str, int]]:
    """Per commune: (place, quarter) pairs with a forum held, and pairs due (its villages and
    itself, each quarter of the period; forums/compliance.py's reading)."""
    communes, quarters = _forum_quarters(prefix, period, Level.COMMUNE)
    villages, _q = _forum_quarters(prefix, period, Level.VILLAGE)
    held: dict[str, int] = defaultdict(int)
    for code, n in communes.items():
        held[code] += n
    for code, n in villages.items():
        held[code[:6]] += n
    places: dict[str, int] = defaultdict(lambda: 1)  # the commune itself
    village_codes = Place.objects.current(on=period.end).filter(under("code", prefix), level=Level.VILLAGE)
    for code in village_codes.values_list("code", flat=True):
        places[code[:6]] += 1
    return dict(held), {code: n * quarters for code, n in places.items()} | {"": quarters}


def _reports(prefix: str, period: Period) -> dict[str, tuple[int, int]]:
    """Per commune: months of the period covered by a submitted report, and by one submitted
    by its deadline (``Period.deadline``)."""
    reported: dict[str, set[int]] = defaultdict(set)
    on_time: dict[str, set[int]] = defaultdict(set)
    rows = ResultReport.objects.filter(
        under("place_code", prefix),
        place__level=Level.COMMUNE,
        status__in=SUBMITTED,
        first_month__lte=period.last_month,
        last_month__gte=period.first_month,
    ).values_list("place_code", "period_id", "first_month", "last_month", "submitted_at")
    for code, period_id, first, last, submitted_at in rows:
        months = {m for m in period.months if first <= m <= last}
        reported[code] |= months
        if submitted_at is not None and local_date(submitted_at) <= Period.parse(period_id).deadline():
            on_time[code] |= months
    return {code: (len(months), len(on_time.get(code, ()))) for code, months in reported.items()}


def commune_figures(prefix: str, period: Period, now: datetime.datetime | None = None) -> list[CommuneFigures]:
    """Every current commune under ``prefix`` ("" the country), by code."""
    now = now or timezone.now()
    places = (
        Place.objects.current(on=period.end)
        .filter(under("code", prefix), level=Level.COMMUNE)
        .order_by("code")
        .values_list("code", "name_km", "name_latin")
    )
    populations = commune_populations(prefix)
    crimes = _crime_counts(prefix, period)
    records = _records_overdue_and_answers(prefix, period, now)
    held, due = _forums(prefix, period)
    reports = _reports(prefix, period)
    out = []
    for code, name_km, name_latin in places:
        c, s = crimes.get(code, (0, 0))
        r, o, a, y = records.get(code, (0, 0, 0, 0))
        m, t = reports.get(code, (0, 0))
        out.append(
            CommuneFigures(
                code,
                name_km,
                name_latin,
                populations.get(code),
                crimes=c,
                solved=s,
                records=r,
                overdue=o,
                forums_held=held.get(code, 0),
                forums_due=due.get(code, due[""]),
                answers=a,
                confirmed=y,
                months=len(period.months),
                months_reported=m,
                months_on_time=t,
            )
        )
    return out


@dataclass
class OfficerFigures:
    user_id: int
    name: str
    handled: int
    crimes: int
    solved: int
    overdue: int


def officer_figures(prefix: str, period: Period, now: datetime.datetime | None = None) -> list[OfficerFigures]:
    """Every officer with records assigned in the period under a district or commune
    ``prefix`` (4 digits or more: the register is read here)."""
    if len(prefix) < 4:
        raise ValueError("officers are ranked within a district or a commune")
    now = now or timezone.now()
    records = Incident.objects.filter(
        under("place_code", prefix),
        period_month__gte=period.first_month,
        period_month__lte=period.last_month,
        assigned_to__isnull=False,
    ).exclude(status=Status.WITHDRAWN)
    crime = Q(category__is_crime=True)
    grouped = records.values("assigned_to", "assigned_to__full_name", "assigned_to__username").annotate(
        handled=Count("id"),
        crimes=Count("id", filter=crime),
        solved=Count("id", filter=crime & Q(status=Status.CLOSED, outcome=Outcome.SOLVED)),
    )
    overdue = dict(
        Incident.objects.overdue(now)
        .filter(pk__in=records.values("pk"))
        .values("assigned_to")
        .annotate(n=Count("id"))
        .values_list("assigned_to", "n")
        .order_by()
    )
    return sorted(
        (
            OfficerFigures(
                row["assigned_to"],
                row["assigned_to__full_name"] or row["assigned_to__username"],
                row["handled"],
                row["crimes"],
                row["solved"],
                int(overdue.get(row["assigned_to"], 0)),
            )
            for row in grouped.order_by()
        ),
        key=lambda f: f.user_id,
    )
