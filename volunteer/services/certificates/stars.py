"""Star level (星级志愿者): a title of the person, by all approved hours so far."""

from collections.abc import Sequence

from flask import current_app


def star_level(cumulative_minutes: int, thresholds_hours: Sequence[float] | None = None) -> int:
    """0 to 5 stars by cumulative approved hours (default 100/300/600/1000/1500 h)."""
    if thresholds_hours is None:
        thresholds_hours = current_app.config["STAR_LEVEL_THRESHOLD_HOURS"]
    return sum(1 for hours in thresholds_hours if cumulative_minutes >= hours * 60)


def minutes_for_level(level: int, thresholds_hours: Sequence[float] | None = None) -> float | None:
    """The cumulative minutes that reach `level` stars (None: no amount does)."""
    if thresholds_hours is None:
        thresholds_hours = current_app.config["STAR_LEVEL_THRESHOLD_HOURS"]
    if level <= 0:
        return 0
    ordered = sorted(thresholds_hours)
    return ordered[level - 1] * 60 if level <= len(ordered) else None
