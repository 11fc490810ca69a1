"""Rules that read the register itself, each with one or two grouped queries over the
period's records under the scope (never a Python loop over records): downgraded categories,
users booked as dealers, arrests that go nowhere, quick "unfounded" closures, late entries,
lost public complaints and mediation where it is not allowed."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models import CharField, Exists, F, OuterRef, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from safevillage.audit.models import AuditEvent
from safevillage.incidents.models import Channel, Incident, InvolvedPerson, Outcome, PersonRole, SeizedItem, Status
from safevillage.integrity.rules.base import Finding, Scope, above_norm, counts_by, ids_by_commune
from safevillage.places.codes import under
from safevillage.policy.models import Category

# --- offences moved from a serious category to a lesser one --------------------------------


def seriousness(category: Category) -> int:
    """3: a crime that may never be mediated; 2: a crime that may; 1: anything else."""
    if category.is_crime:
        return 2 if category.mediation_allowed else 3
    return 1


def category_downgrade(scope: Scope) -> list[Finding]:
    """The category named at intake (the "incident.create" audit event) against the one the
    record has now. No action changes a category, so a difference was made outside the
    workflow; it is flagged when the new category is less serious. One statement joins the
    period's records to their intake events (``intake_changes``) and returns only the records
    whose category differs: the database picks the join, where a subquery in the select list
    was evaluated once per record."""
    categories = {c.code: c for c in Category.objects.all()}
    by_place: dict[str, list[tuple[int, str, str]]] = {}
    for pk, place, was, now in intake_changes(scope.records()):
        before, after = categories.get(was), categories.get(now)
        if before is None or after is None or seriousness(after) >= seriousness(before):
            continue
        by_place.setdefault(place[:6], []).append((pk, was, now))
    return [
        Finding(
            "category_downgrade",
            code,
            {"changes": [{"record": pk, "at_intake": was, "now": now} for pk, was, now in rows[:50]]},
            [pk for pk, _, _ in rows],
            len(rows),
            {"place": code, "period": scope.period.id},
        )
        for code, rows in sorted(by_place.items())
    ]


def intake_changes(records: models.QuerySet[Incident]) -> list[tuple[int, str, str, str]]:
    """(record, place code, category at intake, category now) for the ``records`` whose intake
    event names another category. The records and the events are the ORM's own queries (the
    JSON key is read the way each database reads it), joined as derived tables; the
    (target_type, target_id, seq) index answers the join from the records' side."""
    rows = (
        records.annotate(r_key=Cast("pk", CharField()), r_place=F("place_code"), r_category=F("category__code"))
        .values("pk", "r_key", "r_place", "r_category")
        .order_by()
    )
    events = (
        AuditEvent.objects.filter(target_type="incidents.incident", action="incident.create")
        .annotate(e_key=F("target_id"), e_category=KeyTextTransform("category", "new"))
        .values("e_key", "e_category")
        .order_by()
    )
    rows_sql, rows_params = rows.query.sql_with_params()
    events_sql, events_params = events.query.sql_with_params()
    sql = (
        f"SELECT r.pk, r.r_place, e.e_category, r.r_category FROM ({rows_sql}) r "  # noqa: S608  # nosec B608 (compiled ORM queries)
        f"JOIN ({events_sql}) e ON e.e_key = r.r_key "
        "WHERE e.e_category IS NOT NULL AND e.e_category <> r.r_category"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rows_params, *events_params])
        return [tuple(row) for row in cursor.fetchall()]


# --- users booked as dealers ---------------------------------------------------------------

DEALING = "drug_dealing"
# The most a person carries for their own use, by drug and unit (grams or tablets). These are
# the product's thresholds for flagging, not the law's: a reviewer reads the records.
PERSONAL_USE: dict[tuple[str, str], Decimal] = {
    ("methamphetamine", "g"): Decimal(5),
    ("methamphetamine", "tablet"): Decimal(20),
    ("heroin", "g"): Decimal(1),
    ("cannabis", "g"): Decimal(20),
    ("ketamine", "g"): Decimal(3),
    ("mdma", "tablet"): Decimal(10),
    ("mdma", "g"): Decimal(3),
    ("other", "g"): Decimal(2),
}
MIN_DEALER_RECORDS = 3
MIN_DEALER_SHARE = 0.5


def _small_quantity() -> Q:
    q = Q(pk__in=[])
    for (drug, unit), most in PERSONAL_USE.items():
        q |= Q(drug_type=drug, unit=unit, quantity__lte=most)
        if unit == "g":
            q |= Q(drug_type=drug, unit="kg", quantity__lte=most / 1000)
    return q


def users_as_dealers(scope: Scope) -> list[Finding]:
    """Dealing records whose every seized drug is a personal-use quantity, at least three and
    half of the dealing records of the commune or of one officer (who entered them)."""
    dealing = scope.records().filter(category__code=DEALING).exclude(status=Status.WITHDRAWN)
    drugs = SeizedItem.objects.filter(incident=OuterRef("pk"), kind="drug")
    small = dealing.filter(Exists(drugs)).exclude(Exists(drugs.exclude(_small_quantity())))
    totals = counts_by(dealing)
    smalls = counts_by(small)
    by_officer_total = counts_by(dealing, "created_by")
    by_officer_small = counts_by(small, "created_by")
    ids = ids_by_commune(small)
    findings = []
    for (code,), k in sorted(smalls.items()):
        n = totals.get((code,), 0)
        officers = [
            {"officer": officer, "small": count, "dealing": by_officer_total.get((c, officer), 0)}
            for (c, officer), count in sorted(by_officer_small.items(), key=lambda item: -item[1])
            if c == code and officer is not None
        ]
        concentrated = [
            o for o in officers if o["small"] >= MIN_DEALER_RECORDS and o["small"] >= MIN_DEALER_SHARE * o["dealing"]
        ]
        if (k >= MIN_DEALER_RECORDS and k >= MIN_DEALER_SHARE * n) or concentrated:
            findings.append(
                Finding(
                    "users_as_dealers",
                    code,
                    {
                        "small_quantity": k,
                        "dealing": n,
                        "officers": officers[:20],
                        "personal_use": {f"{d} {u}": str(v) for (d, u), v in PERSONAL_USE.items()},
                    },
                    ids.get(code, []),
                    k,
                    {"place": code, "period": scope.period.id, "category": DEALING},
                )
            )
    return findings


# --- arrests that go nowhere ---------------------------------------------------------------

MIN_SEIZURES_WITHOUT_SUSPECT = 3


def arrests_nowhere(scope: Scope) -> list[Finding]:
    """Solved by arrest with nobody arrested (neither the record's count nor a person marked
    arrested); closed as anything but solved or transferred although people were arrested
    (released, and the case gone); seizures of a crime with no suspect recorded."""
    records = scope.records().exclude(status=Status.WITHDRAWN)
    arrested = InvolvedPerson.objects.filter(incident=OuterRef("pk"), arrested=True)
    suspect = InvolvedPerson.objects.filter(incident=OuterRef("pk"), role=PersonRole.SUSPECT)
    seized = SeizedItem.objects.filter(incident=OuterRef("pk"))
    no_one = records.filter(outcome=Outcome.SOLVED, clearance="arrest", arrests=0).exclude(Exists(arrested))
    released = records.filter(status=Status.CLOSED, arrests__gt=0).exclude(
        outcome__in=[Outcome.SOLVED, Outcome.TRANSFERRED]
    )
    unclaimed = records.filter(category__is_crime=True).filter(Exists(seized)).exclude(Exists(suspect))
    parts = {
        "solved_by_arrest_no_one_arrested": no_one,
        "arrested_then_closed": released,
        "seizure_no_suspect": unclaimed,
    }
    counts = {name: counts_by(query) for name, query in parts.items()}
    codes = sorted({code for found in counts.values() for (code,) in found})
    findings = []
    for code in codes:
        n = {name: counts[name].get((code,), 0) for name in parts}
        if n["solved_by_arrest_no_one_arrested"] + n["arrested_then_closed"] == 0 and (
            n["seizure_no_suspect"] < MIN_SEIZURES_WITHOUT_SUSPECT
        ):
            continue
        ids: list[int] = []
        for name, query in parts.items():
            if n[name]:
                ids += list(query.filter(under("place_code", code)).values_list("pk", flat=True)[:100])
        findings.append(
            Finding(
                "arrests_nowhere",
                code,
                n,
                sorted(set(ids)),
                sum(n.values()),
                {"place": code, "period": scope.period.id},
            )
        )
    return findings


# --- concentrations above the norm ---------------------------------------------------------


def _concentration(
    rule: str,
    scope: Scope,
    base: models.QuerySet[Incident],
    hits: models.QuerySet[Incident],
    min_count: int,
    query: dict[str, str],
    extra: dict[str, Any] | None = None,
) -> list[Finding]:
    """Places, and officers within them, where ``hits`` are a far larger share of ``base``
    than everywhere else (``base.above_norm``). ``base`` and ``hits`` cover the whole country
    whatever the scope: the norm of a province alone, or of a commune, would be the place
    itself. Each place is compared with all the others (its own records left out)."""
    totals, found = counts_by(base), counts_by(hits)
    all_n, all_k = sum(totals.values()), sum(found.values())
    officer_n, officer_k = counts_by(base, "created_by"), counts_by(hits, "created_by")
    ids = ids_by_commune(hits.filter(under("place_code", scope.prefix)))
    findings = []
    for (code,), k in sorted(found.items()):
        if not code.startswith(scope.prefix[:6]):
            continue
        n = totals.get((code,), 0)
        others_n = all_n - n
        norm = (all_k - k) / others_n if others_n else 0.0
        officers = [
            {"officer": officer, "count": count, "of": officer_n.get((c, officer), 0)}
            for (c, officer), count in sorted(officer_k.items(), key=lambda item: -item[1])
            if c == code and officer is not None
        ]
        concentrated = [o for o in officers if above_norm(o["count"], o["of"], norm, min_count=min_count)]
        if above_norm(k, n, norm, min_count=min_count) or concentrated:
            findings.append(
                Finding(
                    rule,
                    code,
                    {
                        "count": k,
                        "of": n,
                        "share": round(k / n, 4) if n else None,
                        "norm_elsewhere": round(norm, 4),
                        "officers": officers[:20],
                        "concentrated_officers": [o["officer"] for o in concentrated],
                        **(extra or {}),
                    },
                    ids.get(code, []),
                    k,
                    {"place": code, "period": scope.period.id, **query},
                )
            )
    return findings


QUICK_HOURS = 48
MIN_QUICK_UNFOUNDED = 3


def quick_unfounded(scope: Scope) -> list[Finding]:
    """Crimes closed "unfounded" within 48 hours of the report, against all closed crimes."""
    closed = Scope(scope.period).records().filter(status=Status.CLOSED, category__is_crime=True)
    quick = closed.filter(
        outcome=Outcome.UNFOUNDED, closed_at__lt=F("reported_at") + datetime.timedelta(hours=QUICK_HOURS)
    )
    return _concentration(
        "quick_unfounded",
        scope,
        closed,
        quick,
        MIN_QUICK_UNFOUNDED,
        {"outcome": Outcome.UNFOUNDED},
        {"hours": QUICK_HOURS},
    )


LATE_DAYS = 30
MIN_LATE = 3


def late_entry(scope: Scope) -> list[Finding]:
    """Records entered more than 30 days after the offence, against all the period's records."""
    records = Scope(scope.period).records().exclude(status=Status.WITHDRAWN)
    late = records.filter(reported_at__gt=F("occurred_at") + datetime.timedelta(days=LATE_DAYS))
    return _concentration("late_entry", scope, records, late, MIN_LATE, {}, {"days": LATE_DAYS})


# --- public complaints ---------------------------------------------------------------------

PUBLIC_CHANNELS = (Channel.PUBLIC_WEB, Channel.POST_BOX)
MIN_LOST = 2


def complaints_lost(scope: Scope) -> list[Finding]:
    """Public and post-box complaints withdrawn, closed with no action recorded (no
    acknowledgement, no first action), or closed although the citizen said "not resolved"."""
    from safevillage.posts.models import Equipment, EquipmentKind, EquipmentState

    public = scope.records().filter(channel__in=PUBLIC_CHANNELS)
    parts = {
        "withdrawn": public.filter(status=Status.WITHDRAWN),
        "closed_without_action": public.filter(status=Status.CLOSED, first_action_at__isnull=True),
        "citizen_not_resolved": public.filter(status=Status.CLOSED, complainant_satisfied=False),
    }
    counts = {name: counts_by(query) for name, query in parts.items()}
    totals = counts_by(public)
    boxes = Equipment.objects.filter(kind=EquipmentKind.POST_BOX, state=EquipmentState.WORKING)
    if scope.prefix:
        boxes = boxes.filter(under("place__code", scope.prefix))
    box_counts: dict[str, int] = {}
    for code in boxes.values_list("place__code", flat=True):
        box_counts[code[:6]] = box_counts.get(code[:6], 0) + 1
    box_records = counts_by(public.filter(channel=Channel.POST_BOX))
    findings = []
    for code in sorted({c for found in counts.values() for (c,) in found}):
        n = {name: counts[name].get((code,), 0) for name in parts}
        if sum(n.values()) < MIN_LOST:
            continue
        lost = parts["withdrawn"] | parts["closed_without_action"] | parts["citizen_not_resolved"]
        ids = list(lost.filter(under("place_code", code)).values_list("pk", flat=True).order_by("pk")[:200])
        findings.append(
            Finding(
                "complaints_lost",
                code,
                {
                    **n,
                    "public_complaints": totals.get((code,), 0),
                    "post_boxes_working": box_counts.get(code, 0),
                    "post_box_records": box_records.get((code,), 0),
                },
                ids,
                sum(n.values()),
                {"place": code, "period": scope.period.id},
            )
        )
    return findings


def mediation_not_allowed(scope: Scope) -> list[Finding]:
    """Records closed as mediated whose category may not be mediated. Closing refuses it; a
    record gets there by a later category change or a write outside the workflow."""
    wrong = scope.records().filter(outcome=Outcome.MEDIATED, category__mediation_allowed=False)
    categories = counts_by(wrong, "category__code")
    ids = ids_by_commune(wrong)
    by_place: dict[str, dict[str, int]] = {}
    for (code, category), n in categories.items():
        by_place.setdefault(code, {})[category] = n
    return [
        Finding(
            "mediation_not_allowed",
            code,
            {"by_category": found},
            ids.get(code, []),
            sum(found.values()),
            {"place": code, "period": scope.period.id, "outcome": Outcome.MEDIATED},
        )
        for code, found in sorted(by_place.items())
    ]
