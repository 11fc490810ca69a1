"""The report's percentages and rates: exact hundredths, rounded half up."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from safevillage.reports.indicators import hundredths, per_10000, ratio


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (1, 8, "12.50"),  # exact
        (1, 3, "33.33"),
        (2, 3, "66.67"),
        (1, 200, "0.50"),  # a half hundredth rounds up
        (0, 7, "0.00"),
        (7, 7, "100.00"),
        (5, 2, "250.00"),
    ],
)
def test_ratio_is_a_percentage_in_hundredths_rounded_half_up(numerator, denominator, expected):
    value = ratio(numerator, denominator)
    assert value == Decimal(expected)
    assert str(value) == expected


def test_a_ratio_over_zero_has_no_value():
    assert ratio(3, 0) is None
    assert per_10000(3, 0) is None
    assert per_10000(3, None) is None


def test_per_10000_rounds_half_up():
    # 1 in 80,000 is 0.125 per 10,000.
    assert str(per_10000(1, 80_000)) == "0.13"
    assert str(per_10000(5, 11_200)) == "4.46"


def test_hundredths_agree_with_decimal_arithmetic():
    """The integer formula gives what Decimal division and quantize give, over many cases."""
    for denominator in range(1, 400):
        for numerator in range(0, 3 * denominator, 7):
            exact = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            assert hundredths(numerator * 100, denominator) == int(exact * 100), (numerator, denominator)
