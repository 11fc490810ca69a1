"""A pilot evaluated from the summaries of a synthetic district with a known effect: the
comparison places, the window, the three outcomes and their intervals."""

from __future__ import annotations

import datetime

import pytest

from safevillage.core.periods import Period
from safevillage.pilots import did
from safevillage.pilots.evaluation import COMPARISONS_PER_PLACE, Outcome, Status, evaluate, window
from tests.pilots.conftest import TODAY
from tests.reports.conftest import create, local

pytestmark = pytest.mark.django_db


def test_the_planted_minus_20_percent_is_inside_the_interval(district, mark):
    codes = district(20260101, effect=-0.20)
    result = evaluate(mark(codes[:2]), today=TODAY)
    assert result.status == Status.READY
    assert [q.id for q in result.window.pre] == [f"{y}Q{q}" for y in (2023, 2024) for q in (1, 2, 3, 4)]
    assert [q.id for q in result.window.post] == [f"{y}Q{q}" for y in (2025, 2026) for q in (1, 2, 3, 4)]
    offences = result.results[Outcome.OFFENCES]
    assert offences is not None and offences.relative is not None
    assert offences.relative.low <= -20 <= offences.relative.high
    assert offences.pre_trend.verdict == did.Trend.MATCHED
    # Nothing was planted in the share solved or the complaints.
    for outcome in (Outcome.SOLVED, Outcome.COMPLAINTS):
        estimate = result.results[outcome]
        assert estimate is not None and estimate.effect.low <= 0 <= estimate.effect.high


def test_no_effect_gives_an_interval_around_zero(district, mark):
    codes = district(99, effect=0.0)
    offences = evaluate(mark(codes[:1]), today=TODAY).results[Outcome.OFFENCES]
    assert offences is not None
    assert offences.effect.low <= 0 <= offences.effect.high


def test_a_rise_in_the_share_solved_is_measured_in_points(district, mark):
    codes = district(5, effect=0.0, solved_effect=0.25)
    solved = evaluate(mark(codes[:2]), today=TODAY).results[Outcome.SOLVED]
    assert solved is not None
    assert solved.effect.low <= 25 <= solved.effect.high
    assert solved.effect.low > 0


def test_a_violated_pre_trend_is_reported(district, mark):
    codes = district(3, effect=0.0, pilot_drift=0.10)
    offences = evaluate(mark(codes[:2]), today=TODAY).results[Outcome.OFFENCES]
    assert offences is not None
    assert offences.pre_trend.verdict == did.Trend.DIFFERED


def test_comparison_places_are_same_province_non_pilot_and_nearest_before(district, mark, places):
    codes = district(8)
    other = mark([codes[5]])  # another pilot: never a comparison place of the first
    result = evaluate(mark(codes[:2]), today=TODAY)
    compared = {unit.code for unit in result.comparisons}
    assert len(compared) <= 2 * COMPARISONS_PER_PLACE
    assert not compared & set(codes[:2]) and codes[5] not in compared
    assert all(code.startswith("14") for code in compared)
    assert "080101" not in compared  # Kandal: another province
    assert all(unit.distance is not None for unit in result.comparisons)
    assert other.scope_code == "14"


def test_a_district_pilot_is_compared_with_districts(district, mark, places):
    district(8)
    result = evaluate(mark(["1405"]), today=TODAY)
    assert result.level == 2
    # 1403 and 1404: the districts of Prey Veng with a population (their communes' sum).
    assert result.status == Status.READY
    assert {unit.code for unit in result.comparisons} == {"1403", "1404"}


def test_too_early_when_no_quarter_after_the_start_has_ended(district, mark):
    codes = district(8)
    result = evaluate(mark(codes[:1], starts_on=datetime.date(2026, 11, 1)), today=datetime.date(2026, 12, 7))
    assert result.status == Status.TOO_EARLY
    assert all(value is None for value in result.results.values())


def test_a_start_within_a_quarter_leaves_that_quarter_out():
    span = window(datetime.date(2025, 2, 10), datetime.date(2025, 12, 1), Period.parse("2024Q3"))
    assert span.transition == Period.parse("2025Q1")
    assert [q.id for q in span.pre] == ["2024Q3", "2024Q4"]
    assert [q.id for q in span.post] == ["2025Q2", "2025Q3"]


def test_the_figures_come_from_the_summaries_the_register_keeps(mark, policy, places):
    create("14030501", "theft", local(2024, 11, 3), status="closed", outcome="solved")
    create("14030501", "theft", local(2025, 2, 3))
    create("14030502", "environment_hygiene", local(2025, 5, 3))
    result = evaluate(mark(["140305"]), today=TODAY)
    unit = result.pilots[0]
    assert unit.crimes == {20244: 1, 20251: 1}
    assert unit.solved == {20244: 1, 20251: 0}
    assert unit.complaints == {20252: 1}
    assert (
        unit.links(Period.parse("2024Q4"))["crimes"]
        == "/incidents/?place=140305&period=2024Q4&crime=true&status=counted"
    )


def test_the_evaluation_reads_a_fixed_number_of_queries_whatever_the_number_of_places(
    district, mark, django_assert_max_num_queries
):
    pilot = mark(district(8, n_comparison=30)[:2])
    with django_assert_max_num_queries(12):
        result = evaluate(pilot, today=TODAY)
    assert 10 <= len(result.comparisons) <= 20  # ten per pilot place, shared ones once
