"""Star level (星级志愿者): a title of the person, by all approved hours so far."""

from collections.abc import Sequence

from flask import current_app


def star_level(cumulative_minutes: int, thresholds_hours: Sequence[float] | None = None) -> int:
    """0 to 5 stars by cumulative approved hours (default 100/300/600/1000/1500 h)."""
    if thresholds_hours is None:
        thresholds_hours = current_app.config["STAR_LEVEL_THRESHOLD_HOURS"]
    return sum(1 for hours in thresholds_hours if cumulative_minutes >= hours * 60)
