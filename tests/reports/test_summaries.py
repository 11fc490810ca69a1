"""The summaries stay equal to the register through every kind of change, and the check
says so — or says where they differ."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Sum

from safevillage.reports.models import Basis, CaseSummary, ChannelSummary, Grain
from safevillage.reports.rebuild import differences, rebuild
from safevillage.reports.summary import SummaryRow, apply_change, deltas, summary_row
from tests.reports.conftest import build, change, close, local


def _check() -> str:
    out = io.StringIO()
    call_command("check_summaries", stdout=out, stderr=out)
    return out.getvalue()


def _counts() -> list[tuple]:
    """Every non-zero case counter (a row whose records all moved away holds zeros)."""
    return sorted(
        row
        for row in CaseSummary.objects.values_list(
            "basis",
            "grain",
            "place_code",
            "period_key",
            "category__code",
            "reported",
            "open",
            "closed",
            "solved",
            "solved_by_arrest",
            "mediated",
            "referred",
            "transferred",
            "unfounded",
            "arrests",
            "deaths",
            "injuries",
            "closed_in_time",
            "answered",
            "satisfied",
        )
        if any(row[5:])
    )


def test_a_withdrawn_record_counts_nowhere(make_record):
    record = make_record("14030501", "theft", local(2025, 3))
    assert summary_row(record) is not None
    withdrawn = change(record, status="withdrawn", withdrawn_reason="Entered twice")
    assert summary_row(withdrawn) is None
    assert _counts() == []
    assert list(differences()) == []


def test_a_closed_record_counts_under_its_occurrence_month_and_its_closure_month(make_record):
    record = make_record("14030501", "robbery", local(2025, 1, 20))
    close(record, "solved", local(2025, 4, 2), arrests=2)
    occurred = CaseSummary.objects.get(basis=Basis.OCCURRED, grain=Grain.MONTH, period_key=202501)
    assert (
        occurred.reported,
        occurred.open,
        occurred.closed,
        occurred.solved,
        occurred.solved_by_arrest,
        occurred.arrests,
    ) == (1, 0, 1, 1, 1, 2)
    closure = CaseSummary.objects.get(basis=Basis.CLOSED, grain=Grain.MONTH, period_key=202504)
    assert (closure.reported, closure.closed, closure.solved) == (0, 1, 1)
    quarter = CaseSummary.objects.get(basis=Basis.CLOSED, grain=Grain.QUARTER)
    assert (quarter.place_code, quarter.period_key) == ("140305", 20252)


def test_the_closure_month_is_the_local_month(make_record):
    record = make_record("14030501", "theft", local(2025, 1, 20))
    # 31 March 20:00 UTC is 1 April 03:00 in Phnom Penh.
    import datetime

    close(record, "unfounded", datetime.datetime(2025, 3, 31, 20, tzinfo=datetime.UTC))
    assert CaseSummary.objects.filter(basis=Basis.CLOSED, grain=Grain.MONTH).get().period_key == 202504
    assert list(differences()) == []


def test_the_month_grain_is_by_commune_and_a_village_is_read_from_the_register(make_record):
    """Two villages of one commune share one month counter; each village's own figure comes
    from its records, with the same rules."""
    from safevillage.core.periods import Period
    from safevillage.reports.figures import case_counts, channel_counts

    make_record("14030501", "theft", local(2025, 1, 10))
    make_record("14030502", "theft", local(2025, 1, 10), status="closed", outcome="mediated")
    [row] = CaseSummary.objects.filter(basis=Basis.OCCURRED, grain=Grain.MONTH)
    assert (row.place_code, row.reported, row.open, row.closed) == ("140305", 2, 1, 1)
    january = Period.parse("202501")
    [village] = case_counts("14030502", [january], Basis.OCCURRED)[january].values()
    assert (village.reported, village.open, village.closed, village.mediated) == (1, 0, 1, 1)
    [commune] = case_counts("140305", [january], Basis.OCCURRED)[january].values()
    assert (commune.reported, commune.open, commune.closed) == (2, 1, 1)
    # Channels too: the village from its records, the commune from its counter.
    assert sum(channel_counts("14030502", [january])[january].values()) == 1
    assert sum(channel_counts("140305", [january])[january].values()) == 2


def test_deltas_of_a_transition_touch_only_what_changed():
    before = SummaryRow("14030501", 202501, 7, "phone", "", "", None, 0)
    after = SummaryRow("14030501", 202501, 7, "phone", "mediated", "", 202502, 0)
    changes = deltas(before, after)
    occurred = changes[("case", (Basis.OCCURRED, Grain.MONTH, "140305", 202501, 7))]
    assert occurred == {"open": -1, "closed": 1, "mediated": 1}
    # The channel counters do not move: the record was and is one phone record.
    assert not any(table == "channel" for table, _ in changes)


def test_casualties_added_at_closure_move_only_the_casualty_counters():
    before = SummaryRow("14030501", 202501, 7, "phone", "", "", None, 0, deaths=0, injuries=2)
    after = SummaryRow("14030501", 202501, 7, "phone", "mediated", "", 202502, 0, deaths=1, injuries=1)
    changes = deltas(before, after)
    occurred = changes[("case", (Basis.OCCURRED, Grain.MONTH, "140305", 202501, 7))]
    assert occurred == {"open": -1, "closed": 1, "mediated": 1, "deaths": 1, "injuries": -1}
    # Counted under the closure month too, like arrests.
    closure = changes[("case", (Basis.CLOSED, Grain.MONTH, "140305", 202502, 7))]
    assert closure == {"closed": 1, "mediated": 1, "deaths": 1, "injuries": 1}


def test_summaries_equal_the_records_through_the_actions_with_casualties(policy, places, sokha):
    """Records entered and closed through the real actions, casualties included; a withdrawn
    one takes its casualties out of the figures."""
    from safevillage.incidents import actions
    from tests.factories import make_incident

    crash = make_incident(sokha, "14030501", "traffic_accident", deaths=1, injuries=3)
    other = make_incident(sokha, "14030502", "traffic_accident", injuries=2)
    make_incident(sokha, "14030501", "homicide", deaths=1)
    mistake = make_incident(sokha, "14030502", "traffic_accident", deaths=4, injuries=9)
    assert list(differences()) == []
    # A victim dies in hospital: known when the record is closed.
    crash = actions.close(crash, by=sokha, version=crash.version, outcome="mediated", deaths=2, injuries=2)
    actions.close(other, by=sokha, version=other.version, outcome="mediated")  # casualties unchanged
    actions.withdraw(mistake, by=sokha, version=mistake.version, reason="Entered twice")
    assert list(differences()) == []
    totals = (
        CaseSummary.objects.filter(basis=Basis.OCCURRED, grain=Grain.MONTH, period_key=crash.period_month)
        .values("category__code")
        .annotate(deaths=Sum("deaths"), injuries=Sum("injuries"))
    )
    by_category = {row["category__code"]: (row["deaths"], row["injuries"]) for row in totals}
    assert by_category == {"traffic_accident": (2, 4), "homicide": (1, 0)}


@pytest.mark.django_db(transaction=True)
def test_apply_change_refuses_to_run_outside_a_transaction():
    row = SummaryRow("14030501", 202501, 1, "phone", "", "", None, 0)
    with pytest.raises(RuntimeError):
        apply_change(None, row)


def test_summaries_equal_the_records_after_a_mixed_workload(make_record):
    """Creates, transitions, closures, reopenings, reclassifications and withdrawals, each
    with apply_change exactly as the actions call it; then the check passes."""
    villages = ["14030501", "14030502", "14030601", "14040101"]
    categories = ["theft", "robbery", "traffic_accident", "domestic_violence", "civil_dispute"]
    channels = ["in_person", "phone", "public_web", "village_chief"]
    records = [
        make_record(
            villages[i % 4],
            categories[i % 5],
            local(2025, 1 + i % 12, 1 + i % 27),
            channel=channels[i % 4],
            deaths=i % 3 if categories[i % 5] == "traffic_accident" else 0,
            injuries=i % 4,
        )
        for i in range(60)
    ]
    outcomes = ["solved", "mediated", "referred", "transferred", "unfounded"]
    for i, record in enumerate(records):
        if i % 3 == 0:
            record = change(record, status="acknowledged", acknowledged_at=record.reported_at)
        if i % 2 == 0:
            record = close(record, outcomes[i % 5], local(2025, min(12, 2 + i % 12), 28), arrests=i % 3)
        if i % 5 == 2:
            record = change(record, deaths=record.deaths + 1, injuries=max(0, record.injuries - 1))  # died in hospital
        if i % 8 == 0:
            record = change(record, status="investigating", outcome="", clearance="", closed_at=None, reopened_count=1)
        if i % 10 == 0:
            record = change(record, category=records[1].category)  # reclassified
        if i % 7 == 0:
            record = change(record, status="withdrawn", outcome="", clearance="", closed_at=None)
        if i % 12 == 0 and record.status == "investigating":
            record = close(record, "solved", local(2026, 1, 5), arrests=1)
        if i % 4 == 2 and record.status == "closed":
            record = change(record, complainant_satisfied=i % 8 == 2)  # the complainant's answer
    assert list(differences()) == []
    assert "equal" in _check()
    assert CaseSummary.objects.filter(deaths__gt=0).exists() and CaseSummary.objects.filter(injuries__gt=0).exists()
    # Answers, yes and no, and closures in time and late are all counted.
    totals = CaseSummary.objects.filter(basis=Basis.OCCURRED, grain=Grain.MONTH).aggregate(
        closed=Sum("closed"), in_time=Sum("closed_in_time"), answered=Sum("answered"), yes=Sum("satisfied")
    )
    assert 0 < totals["in_time"] < totals["closed"] and 0 < totals["yes"] < totals["answered"]
    # And the kept counters are what a rebuild from scratch gives.
    kept = _counts()
    rebuild()
    assert _counts() == kept


def test_a_drift_makes_the_check_fail_with_the_first_differences(make_record):
    make_record("14030501", "theft", local(2025, 5))
    make_record("14030501", "theft", local(2025, 5))
    assert list(differences()) == []
    CaseSummary.objects.filter(basis=Basis.OCCURRED, grain=Grain.MONTH).update(reported=3)
    with pytest.raises(CommandError, match="differ"):
        _check()
    found = list(differences())
    assert [d.part for d in found] == ["case/occurred/month"]
    assert found[0].expected["reported"] == 2 and found[0].actual["reported"] == 3


def test_a_record_missing_from_the_summaries_is_a_difference(make_record):
    make_record("14030501", "theft", local(2025, 5))
    build("14030502", "theft", local(2025, 6)).save()  # saved without apply_change
    found = list(differences())
    assert {d.part for d in found} == {
        "case/occurred/month",
        "case/occurred/quarter",
        "channel/month",
        "channel/quarter",
        "crime/month",
        "crime/quarter",
        "deadline",  # an open record is missing from the open deadlines too
    }
    counts = [d for d in found if d.part != "deadline"]
    assert all(d.expected["reported"] - (d.actual or {}).get("reported", 0) == 1 for d in counts)
    assert [(d.expected, d.actual) for d in found if d.part == "deadline"] == [({"n": 1}, None)]


def test_a_summary_row_without_records_is_a_difference(make_record):
    make_record("14030501", "theft", local(2025, 5))
    ChannelSummary.objects.create(
        grain=Grain.MONTH, place_code="14030502", period_key=202505, channel="phone", reported=1
    )
    found = list(differences())
    assert len(found) == 1 and found[0].expected is None


def test_rebuild_is_deterministic_and_fixes_a_drift(make_record):
    for i in range(10):
        record = make_record("14030501", "theft", local(2025, 1 + i))
        if i % 2:
            close(record, "solved", local(2025, 1 + i, 28))
    CaseSummary.objects.update(reported=99)
    out = io.StringIO()
    call_command("rebuild_summaries", stdout=out)
    assert "case/occurred/month: 10 rows" in out.getvalue()
    first = _counts()
    call_command("rebuild_summaries", stdout=io.StringIO())
    assert _counts() == first
    assert "equal" in _check()


@pytest.mark.django_db(transaction=True)
def test_concurrent_actions_never_lose_an_increment(policy, places):
    """Eight writers add records to the same counters at once, each in its own transaction."""
    rows = [summary_row(build("14030501", "theft", local(2025, 2))) for _ in range(8)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(rows))

    def write(row: SummaryRow | None) -> None:
        try:
            start.wait()
            for _ in range(5):
                with transaction.atomic():
                    apply_change(None, row)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(row,)) for row in rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    counter = CaseSummary.objects.get(basis=Basis.OCCURRED, grain=Grain.MONTH)
    assert counter.reported == 40 and counter.open == 40
    assert CaseSummary.objects.get(basis=Basis.OCCURRED, grain=Grain.QUARTER).reported == 40
