"""Credited minutes (DOMAIN.md "Check-in, check-out and hours").

Times in and out are aware UTC datetimes (the database stores naive UTC, see
models/base.py); only the *day* a stretch counts against for the daily cap is
taken in Asia/Shanghai, because that is the day the volunteer lives in.

    credited = overlap([in, out], [start - grace, end + grace])
               floored to the rounding step,
               then capped by what is left of the daily cap on that local day.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, func, select

from volunteer.extensions import db
from volunteer.models import Activity, RecordStatus, ServiceRecord
from volunteer.models.base import LOCAL_ZONE


def approved(start: datetime | None = None, end: datetime | None = None) -> ColumnElement[bool]:
    """The condition for approved records checked in inside [start, end) (an open end is None).

    The one definition of "approved time in a period" that every report uses.
    """
    conditions = [ServiceRecord.status == RecordStatus.APPROVED]
    if start is not None:
        conditions.append(ServiceRecord.check_in_at >= start)
    if end is not None:
        conditions.append(ServiceRecord.check_in_at < end)
    return and_(*conditions)


def overlap_minutes(
    check_in: datetime, check_out: datetime, activity: Activity, grace_minutes: int
) -> int:
    """Whole minutes of [check_in, check_out] inside the activity window widened by grace."""
    grace = timedelta(minutes=grace_minutes)
    start = max(check_in, activity.starts_at - grace)
    end = min(check_out, activity.ends_at + grace)
    if end <= start:
        return 0
    return int((end - start).total_seconds()) // 60


def floor_to_step(minutes: int, step: int) -> int:
    """Floor to the rounding step (a step of 1 keeps whole minutes)."""
    step = max(int(step), 1)
    return (minutes // step) * step


def local_day_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """The Asia/Shanghai calendar day holding `moment`, as aware [start, end)."""
    local = moment.astimezone(LOCAL_ZONE)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def minutes_used_on_day(volunteer_id: int, moment: datetime, exclude_id: int | None) -> int:
    """Approved minutes already credited to the volunteer on the local day of `moment`."""
    start, end = local_day_bounds(moment)
    query = select(func.coalesce(func.sum(ServiceRecord.credited_minutes), 0)).where(
        ServiceRecord.volunteer_id == volunteer_id, approved(start, end)
    )
    if exclude_id is not None:
        query = query.where(ServiceRecord.id != exclude_id)
    return int(db.session.scalar(query) or 0)


# The stretch counts against the local day of its check-in; other approved
# records of that day (not `record_id` itself) use up the cap first.
def credited_minutes(
    volunteer_id: int,
    activity: Activity,
    check_in: datetime,
    check_out: datetime,
    record_id: int | None = None,
) -> int:
    """What a stretch earns: overlap, floored to the step, within the daily cap."""
    config = current_app.config
    minutes = overlap_minutes(check_in, check_out, activity, config["CREDIT_GRACE_MINUTES"])
    minutes = floor_to_step(minutes, config["CREDIT_ROUNDING_STEP_MINUTES"])
    used = minutes_used_on_day(volunteer_id, check_in, record_id)
    return min(minutes, max(config["DAILY_CAP_MINUTES"] - used, 0))


def activity_minutes(activity: Activity) -> int:
    """The activity's own length in whole minutes (the longest a backfill may be)."""
    return int((activity.ends_at - activity.starts_at).total_seconds()) // 60
