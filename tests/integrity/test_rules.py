"""Each rule on its own: its planted manipulation is flagged, the same records done right in
the clean twin are not (the drill's builder, one rule at a time), plus the statistics the
rules test with, checked against hand-computed values."""

from __future__ import annotations

import math

import pytest

from safevillage.integrity.drill import run_drill
from safevillage.integrity.rules import CHECKS
from safevillage.integrity.rules.base import above_norm, binomial_upper_tail, poisson_lower_tail
from safevillage.integrity.rules.register import seriousness
from safevillage.integrity.rules.reports import CHI_SQUARE_9_P001, last_digit_chi_square
from safevillage.policy.models import Category


@pytest.mark.django_db
@pytest.mark.parametrize("rule", list(CHECKS))
def test_planted_case_is_flagged_and_its_clean_twin_is_not(policy: None, rule: str) -> None:
    result = run_drill(size=1, rules=[rule])
    assert result.detection_rate(rule) == 1.0, list(result.lines())
    assert result.twin_flags == [], list(result.lines())
    # The plant trips its own rule only.
    assert result.cross_flags == [], list(result.lines())


def test_poisson_lower_tail_by_hand() -> None:
    # P(X <= 1 | 2) = e^-2 (1 + 2)
    assert poisson_lower_tail(1, 2.0) == pytest.approx(3 * math.exp(-2))
    assert poisson_lower_tail(3, 0) == 1.0


def test_binomial_upper_tail_by_hand() -> None:
    # P(X >= 2 | n=3, p=0.5) = (3 + 1) / 8
    assert binomial_upper_tail(2, 3, 0.5) == pytest.approx(0.5)
    assert binomial_upper_tail(0, 3, 0.1) == 1.0


def test_above_norm_needs_a_count_a_share_and_a_small_probability() -> None:
    assert above_norm(6, 30, 0.01, min_count=3)
    assert not above_norm(2, 3, 0.01, min_count=3)  # too few to mean anything
    assert not above_norm(6, 300, 0.015, min_count=3)  # not twice the norm
    assert not above_norm(4, 20, 0.1, min_count=3)  # twice the norm, but chance could do it


def test_last_digit_chi_square_by_hand() -> None:
    even = list(range(10, 50))  # four of every last digit
    assert last_digit_chi_square(even) == 0.0
    rounded = [10 * k for k in range(1, 41)]  # all zeros: 9 x 4 + (40 - 4)^2 / 4
    assert last_digit_chi_square(rounded) == pytest.approx(9 * 4 + 36**2 / 4)
    assert last_digit_chi_square(rounded) > CHI_SQUARE_9_P001


@pytest.mark.django_db
def test_seriousness_orders_crimes_that_may_not_be_mediated_first(policy: None) -> None:
    robbery, theft, dispute = (Category.objects.get(code=c) for c in ("robbery", "theft", "civil_dispute"))
    assert seriousness(robbery) > seriousness(theft) > seriousness(dispute)
