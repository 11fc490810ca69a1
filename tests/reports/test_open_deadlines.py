"""The provincial and district reports count overdue records from ``OpenDeadline`` (kept with
the summaries), and that count is always the register's own rule, ``deadlines.overdue_q``."""

from __future__ import annotations

import datetime
import random
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safevillage.core.periods import Period, PeriodKind
from safevillage.incidents import actions
from safevillage.incidents.deadlines import overdue_from, overdue_q
from safevillage.incidents.escalation import escalate
from safevillage.incidents.models import Incident
from safevillage.places.codes import under
from safevillage.reports.bulk_rebuild import rebuild_in_database
from safevillage.reports.figures import overdue_counts
from safevillage.reports.models import OpenDeadline
from safevillage.reports.rebuild import differences, rebuild
from safevillage.reports.summary import figures_differ, summary_row
from tests.factories import make_incident
from tests.reports.conftest import change, close, create, local

PLACES = ["14", "1403", "140306", "1404"]
VILLAGES = ["14030501", "14030502", "14030601", "14040101"]
CATEGORIES = ["theft", "robbery", "domestic_violence", "civil_dispute", "traffic_accident"]


def _register(place: str, period: Period, now: datetime.datetime) -> dict[int, int]:
    records = Incident.objects.filter(overdue_q(now), under("place_code", place)).filter(
        period_month__gte=period.first_month, period_month__lte=period.last_month
    )
    return dict(records.values_list("category_id").annotate(n=Count("id")).order_by())


def _rows() -> list[tuple]:
    return sorted(
        OpenDeadline.objects.filter(n__gt=0).values_list("place_code", "period_month", "category_id", "due_at", "n")
    )


def _assert_agree(instants: list[datetime.datetime]) -> int:
    """At every instant, for every place and period the records fall in, the kept figure is
    the register's; returns how many non-zero figures were compared."""
    months = sorted(set(Incident.objects.values_list("period_month", flat=True)))
    periods = {Period.from_month(m, kind) for m in months for kind in (PeriodKind.QUARTER, PeriodKind.YEAR)}
    periods |= {Period.from_month(m) for m in months[::3]}
    compared = 0
    for now in instants:
        for place in PLACES:
            for period in periods:
                expected = _register(place, period, now)
                assert overdue_counts(place, period, now) == expected, (place, period.id, now)
                compared += bool(expected)
    return compared


def _workflow(seed: int, sokha, dara, vannak) -> list[Incident]:
    """Records entered through intake (now) and built in the past, then taken at random through
    acknowledgement, investigation, closure, reopening, withdrawal and escalation."""
    rng = random.Random(seed)
    officer = {"140305": sokha, "140306": dara}
    records: list[Incident] = []
    for _i in range(24):
        village = rng.choice(VILLAGES[:3])
        records.append(make_incident(officer[village[:6]], village, rng.choice(CATEGORIES)))
    for _i in range(16):
        when = local(2025, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23))
        status = rng.choice(["received", "received", "acknowledged", "closed"])
        outcome = "mediated" if status == "closed" else ""
        records.append(create(rng.choice(VILLAGES), rng.choice(CATEGORIES), when, status=status, outcome=outcome))
    steps = ["acknowledge", "investigate", "close", "reopen", "withdraw", "escalate", "ack_late"]
    for _ in range(80):
        record = Incident.objects.get(pk=rng.choice(records).pk)
        step = rng.choice(steps)
        user = officer.get(record.place_code[:6])
        try:
            if step == "acknowledge" and user:
                actions.acknowledge(record, by=user, version=record.version)
            elif step == "investigate" and user:
                actions.start_investigation(record, by=user, version=record.version)
            elif step == "close" and user:
                close_kwargs = {"outcome": "solved", "clearance": "arrest", "arrests": 1}
                actions.close(record, by=user, version=record.version, **close_kwargs)
            elif step == "reopen" and record.place_code.startswith("1403"):
                actions.reopen(record, by=vannak, version=record.version, reason="Review")
            elif step == "withdraw" and user:
                actions.withdraw(record, by=user, version=record.version, reason="Entered twice")
            elif step == "escalate":
                escalate(record.pk, now=timezone.now() + datetime.timedelta(days=400), wait=datetime.timedelta(0))
            elif step == "ack_late" and not user and record.is_open:
                # A record of the province's other district, moved as the actions move it.
                at = record.reported_at + datetime.timedelta(days=rng.randint(0, 20))
                if rng.random() < 0.5:
                    change(record, status="acknowledged", acknowledged_at=at)
                else:
                    close(record, "mediated", at)
        except actions.ActionError:  # a step the record's status or the officer does not allow
            pass
    return records


def _instants(records: list[Incident]) -> list[datetime.datetime]:
    """Now and later, and every deadline exactly: at the deadline a record is not yet overdue."""
    now = timezone.now()
    later = [now + datetime.timedelta(days=d) for d in (0, 1, 3, 15, 400)]
    exact = []
    for record in Incident.objects.filter(pk__in=[r.pk for r in records[::8]]):
        exact += [record.acknowledge_due_at, record.action_due_at, record.close_due_at]
    past = [local(2025, 3, 1), local(2025, 9, 1)]
    return [*past, *later, *exact]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_kept_overdue_figure_is_the_register_rule_through_random_workflows(
    seed, policy, places, sokha, dara, vannak
):
    records = _workflow(20261207, sokha, dara, vannak)
    instants = _instants(records)
    assert list(differences()) == []
    assert _assert_agree(instants) > 10  # the comparison saw overdue records, not only zeros
    kept = _rows()
    assert kept, "some records are open"
    # Both rebuilds give the very rows the actions kept, and the figures stay the register's.
    rebuild()
    assert _rows() == kept
    rebuild_in_database()
    assert _rows() == kept
    _assert_agree(instants[::3])


def test_a_record_moves_to_its_next_deadline_and_leaves_on_closure(policy, places, sokha, vannak):
    record = make_incident(sokha, "14030501", "theft")
    assert _rows() == [("140305", record.period_month, record.category_id, record.acknowledge_due_at, 1)]
    record = actions.acknowledge(record, by=sokha, version=record.version)
    assert [row[3] for row in _rows()] == [overdue_from(record)]
    assert overdue_from(record) == min(record.action_due_at, record.close_due_at)
    record = actions.close(record, by=sokha, version=record.version, outcome="mediated")
    # The emptied row is deleted, not left at zero.
    assert OpenDeadline.objects.count() == 0
    record = actions.reopen(record, by=vannak, version=record.version, reason="Review")
    assert [row[3] for row in _rows()] == [record.close_due_at] if record.first_action_at else [overdue_from(record)]
    actions.withdraw(record, by=sokha, version=record.version, reason="Entered twice")
    assert OpenDeadline.objects.count() == 0


def test_the_overdue_instant_is_not_a_figure(policy, places, sokha):
    """Acknowledging a record moves only its overdue instant, which an approved period's lock
    does not guard: approval locks figures, and an officer must still acknowledge."""
    record = make_incident(sokha, "14030501", "theft")
    before = summary_row(record)
    record.acknowledged_at = timezone.now()
    after = summary_row(record)
    assert before != after
    assert not figures_differ(before, after)
    record.status = "closed"
    record.outcome = "mediated"
    assert figures_differ(before, summary_row(record))


def test_a_province_report_reads_no_record(policy, places, sokha):
    for village in ("14030501", "14030601"):
        make_incident(sokha if village.startswith("140305") else None, village, "theft")
    period = Period.containing(timezone.localdate(), PeriodKind.QUARTER)
    later = timezone.now() + datetime.timedelta(days=400)
    with CaptureQueriesContext(connection) as queries:
        counts = overdue_counts("14", period, later)
    assert sum(counts.values()) == 2 == sum(_register("14", period, later).values())
    assert not [q for q in queries.captured_queries if Incident._meta.db_table in q["sql"]]
    assert Counter(OpenDeadline.objects.values_list("place_code", flat=True)) == {"140305": 1, "140306": 1}
