"""Credited minutes (DOMAIN.md "Check-in, check-out and hours" and "No minute twice").

Pure arithmetic on intervals; services/ledger.py reads and writes the database.
Times in and out are aware UTC datetimes (the database stores naive UTC, see
models/base.py); days are Asia/Shanghai calendar days.

    window   = [in, out] inside [start - grace, end + grace]
    free     = window minus what other records of the volunteer already credit
    per day  = free cut at Beijing midnight, floored to whole minutes and the step,
               then within what is left of that day's cap.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from volunteer.models import Activity
from volunteer.models.base import LOCAL_ZONE

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Piece:
    """A credited piece of one record, inside one Beijing day."""

    day: date
    starts_at: datetime
    ends_at: datetime
    minutes: int


def credit_window(
    check_in: datetime, check_out: datetime, activity: Activity, grace_minutes: int
) -> Interval | None:
    """[check_in, check_out] inside the activity window widened by grace (None when empty)."""
    grace = timedelta(minutes=grace_minutes)
    start = max(check_in, activity.starts_at - grace)
    end = min(check_out, activity.ends_at + grace)
    return (start, end) if end > start else None


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of intervals as sorted, disjoint intervals."""
    union: list[Interval] = []
    for start, end in sorted(intervals):
        if union and start <= union[-1][1]:
            union[-1] = (union[-1][0], max(union[-1][1], end))
        else:
            union.append((start, end))
    return union


def subtract(window: Interval, taken: Iterable[Interval]) -> list[Interval]:
    """The parts of `window` that no interval of `taken` covers, in time order."""
    free, cursor = [], window[0]
    for start, end in merged(taken):
        if end <= cursor or start >= window[1]:
            continue
        if start > cursor:
            free.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < window[1]:
        free.append((cursor, window[1]))
    return free


def measure_minutes(intervals: Iterable[Interval]) -> float:
    """Length of the union of the intervals, in minutes."""
    return sum((end - start).total_seconds() for start, end in merged(intervals)) / 60


def local_day(moment: datetime) -> date:
    """The Beijing calendar day a moment falls on."""
    return moment.astimezone(LOCAL_ZONE).date()


def next_local_midnight(moment: datetime) -> datetime:
    """The first Beijing midnight after `moment`, as an aware time."""
    local = moment.astimezone(LOCAL_ZONE)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight + timedelta(days=1)).astimezone(moment.tzinfo)


def split_by_day(intervals: Iterable[Interval]) -> dict[date, list[Interval]]:
    """The intervals cut at Beijing midnights, grouped by the day each part lies in."""
    days: dict[date, list[Interval]] = {}
    for start, end in intervals:
        while start < end:
            cut = min(end, next_local_midnight(start))
            days.setdefault(local_day(start), []).append((start, cut))
            start = cut
    return days


def floor_to_step(minutes: int, step: int) -> int:
    """Floor to the rounding step (a step of 1 keeps whole minutes)."""
    step = max(int(step), 1)
    return (minutes // step) * step


def day_minutes(parts: list[Interval], step: int, remaining: int) -> int:
    """Minutes a day's free parts earn: whole minutes, floored to the step, within the cap."""
    seconds = sum((end - start).total_seconds() for start, end in parts)
    return max(min(floor_to_step(int(seconds) // 60, step), remaining), 0)


def trimmed_pieces(day: date, parts: list[Interval], minutes: int) -> list[Piece]:
    """The day's parts cut from the end so that they last exactly `minutes`."""
    budget, used, pieces = timedelta(minutes=minutes), timedelta(0), []
    for start, end in parts:
        end = min(end, start + (budget - used))
        if end <= start:
            break
        whole_before = int(used.total_seconds()) // 60
        used += end - start
        pieces.append(Piece(day, start, end, int(used.total_seconds()) // 60 - whole_before))
    return pieces


def plan_pieces(
    free: list[Interval], step: int, cap: int, used_by_day: Mapping[date, int]
) -> list[Piece]:
    """The pieces a record credits: its free parts per day, each day within its cap."""
    pieces: list[Piece] = []
    for day, parts in sorted(split_by_day(free).items()):
        minutes = day_minutes(parts, step, cap - used_by_day.get(day, 0))
        pieces.extend(trimmed_pieces(day, parts, minutes))
    return pieces
