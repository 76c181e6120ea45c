"""Shown figures are floored, never rounded up across a threshold."""

from decimal import Decimal

from volunteer import rounding


def test_a_rate_just_below_the_target_is_not_shown_as_the_target():
    value = rounding.rate(13999, 20000)  # 69.995%
    assert value == Decimal("0.6999")
    assert rounding.percent_text(value) == "69.9%"
    assert rounding.rate_text(value) == "0.6999"


def test_exact_rates_and_undefined_rates():
    assert rounding.rate(7, 10) == Decimal("0.7000")
    assert rounding.percent_text(Decimal("0.7")) == "70.0%"
    assert rounding.percent_text(Decimal("0.7"), 0) == "70%"
    assert rounding.rate(0, 0) is None
    assert rounding.percent_text(None) == "—"
    assert rounding.rate_text(None) == ""


def test_hours_are_floored_to_one_decimal():
    assert rounding.hours_text(5999) == "99.9"
    assert rounding.hours_text(6000) == "100.0"
    assert rounding.hours_text(59) == "0.9"
    assert rounding.hours_text(None) == "0.0"
    assert rounding.hours_value(95) == Decimal("1.5")
