"""Records and reports for the work queue's tests."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from safevillage.core.periods import Period
from safevillage.places.models import Place
from safevillage.reports.models import ReportStatus, ResultReport


def report(place: Place, period: Period, status: str, **fields: Any) -> ResultReport:
    """A result report of ``place`` in ``status``, stored directly (the approval steps are
    tested in tests/reports)."""
    now = timezone.now()
    stamps = {
        ReportStatus.SUBMITTED: {"submitted_at": now},
        ReportStatus.APPROVED: {"submitted_at": now, "approved_at": now, "snapshot": {}},
        ReportStatus.ACCEPTED: {"approved_at": now, "accepted_at": now, "snapshot": {}},
        ReportStatus.RETURNED: {"returned_at": now, "return_reason": "Figures missing"},
    }.get(ReportStatus(status), {})
    return ResultReport.objects.create(
        place=place,
        place_code=place.code,
        period_id=period.id,
        first_month=period.first_month,
        last_month=period.last_month,
        status=status,
        **{**stamps, **fields},
    )
