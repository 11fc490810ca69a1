"""Decisions are stored with their evidence, thresholds and framework; recomputing with the
same figures changes nothing, and a decision that changes keeps the one it replaces."""

from __future__ import annotations

import datetime

import pytest

from safevillage.audit.models import AuditEvent
from safevillage.safety.classify import classify, decide, fingerprint
from safevillage.safety.inputs import commune_figures
from safevillage.safety.models import SafetyDecision, ThresholdSet
from tests.reports.conftest import close, local
from tests.safety.conftest import Q1

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2025, 5, 1, tzinfo=datetime.UTC)


def test_recomputing_with_the_same_figures_gives_the_same_decision_and_writes_nothing(make_record, submit, fw2010):
    close(make_record("14030501", "theft", local(2025, 1)), "solved", local(2025, 2, 1), arrests=1)
    make_record("14030601", "robbery", local(2025, 2))
    submit("140305")
    first = classify("14", Q1, fw2010, now=NOW)
    events = AuditEvent.objects.count()
    second = classify("14", Q1, fw2010, now=NOW + datetime.timedelta(days=1))
    assert (first.created, second.created, second.unchanged) == (3, 0, 3)
    assert AuditEvent.objects.count() == events
    assert {c: d.pk for c, d in first.decisions.items()} == {c: d.pk for c, d in second.decisions.items()}
    # The decision is a pure function of its inputs: computed twice, byte for byte the same.
    figures = commune_figures("140305", Q1, fw2010, NOW)["140305"]
    criteria = list(fw2010.criteria.order_by("number"))
    thresholds = ThresholdSet.objects.get()
    one, two = (decide(figures, Q1, fw2010, criteria, thresholds) for _ in range(2))
    assert one == two
    assert fingerprint("140305", Q1, fw2010, one) == first.decisions["140305"].fingerprint


def test_a_decision_that_changes_after_a_record_changes_keeps_its_history(make_record, submit, fw2010, sokha):
    submit("140305")
    before = classify("140305", Q1, fw2010, now=NOW).decisions["140305"]
    assert before.overall == "safe"
    robbery = make_record("14030501", "robbery", local(2025, 3))
    after = classify("140305", Q1, fw2010, now=NOW + datetime.timedelta(hours=1), by=sokha).decisions["140305"]
    assert after.overall == "not_safe"
    before.refresh_from_db()
    assert (before.superseded_at, before.superseded_by_id) == (NOW + datetime.timedelta(hours=1), after.pk)
    assert SafetyDecision.objects.current().get(place_code="140305").pk == after.pk
    event = AuditEvent.objects.filter(action="safety.classify").latest("id")
    assert (event.actor_id, event.new["changed"], event.new["superseded"]) == (sokha.pk, 1, 1)
    # Solved: safe again, a third decision; the two earlier ones are kept.
    close(robbery, "solved", local(2025, 3, 30), arrests=1)
    again = classify("140305", Q1, fw2010, now=NOW + datetime.timedelta(hours=2)).decisions["140305"]
    assert again.overall == "safe"
    rows = SafetyDecision.objects.filter(place_code="140305").order_by("computed_at")
    assert [(d.overall, d.superseded_at is None) for d in rows] == [
        ("safe", False),
        ("not_safe", False),
        ("safe", True),
    ]


def test_a_new_threshold_set_applies_from_its_date_and_is_stored_beside_the_decision(make_record, submit, fw2010):
    for month in (1, 2):
        close(make_record("14030501", "theft", local(2025, month)), "solved", local(2025, 3, 1), arrests=1)
    submit("140305")
    assert classify("140305", Q1, fw2010, now=NOW).decisions["140305"].overall == "safe"
    ThresholdSet.objects.create(
        version="2025-strict",
        valid_from=datetime.date(2025, 1, 1),
        max_offences_per_1000_year="0.50",  # 1.4 allowed in the quarter: two thefts are too many
        min_solved_percent="100",
        max_traffic_accidents_per_1000_year="2",
        max_traffic_deaths=0,
        max_overdue=0,
    )
    decision = classify("140305", Q1, fw2010, now=NOW).decisions["140305"]
    assert (decision.overall, decision.thresholds.version, decision.criteria[0]["allowed"]) == (
        "not_safe",
        "2025-strict",
        "1.4",
    )
    assert SafetyDecision.objects.filter(place_code="140305").count() == 2
