"""Approved figures do not move: once a district or province has approved a period, the
records of that period under it are locked until the level above un-approves.

For the incident actions (the lead wires them)::

    if record_is_locked(incident):      # after select_for_update, before changing anything
        raise NotPermitted(_("The report for this place and period is approved: ..."))

``is_locked(place_code, period_month)`` answers for one village (or any place) and month;
``record_is_locked`` checks both months a record counts in: the month it occurred and, once
closed, the month it was closed (reopening a record closed in an approved month would change
that month's "solved closures"). One indexed query each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from safevillage.reports.models import LOCKING_STATUSES, ResultReport

if TYPE_CHECKING:
    from safevillage.incidents.models import Incident


def _ancestors(place_code: str) -> list[str]:
    return [place_code[:n] for n in range(2, len(place_code) + 1, 2)]


def is_locked(place_code: str, period_month: int) -> bool:
    """Whether an approved (or accepted) report of this place or any place above it covers
    the month (YYYYMM)."""
    return ResultReport.objects.filter(
        place_code__in=_ancestors(place_code),
        status__in=LOCKING_STATUSES,
        first_month__lte=period_month,
        last_month__gte=period_month,
    ).exists()


def locked_months(place_code: str, months: list[int]) -> set[int]:
    """Which of ``months`` are locked for the place, in one query."""
    if not months:
        return set()
    spans = ResultReport.objects.filter(
        place_code__in=_ancestors(place_code),
        status__in=LOCKING_STATUSES,
        first_month__lte=max(months),
        last_month__gte=min(months),
    ).values_list("first_month", "last_month")
    return {m for m in months for first, last in spans if first <= m <= last}


def record_is_locked(incident: Incident) -> bool:
    """Whether an action may not change this record: its occurrence month, or its closure
    month when it is closed, lies in an approved period of its village or above."""
    months = [incident.period_month]
    if incident.status == "closed" and incident.closed_month is not None:
        months.append(incident.closed_month)
    return bool(locked_months(incident.place_code, months))
