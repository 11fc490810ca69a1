"""Who may be rewarded, and the evidence shown beside each nomination.

A commune is eligible for the year when
- its stored safety classifications of the year (any framework), where there are any, say
  *safe* — insufficient data is never taken as safe;
- it has no open integrity flag in the year (``integrity.eligibility.open_flag_count``):
  under-reporting must not pay, so a flag blocks the award until a supervisor reviewed it;
- its reports cover every month of the year and were submitted (a yearly report, or the
  monthly, quarterly or half-yearly ones).
An officer is eligible when still assigned to a place in the round's area and no open flag
lies on that place in the year. Checked again at every decision: a flag raised after the
round was opened blocks the award as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safevillage.accounts.models import RoleAssignment
from safevillage.integrity.eligibility import open_flag_count
from safevillage.places.codes import under
from safevillage.reports.models import ReportStatus, ResultReport
from safevillage.safety.models import Overall, SafetyDecision

SUBMITTED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.ACCEPTED)

# Why a candidate is not eligible: a code stored in the evidence, a sentence shown.
REASONS = {
    "flags_open": _("Integrity flags are open for this year: not eligible until they are reviewed."),
    "not_safe": _("The safety classification of the year is not “safe”."),
    "no_report": _("No submitted report covers every month of the year."),
    "not_assigned": _("The officer is no longer assigned to a place in this area."),
}


@dataclass
class Check:
    eligible: bool
    reasons: list[str] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)


def _months(year: int) -> set[int]:
    return {year * 100 + month for month in range(1, 13)}


def _classification(code: str, year: int) -> list[dict[str, Any]]:
    decisions = (
        SafetyDecision.objects.current()
        .filter(place_code=code, period_id=str(year))
        .select_related("framework")
        .order_by("framework__code")
    )
    return [
        {
            "id": d.pk,
            "framework": d.framework.code,
            "overall": d.overall,
            "computed_at": d.computed_at.isoformat(),
            "link": reverse("safety:detail", args=[code, str(year)]) + f"?framework={d.framework.code}",
        }
        for d in decisions
    ]


def _reports(code: str, year: int) -> tuple[list[dict[str, Any]], int]:
    months = _months(year)
    reports = ResultReport.objects.filter(
        place_code=code, status__in=SUBMITTED, first_month__gte=min(months), last_month__lte=max(months)
    ).order_by("first_month", "period_id")
    covered: set[int] = set()
    rows = []
    for report in reports:
        covered |= {m for m in months if report.first_month <= m <= report.last_month}
        rows.append(
            {
                "period": report.period_id,
                "status": report.status,
                "link": reverse("reports:detail", args=[code, report.period_id]),
            }
        )
    return rows, len(covered)


def _flags(code: str, year: int) -> dict[str, Any]:
    return {
        "open": open_flag_count(code, year),
        "link": reverse("integrity:list") + f"?place={code}&status=open",
    }


def check_commune(code: str, year: int) -> Check:
    classification = _classification(code, year)
    reports, months = _reports(code, year)
    flags = _flags(code, year)
    reasons = []
    if flags["open"]:
        reasons.append("flags_open")
    if any(item["overall"] != Overall.SAFE for item in classification):
        reasons.append("not_safe")
    if months < 12:
        reasons.append("no_report")
    evidence = {"classification": classification, "reports": reports, "months_reported": months, "flags": flags}
    return Check(not reasons, reasons, evidence)


def officer_places(user_id: int, area_code: str) -> list[str]:
    """The places in the area where the officer holds an active assignment, narrowest first."""
    codes = (
        RoleAssignment.objects.active()
        .filter(under("place__code", area_code), user_id=user_id, place__isnull=False)
        .values_list("place__code", flat=True)
    )
    return sorted(set(codes), key=lambda code: (-len(code), code))


def check_officer(user_id: int, area_code: str, year: int) -> Check:
    places = officer_places(user_id, area_code)
    flags = [{"place": code, **_flags(code, year)} for code in places]
    reasons = []
    if not places:
        reasons.append("not_assigned")
    if any(item["open"] for item in flags):
        reasons.append("flags_open")
    return Check(not reasons, reasons, {"places": places, "flags": flags})


def reason_texts(codes: list[str]) -> list[str]:
    return [str(REASONS.get(code, code)) for code in codes]
