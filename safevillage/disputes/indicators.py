"""The disputes' figures for an area and a period: handled (closed in the period), the
share resolved by agreement, and the median time from opening to closing."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from safevillage.core.periods import Period
from safevillage.disputes.models import Dispute, Outcome
from safevillage.places.codes import under


@dataclass(frozen=True)
class DisputeFigures:
    opened: int
    handled: int
    resolved: int
    median_days: float | None

    @property
    def resolved_percent(self) -> float | None:
        return round(100 * self.resolved / self.handled, 1) if self.handled else None


def figures(area_code: str, period: Period) -> DisputeFigures:
    disputes = Dispute.objects.filter(under("commune__code", area_code))
    closed = list(
        disputes.filter(closed_on__gte=period.start, closed_on__lte=period.end).values_list(
            "outcome", "opened_on", "closed_on"
        )
    )
    days = [(closed_on - opened_on).days for _outcome, opened_on, closed_on in closed if closed_on is not None]
    return DisputeFigures(
        opened=disputes.filter(opened_on__gte=period.start, opened_on__lte=period.end).count(),
        handled=len(closed),
        resolved=sum(outcome == Outcome.AGREEMENT for outcome, _o, _c in closed),
        median_days=statistics.median(days) if days else None,
    )
