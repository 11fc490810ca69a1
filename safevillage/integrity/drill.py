"""A drill for the integrity checks: a register with planted manipulations of every kind the
rules look for, beside a clean twin, then the checks, then how many plants were found.

Two invented provinces: 97 (planted) and 98 (its twin). For every rule and every planted case
a district of four communes (one village each): commune 01 carries the plant, 02 to 04 are
its clean neighbours; the twin's commune 01 gets the same extra records done right. Both
provinces draw their records from the same seeds, so the only difference between them is the
plants. Everything is written in one transaction that is rolled back at the end: the drill
leaves nothing behind, whatever database it runs on (its audit events, summaries and the
stored chain verdict included).

The plants are written the way each manipulation would reach the database: records entered
late, closed within hours as unfounded, mediated where the category forbids it, a category
changed behind the intake event, a report edited after its approval, summary counters
inflated, an audit event forged past the chain head, supplementary values typed round.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from safevillage.accounts.models import User
from safevillage.audit.log import chain_hash, current_head, record_events
from safevillage.audit.models import AuditEvent
from safevillage.audit.verify import ChainBroken, verify_and_record
from safevillage.core.periods import Period, local_month
from safevillage.incidents.models import Channel, Incident, InvolvedPerson, SeizedItem, Status
from safevillage.integrity.rules import CHECKS
from safevillage.integrity.rules.base import Finding, Scope
from safevillage.integrity.run import find
from safevillage.places.codes import under
from safevillage.places.models import Level, Place, UnitType
from safevillage.policy.models import Category
from safevillage.reports.bulk_rebuild import add_records
from safevillage.reports.models import Basis, CaseSummary, Grain, ReportStatus, ResultReport

PLANTED, TWIN = "97", "98"
PERIOD = Period.parse("2025Q4")
NEIGHBOURS = 3
TZ = datetime.timezone(datetime.timedelta(hours=7))
# Rules that plant one case per run whatever the size: the audit chain is one for the country.
ONCE = {"audit_chain_break"}


class DrillRolledBack(Exception):
    """Raised to leave the drill's transaction; never seen outside ``run_drill``."""


@dataclass
class DrillResult:
    planted: dict[str, set[str]] = field(default_factory=dict)  # rule -> communes planted
    detected: dict[str, set[str]] = field(default_factory=dict)  # rule -> planted communes flagged
    twin_flags: list[tuple[str, str]] = field(default_factory=list)  # (rule, commune) in the twin
    cross_flags: list[tuple[str, str]] = field(default_factory=list)  # planted province, other rule
    twin_communes: int = 0
    records: int = 0

    def detection_rate(self, rule: str) -> float:
        planted = self.planted.get(rule, set())
        return len(self.detected.get(rule, set())) / len(planted) if planted else 0.0

    @property
    def false_alarm_rate(self) -> float:
        checks = self.twin_communes * len(CHECKS)
        return len(self.twin_flags) / checks if checks else 0.0

    def lines(self) -> Iterator[str]:
        yield f"{self.records} records; period {PERIOD.id}"
        yield f"{'rule':<24} {'planted':>7} {'found':>6} {'rate':>6}"
        for rule in self.planted:
            planted = len(self.planted.get(rule, set()))
            found = len(self.detected.get(rule, set()))
            yield f"{rule:<24} {planted:>7} {found:>6} {self.detection_rate(rule):>6.0%}"
        yield (
            f"clean twin: {len(self.twin_flags)} flag(s) on {self.twin_communes} communes x {len(CHECKS)} rules "
            f"= false-alarm rate {self.false_alarm_rate:.2%}"
        )
        for rule, code in self.twin_flags:
            yield f"  twin flag: {rule} at {code}"
        for rule, code in self.cross_flags:
            yield f"  planted province, flag of another rule: {rule} at {code}"


class Builder:
    """Writes the drill's places, people, records, reports and audit events."""

    def __init__(self, size: int, seed: int, rules: list[str] | None = None) -> None:
        self.size, self.seed = size, seed
        self.rules = rules or list(CHECKS)
        self.incidents: list[Incident] = []
        self.people: list[tuple[int, dict[str, Any]]] = []  # (index in incidents, fields)
        self.items: list[tuple[int, dict[str, Any]]] = []
        self.intake: dict[int, str] = {}  # index -> category code named at intake, if different
        self.number = 900000
        self.categories = {code: Category.objects.get(code=code) for code in ("theft", "robbery", "drug_dealing")}
        self.categories["complaint"] = Category.objects.filter(closure_kind="complaint").order_by("code").first()  # type: ignore[assignment]
        self.officers: dict[str, User] = {}
        self.dropping = False
        self.drop_rng = random.Random(seed)  # noqa: S311  # nosec B311
        self.villages: dict[str, Place] = {}

    # --- places and people -------------------------------------------------------------

    def place(self, code: str, parent: Place | None) -> Place:
        found = Place.objects.filter(code=code).first()
        if found is not None:
            return found
        level = Level(len(code) // 2)
        unit = {1: UnitType.KHAET, 2: UnitType.SROK, 3: UnitType.KHUM, 4: UnitType.PHUM}[int(level)]
        return Place.objects.create(
            code=code,
            level=level,
            parent=parent,
            unit_type=unit,
            name_km=f"សមយុទ្ធ {code}",
            name_latin=f"Drill {code}",
        )

    def layout(self) -> list[tuple[str, str, int]]:
        """(rule, district suffix, case number) for every planted case."""
        cases = []
        number = 1
        for rule in self.rules:
            for case in range(1 if rule in ONCE else self.size):
                cases.append((rule, f"{number:02d}", case))
                number += 1
        return cases

    def build_places(self) -> None:
        for province in (PLANTED, TWIN):
            top = self.place(province, None)
            for _rule, district, _case in self.layout():
                parent = self.place(province + district, top)
                for c in range(1, NEIGHBOURS + 2):
                    commune = self.place(f"{province}{district}{c:02d}", parent)
                    village = self.place(commune.code + "01", commune)
                    self.villages[commune.code] = village
                    self.officers[commune.code], _ = User.objects.get_or_create(
                        username=f"drill-{commune.code}", defaults={"is_active": False}
                    )

    # --- records -------------------------------------------------------------------------

    def record(
        self,
        commune: str,
        category: str,
        occurred: datetime.datetime,
        *,
        delay: datetime.timedelta | None = None,
        channel: str = Channel.IN_PERSON,
        close: str = "",
        after: datetime.timedelta | None = None,
        clearance: str = "",
        arrests: int = 0,
        action: bool = True,
        status: str = "",
        **extra: Any,
    ) -> int:
        kind = self.categories[category]
        if self.dropping and PERIOD.contains_month(local_month(occurred)) and self.drop_rng.random() >= 0.15:
            return -1
        reported = occurred + (delay if delay is not None else datetime.timedelta(hours=6))
        village = self.villages[commune]
        self.number += 1
        closed_at = reported + (after or datetime.timedelta(days=6)) if close else None
        values: dict[str, Any] = {
            "reference": f"{commune[:2]}-{commune[:4]}-{reported.year}-{self.number:06d}",
            "channel": channel,
            "category": kind,
            "village": village,
            "place_code": village.code,
            "occurred_at": occurred,
            "period_month": local_month(occurred),
            "reported_at": reported,
            "description": "Drill record",
            "status": status or (Status.CLOSED if close else Status.INVESTIGATING),
            "outcome": close,
            "clearance": clearance,
            "arrests": arrests,
            "acknowledge_due_at": reported + datetime.timedelta(days=kind.acknowledge_days),
            "action_due_at": reported + datetime.timedelta(days=kind.first_action_days),
            "close_due_at": reported + datetime.timedelta(days=kind.close_days),
            "acknowledged_at": reported + datetime.timedelta(hours=1) if action else None,
            "first_action_at": reported + datetime.timedelta(hours=2) if action else None,
            "closed_at": closed_at,
            "closed_month": local_month(closed_at) if closed_at else None,
            "created_by": self.officers[commune],
            **extra,
        }
        self.incidents.append(Incident(**values))
        return len(self.incidents) - 1

    def suspect(self, index: int, arrested: bool) -> None:
        if index < 0:
            return
        self.people.append((index, {"role": "suspect", "arrested": arrested}))

    def drug(self, index: int, grams: str) -> None:
        if index < 0:
            return
        self.items.append(
            (index, {"kind": "drug", "drug_type": "methamphetamine", "quantity": Decimal(grams), "unit": "g"})
        )

    def baseline(self, commune: str, months: list[int], rng: random.Random) -> None:
        """An ordinary commune's months: thefts and robberies solved, mediated, unfounded after
        days or still open; a dealing case a quarter with a dealer's quantity; a public
        complaint a month, acted on and resolved."""
        for month in months:
            year, m = divmod(month, 100)
            for _ in range(rng.randint(5, 9)):
                occurred = datetime.datetime(year, m, rng.randint(1, 27), rng.randint(0, 23), tzinfo=TZ)
                delay = datetime.timedelta(hours=rng.randint(1, 72))
                category = "robbery" if rng.random() < 0.15 else "theft"
                draw = rng.random()
                if draw < 0.4:
                    i = self.record(
                        commune, category, occurred, delay=delay, close="solved", clearance="arrest", arrests=1
                    )
                    self.suspect(i, True)
                elif draw < 0.55 and category == "theft":
                    self.record(commune, category, occurred, delay=delay, close="mediated")
                elif draw < 0.6:
                    self.record(
                        commune,
                        category,
                        occurred,
                        delay=delay,
                        close="unfounded",
                        after=datetime.timedelta(days=rng.randint(5, 12)),
                    )
                else:
                    self.record(commune, category, occurred, delay=delay)
            if m % 3 == 2:
                occurred = datetime.datetime(year, m, rng.randint(1, 27), 20, tzinfo=TZ)
                i = self.record(commune, "drug_dealing", occurred, close="solved", clearance="arrest", arrests=1)
                self.suspect(i, True)
                self.drug(i, str(rng.randint(60, 900)))
            occurred = datetime.datetime(year, m, rng.randint(1, 27), 9, tzinfo=TZ)
            self.record(commune, "complaint", occurred, channel=Channel.PUBLIC_WEB, close="resolved")

    def extras(self, rule: str, commune: str, planted: bool) -> None:
        """The rule's extra records: manipulated in the planted commune, done right in its twin."""
        day = datetime.datetime(2025, 11, 10, 10, tzinfo=TZ)
        hours = datetime.timedelta(hours=1)
        if rule == "category_downgrade":
            for n in range(3):
                i = self.record(commune, "theft" if planted else "robbery", day + n * hours)
                self.intake[i] = "robbery"
        elif rule == "users_as_dealers":
            for n in range(4):
                i = self.record(commune, "drug_dealing", day + n * hours, close="solved", clearance="arrest", arrests=1)
                self.suspect(i, True)
                self.drug(i, "0.5" if planted else "80")
        elif rule == "arrests_nowhere":
            for n in range(2):
                i = self.record(
                    commune, "theft", day + n * hours, close="solved", clearance="arrest", arrests=0 if planted else 1
                )
                self.suspect(i, not planted)
            self.record(commune, "theft", day, close="mediated", arrests=2 if planted else 0)
        elif rule == "quick_unfounded":
            for n in range(6):
                after = datetime.timedelta(hours=5) if planted else datetime.timedelta(days=10)
                self.record(commune, "theft", day + n * hours, close="unfounded", after=after)
        elif rule == "late_entry":
            for n in range(6):
                delay = datetime.timedelta(days=45 + n) if planted else datetime.timedelta(hours=5)
                self.record(commune, "theft", day - datetime.timedelta(days=30) + n * hours, delay=delay)
        elif rule == "complaints_lost":
            for n in range(3):
                if planted and n == 0:
                    self.record(
                        commune,
                        "complaint",
                        day + n * hours,
                        channel=Channel.PUBLIC_WEB,
                        status=Status.WITHDRAWN,
                        withdrawn_reason="duplicate",
                    )
                else:
                    self.record(
                        commune,
                        "complaint",
                        day + n * hours,
                        channel=Channel.PUBLIC_WEB,
                        close="resolved",
                        action=not planted,
                    )
        elif rule == "mediation_not_allowed":
            for n in range(2):
                if planted:
                    self.record(commune, "robbery", day + n * hours, close="mediated")
                else:
                    i = self.record(commune, "robbery", day + n * hours, close="solved", clearance="arrest", arrests=1)
                    self.suspect(i, True)

    def write_records(self) -> tuple[int, int]:
        made = Incident.objects.bulk_create(self.incidents, batch_size=2000)
        InvolvedPerson.objects.bulk_create(
            [InvolvedPerson(incident=made[i], **fields) for i, fields in self.people], batch_size=2000
        )
        SeizedItem.objects.bulk_create(
            [SeizedItem(incident=made[i], **fields) for i, fields in self.items], batch_size=2000
        )
        # Entered when they were reported, not today: approvals of 2026 come after them.
        ids = [m.pk for m in made]
        Incident.objects.filter(pk__in=ids).update(created_at=F("reported_at"), updated_at=F("reported_at"))
        record_events(
            {
                "action": "incident.create",
                "actor": None,
                "target_type": "incidents.incident",
                "target_id": str(m.pk),
                "target_label": m.reference,
                "new": {"category": self.intake.get(i, m.category.code), "drill": True},
                "place_code": m.place_code,
            }
            for i, m in enumerate(made)
        )
        add_records([(min(ids), max(ids))])
        return min(ids), max(ids)

    # --- reports -------------------------------------------------------------------------

    def reports(self, commune: str, rng: random.Random, round_values: bool) -> None:
        place = Place.objects.get(code=commune)
        for month in range(202501, 202513):
            if round_values:
                values = {"patrols": 30, "forum_participants": 10 * rng.randint(3, 9), "forum_participants_women": 20}
            else:
                participants = rng.randint(21, 149)
                values = {
                    "patrols": rng.randint(11, 97),
                    "forum_participants": participants,
                    "forum_participants_women": rng.randint(10, participants),
                }
            ResultReport.objects.create(
                place=place,
                place_code=commune,
                period_id=str(month),
                first_month=month,
                last_month=month,
                status=ReportStatus.SUBMITTED,
                supplementary=values,
            )

    def approved_quarter(self, commune: str, planted: bool) -> None:
        """The commune's 2025Q4 report, approved on 10 January 2026; planted: edited after."""
        approved_at = datetime.datetime(2026, 1, 10, 9, tzinfo=TZ)
        values = {"patrols": 41, "forum_participants": 57, "forum_participants_women": 23}
        report = ResultReport.objects.create(
            place=Place.objects.get(code=commune),
            place_code=commune,
            period_id=PERIOD.id,
            first_month=PERIOD.first_month,
            last_month=PERIOD.last_month,
            status=ReportStatus.APPROVED,
            supplementary={**values, "patrols": 90} if planted else values,
            snapshot={"supplementary": values},
            snapshot_at=approved_at,
            approved_at=approved_at,
        )
        events: list[dict[str, Any]] = [
            {
                "action": "report.approve",
                "actor": None,
                "target": report,
                "place_code": commune,
                "new": {"status": "approved"},
            }
        ]
        if planted:
            events.append(
                {
                    "action": "report.edit",
                    "actor": None,
                    "target": report,
                    "place_code": commune,
                    "new": {"supplementary": {"patrols": 90}},
                }
            )
            changed = Incident.objects.filter(under("place_code", commune), period_month__gte=PERIOD.first_month)
            pks = list(changed.order_by("pk").values_list("pk", flat=True)[:2])
            Incident.objects.filter(pk__in=pks).update(updated_at=approved_at + datetime.timedelta(days=20))
        record_events(events)

    # --- counters and the chain ----------------------------------------------------------

    def inflate_solved(self, commune: str) -> None:
        row = CaseSummary.objects.filter(
            basis=Basis.OCCURRED,
            grain=Grain.MONTH,
            place_code=commune,
            period_key=202511,
            category=self.categories["theft"],
        )
        row.update(solved=F("reported") + 3)

    def forge_event(self, commune: str) -> None:
        """An event written straight into the table, past the head: what a hand-made entry
        looks like to the verifier."""
        head = current_head() or (0, "0" * 64)
        event = AuditEvent(
            seq=head[0] + 1,
            occurred_at=timezone.now(),
            action="incident.close",
            target_type="incidents.incident",
            target_id="0",
            place_code=self.villages[commune].code,
            prev_hash=head[1],
            old=None,
            new={"forged": True},
        )
        event.hash = chain_hash(head[1], {"forged": True})
        event.save()


def run_drill(size: int = 3, seed: int = 17, rules: list[str] | None = None) -> DrillResult:
    """Build the planted and twin provinces, run every rule on 2025Q4, compare, roll back.
    ``rules``: plant only these (every rule still runs on both provinces)."""
    if not 1 <= size <= 8:
        raise ValueError("size is between 1 and 8 cases per rule")
    unknown = set(rules or ()) - set(CHECKS)
    if unknown:
        raise ValueError(f"no such rule: {', '.join(sorted(unknown))}")
    result = DrillResult()
    try:
        with transaction.atomic():
            _build_and_check(Builder(size, seed, rules), result)
            raise DrillRolledBack
    except DrillRolledBack:
        pass
    return result


def _build_and_check(builder: Builder, result: DrillResult) -> None:
    builder.build_places()
    history = [m for p in _history() for m in p.months]
    plans: list[tuple[str, str, str]] = []  # (rule, planted commune, twin commune)
    for rule, district, case in builder.layout():
        planted, twin = f"{PLANTED}{district}01", f"{TWIN}{district}01"
        plans.append((rule, planted, twin))
        for c in range(1, NEIGHBOURS + 2):
            suffix = f"{district}{c:02d}"
            months = (history if rule == "implausible_drop" else []) + PERIOD.months
            for province in (PLANTED, TWIN):
                rng = random.Random(f"{builder.seed}-{rule}-{case}-{c}")  # noqa: S311  # nosec B311
                commune = province + suffix
                # The planted drop keeps a seventh of the period's records: the rest were never entered.
                builder.dropping = rule == "implausible_drop" and province == PLANTED and c == 1
                builder.baseline(commune, months, rng)
                builder.dropping = False
                if c == 1:
                    builder.extras(rule, commune, province == PLANTED)
                reports_rng = random.Random(f"{builder.seed}-reports-{rule}-{case}-{c}")  # noqa: S311  # nosec B311
                builder.reports(
                    commune, reports_rng, rule == "regular_supplementary" and province == PLANTED and c == 1
                )
        result.planted.setdefault(rule, set()).add(planted)
    first, last = builder.write_records()
    result.records = last - first + 1
    for rule, planted, twin in plans:
        if rule == "edit_after_approval":
            builder.approved_quarter(planted, True)
            builder.approved_quarter(twin, False)
        elif rule == "solved_impossible":
            builder.inflate_solved(planted)
        elif rule == "audit_chain_break":
            builder.forge_event(planted)
    # The planted break: the verdict is stored, the rule reads it.
    with contextlib.suppress(ChainBroken):
        verify_and_record()
    findings: list[Finding] = []
    for province in (PLANTED, TWIN):
        findings += find(Scope(PERIOD, province))
    result.twin_communes = sum(1 for code in builder.villages if code.startswith(TWIN))
    for finding in findings:
        code = finding.place_code[:6]
        if code.startswith(TWIN):
            result.twin_flags.append((finding.rule, code))
        elif code in result.planted.get(finding.rule, set()):
            result.detected.setdefault(finding.rule, set()).add(code)
        else:
            result.cross_flags.append((finding.rule, code))


def _history() -> list[Period]:
    periods, period = [], PERIOD
    for _ in range(4):
        period = period.previous()
        periods.append(period)
    return periods
