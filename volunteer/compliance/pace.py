"""The compliance pages' pace: the window asked for in the query string, the page's context."""

from flask import flash, request

from volunteer.compliance import freshness
from volunteer.models import Unit
from volunteer.services import compliance, periods
from volunteer.services.compliance import snapshots
from volunteer.services.errors import ServiceError

# Windows offered on the page besides the one in force (any from 7 to 180 days may be asked).
WINDOW_CHOICES = (14, 30, 60, 90)
# Units at risk listed on the page, the furthest behind first (the page stays small).
AT_RISK_SHOWN = 10


def window_args() -> dict:
    """?window= carried on to the page's links when a valid one was asked for."""
    asked = request.args.get("window", type=int)
    try:
        return {} if asked is None else {"window": compliance.window_days(asked)}
    except ServiceError:
        return {}


def window_asked() -> int:
    """The valid pace window of the query string, else the configured one, without a message."""
    return compliance.window_days(window_args().get("window"))


def window_or_default() -> int:
    """The pace window of the query string, or the configured one (saying why)."""
    try:
        return compliance.window_days(request.args.get("window", type=int))
    except ServiceError as error:
        flash(error.message, "warning")
        return compliance.window_days()


def overview_pace(report: compliance.Report, days: int) -> snapshots.Served:
    """The pace of each row of an overview (the own roster, each sub-unit's subtree) over the
    last `days` days (live or kept)."""
    return freshness.served(
        snapshots.PACE,
        report.root,
        report.period,
        targets=report.targets,
        window=days,
        pending_if_slow=True,
    )


def page_context(report: compliance.Report) -> dict:
    """The pace of each row of an overview, those at risk and the window choices, for the page."""
    days = window_or_default()
    served = overview_pace(report, days)
    pace = served.value
    if served.pending:  # the page says "computing" instead
        return {"pace_served": served}
    return {
        "pace_served": served,
        "pace": pace,
        "at_risk": compliance.at_risk(report.rows, pace),
        "at_risk_shown": AT_RISK_SHOWN,
        "window_days": days,
        "window_choices": sorted({*WINDOW_CHOICES, days, compliance.window_days()}),
        "outlook_labels": compliance.OUTLOOK_LABELS,
    }


def projected(
    unit: Unit, period: periods.Period, targets: compliance.Targets
) -> list[compliance.HistoryPoint]:
    """The subtree's rates at the coming month ends at the current pace (the dashed lines)."""
    today = periods.local_today()
    # The page's pace (every unit's), live or kept: its totals draw the dashed lines.
    served = freshness.served(
        snapshots.PACE, unit, period, targets=targets, window=window_asked(), pending_if_slow=True
    )
    if served.pending or served.value.total is None:  # no dashed lines until it is computed
        return []
    return compliance.projected_points(served.value.total, today, period.end)
