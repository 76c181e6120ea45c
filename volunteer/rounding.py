"""Shown figures, floored to the shown precision (DOMAIN.md "No minute twice").

A figure is never rounded up across a threshold: a rate of 69.995% is shown as 69.9%
(0.6999 in a CSV) while its unit is below a 70% target, and 5,999 minutes are 99.9 h
beside a 100-hour star. Pages, exports, PDFs, charts and the CLI all format through here.
"""

from decimal import ROUND_DOWN, Decimal

RATE_PLACES = 4  # a rate as a fraction: 0.6999


def floor_decimal(value: Decimal | int | float, places: int) -> Decimal:
    """`value` cut (not rounded) to `places` decimals."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)


def rate(done: int, total: int) -> Decimal | None:
    """done / total floored to 4 places, None when there is no one to count (never 0%)."""
    if total == 0:
        return None
    return (Decimal(done) / Decimal(total)).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)


def rate_text(value: Decimal | None, places: int = RATE_PLACES) -> str:
    """A rate as a fraction with `places` decimals (0.6999), empty when undefined."""
    return "" if value is None else str(floor_decimal(value, places))


def percent_text(value: Decimal | None, places: int = 1) -> str:
    """A rate as a percentage floored to `places` decimals (69.9%), a dash when undefined."""
    if value is None:
        return "—"
    return f"{floor_decimal(Decimal(value) * 100, places)}%"


def hours_value(minutes: int | None, places: int = 1) -> Decimal:
    """Integer minutes as hours floored to `places` decimals (5,999 min -> 99.9)."""
    return floor_decimal(Decimal(minutes or 0) / 60, places)


def hours_text(minutes: int | None, places: int = 1) -> str:
    """Integer minutes shown as hours with one decimal, floored (5,999 min -> "99.9")."""
    return str(hours_value(minutes, places))
