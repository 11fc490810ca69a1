"""Rules that read the result reports and their audit events: edits after approval, and
supplementary values too regular to be real counts."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, Max, Min, OuterRef
from django.db.models.functions import Length

from safevillage.audit.models import AuditEvent
from safevillage.incidents.models import Incident
from safevillage.integrity.rules.base import Finding, Scope
from safevillage.places.codes import under
from safevillage.reports.models import LOCKING_STATUSES, ResultReport

REPORT = "reports.resultreport"
INCIDENT = "incidents.incident"
# Actions on a record that do not change what it counts for: notes, assignments, the
# acknowledgement and the start of an investigation, views, the citizen's answer, escalation.
NEUTRAL_ACTIONS = (
    "incident.add_note",
    "incident.assign",
    "incident.acknowledge",
    "incident.start_investigation",
    "incident.view_identity",
    "incident.complainant_feedback",
    "incident.escalate",
)
# A save in the approval's own second is the approval's, not an edit.
GRACE = datetime.timedelta(minutes=1)


def _reports(scope: Scope) -> Any:
    query = ResultReport.objects.filter(
        first_month__lte=scope.period.last_month, last_month__gte=scope.period.first_month
    )
    if scope.prefix:
        query = query.filter(under("place_code", scope.prefix))
    return query


def edit_after_approval(scope: Scope) -> list[Finding]:
    """(1) a "report.edit" event after a "report.approve" of the same report with no
    un-approval or return between them; (2) an approved report whose supplementary values
    differ from those its approval snapshot kept; (3) records of an approved report's place
    and months changed after the approval (created before it) with no audit event after it but
    neutral ones: written outside the workflow."""
    reports = _reports(scope)
    ids = [str(pk) for pk in reports.values_list("pk", flat=True)]
    approve = AuditEvent.objects.filter(
        target_type=REPORT, target_id=OuterRef("target_id"), action="report.approve", seq__lt=OuterRef("seq")
    )
    edits = AuditEvent.objects.filter(target_type=REPORT, target_id__in=ids, action="report.edit").filter(
        Exists(approve)
    )
    by_place: dict[str, dict[str, Any]] = {}

    def entry(code: str) -> dict[str, Any]:
        return by_place.setdefault(code, {"report_edits": [], "snapshot_differs": [], "records": []})

    places = dict(reports.values_list("pk", "place_code"))
    for target, seq in edits.values_list("target_id", "seq"):
        # The last approval before the edit, then no return or un-approval after it.
        last_approve = (
            AuditEvent.objects.filter(target_type=REPORT, target_id=target, action="report.approve", seq__lt=seq)
            .order_by("-seq")
            .values_list("seq", flat=True)
            .first()
        )
        if AuditEvent.objects.filter(
            target_type=REPORT,
            target_id=target,
            action__in=["report.unapprove", "report.return"],
            seq__gt=last_approve,
            seq__lt=seq,
        ).exists():
            continue
        entry(places[int(target)])["report_edits"].append({"report": int(target), "event": seq})
    record_ids: dict[str, list[int]] = {}
    for report in reports.filter(status__in=LOCKING_STATUSES).only(
        "pk", "place_code", "period_id", "supplementary", "snapshot", "approved_at"
    ):
        kept = (report.snapshot or {}).get("supplementary")
        if kept is not None and kept != report.supplementary:
            entry(report.place_code)["snapshot_differs"].append({"report": report.pk, "period": report.period_id})
    for pk, code in changed_after_approval(reports):
        entry(code[:6])["records"].append(pk)
        record_ids.setdefault(code[:6], []).append(pk)
    findings = []
    for code, found in sorted(by_place.items()):
        count = len(found["report_edits"]) + len(found["snapshot_differs"]) + len(found["records"])
        if count:
            found["records"] = found["records"][:50]
            findings.append(
                Finding(
                    "edit_after_approval",
                    code,
                    found,
                    sorted(record_ids.get(code, []))[:200],
                    count,
                    {"place": code, "period": scope.period.id} if record_ids.get(code) else {},
                )
            )
    return findings


def changed_after_approval(reports: Any) -> list[tuple[int, str]]:
    """(record, place code) of the records under an approved report's place and in its months,
    created before the approval and saved more than ``GRACE`` after it, with no audit event
    after the approval but neutral ones. One statement per length of the reports' place codes
    (a commune's 6 digits, a village's 8, …): the report is found by equality on the record's
    code cut to that length, and the events by an anti-join, so the database answers for every
    approved report of the scope at once instead of one query per report."""
    approved = (
        reports.filter(status__in=LOCKING_STATUSES, approved_at__isnull=False)
        .annotate(
            code_length=Length("place_code"),
            saved_after=ExpressionWrapper(F("approved_at") + GRACE, output_field=DateTimeField()),
        )
        .order_by()
    )
    bounds = approved.aggregate(first=Min("first_month"), last=Max("last_month"), earliest=Min("approved_at"))
    if bounds["earliest"] is None:
        return []
    # A datetime as the ORM writes it into this database (SQLite keeps UTC text).
    earliest = connection.ops.adapt_datetimefield_value(bounds["earliest"])
    qn = connection.ops.quote_name
    records, events = qn(Incident._meta.db_table), qn(AuditEvent._meta.db_table)
    neutral = ", ".join(["%s"] * len(NEUTRAL_ACTIONS))
    found: dict[int, str] = {}
    lengths = sorted(set(approved.values_list("code_length", flat=True)))
    for length in lengths:
        rows = approved.filter(code_length=length).values("place_code", "first_month", "last_month", "approved_at")
        rows = rows.annotate(r_saved_after=F("saved_after"))
        rows_sql, rows_params = rows.query.sql_with_params()
        # The records saved after the earliest approval are read first, once (MATERIALIZED:
        # the planner may not fold them into the join), through the (period_month, …) index;
        # only they are joined with the reports. Joined directly, a planner that has not yet
        # counted the reports (a fresh bulk load) scanned the quarter's records once per report.
        sql = (
            f"WITH candidates AS MATERIALIZED (SELECT id, place_code, period_month, created_at, updated_at "  # noqa: S608  # nosec B608 (table names from the models)
            f"FROM {records} WHERE period_month >= %s AND period_month <= %s AND updated_at > %s) "
            f"SELECT i.id, i.place_code FROM ({rows_sql}) r "
            "JOIN candidates i ON substr(i.place_code, 1, %s) = r.place_code "
            "AND i.period_month >= r.first_month AND i.period_month <= r.last_month "
            "AND i.created_at < r.approved_at AND i.updated_at > r.r_saved_after "
            f"WHERE NOT EXISTS (SELECT 1 FROM {events} e WHERE e.target_type = %s "
            "AND e.target_id = CAST(i.id AS TEXT) AND e.occurred_at > r.approved_at "
            f"AND e.action NOT IN ({neutral}))"
        )
        params = [bounds["first"], bounds["last"], earliest, *rows_params, length, INCIDENT]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *NEUTRAL_ACTIONS])
            found.update(cursor.fetchall())
    return sorted(found.items())


# --- supplementary values too regular ------------------------------------------------------

# Counts people type by hand; budgets in riel are legitimately round and are left out.
COUNTED = ("patrols", "forum_participants", "forum_participants_women")
MIN_REPEATS = 4
MIN_ROUND_VALUES = 8
MAX_ROUND_SHARE = 0.8
MIN_DIGIT_VALUES = 30
# The chi-square with 9 degrees of freedom exceeded with probability 0.001.
CHI_SQUARE_9_P001 = 27.877
LOOK_BACK_MONTHS = 12


def last_digit_chi_square(values: list[int]) -> float:
    """Pearson's chi-square of the last digits against ten equal shares."""
    observed = [0] * 10
    for value in values:
        observed[value % 10] += 1
    expected = len(values) / 10
    return sum((o - expected) ** 2 / expected for o in observed)


def regular_supplementary(scope: Scope) -> list[Finding]:
    """Over the year ending with the period, each place's supplementary counts (patrols,
    forum participants): the same non-zero value in four reports or more, four fifths or
    more of the values (at least eight of 10 or more) multiples of ten, or last digits whose
    chi-square exceeds the 0.001 critical value (at least 30 values of 10 or more)."""
    end = scope.period.last_month
    year, month = divmod(end, 100)
    months = year * 12 + month - 1 - (LOOK_BACK_MONTHS - 1)
    start = (months // 12) * 100 + months % 12 + 1
    query = ResultReport.objects.filter(last_month__lte=end, last_month__gte=start)
    if scope.prefix:
        query = query.filter(under("place_code", scope.prefix))
    values: dict[str, dict[str, list[int]]] = {}
    for code, supplementary in query.values_list("place_code", "supplementary").order_by("place_code", "first_month"):
        for field in COUNTED:
            value = (supplementary or {}).get(field)
            if isinstance(value, int):
                values.setdefault(code, {}).setdefault(field, []).append(value)
    findings = []
    for code, fields in sorted(values.items()):
        repeated = {
            field: value
            for field, found in fields.items()
            for value in set(found)
            if value and found.count(value) >= MIN_REPEATS
        }
        sizable = [v for found in fields.values() for v in found if v >= 10]
        round_share = sum(1 for v in sizable if v % 10 == 0) / len(sizable) if sizable else 0.0
        is_round = len(sizable) >= MIN_ROUND_VALUES and round_share >= MAX_ROUND_SHARE
        chi = last_digit_chi_square(sizable) if len(sizable) >= MIN_DIGIT_VALUES else None
        digits = chi is not None and chi > CHI_SQUARE_9_P001
        if repeated or is_round or digits:
            findings.append(
                Finding(
                    "regular_supplementary",
                    code,
                    {
                        "repeated": repeated,
                        "values": len(sizable),
                        "round_share": round(round_share, 3),
                        "chi_square": round(chi, 2) if chi is not None else None,
                        "critical": CHI_SQUARE_9_P001,
                        "from_month": start,
                        "to_month": end,
                    },
                )
            )
    return findings
