"""Rates over time: each month end's rates over the roster of that day, in one statement.

Every point counts the subtree's roster as it stood on its own day (the stints
covering it), so a later upload changes no past point. Registrations count from
the volunteer's registration date; completion counts from the moment the
volunteer's approved time in the period first reached `min_minutes`.

The statement turns each person's stints into spans of points (first and last
point covered) and returns a small histogram: how many people share a span, a
party flag, the point they registered by and the point they completed by. The
points are then summed up here. Someone with one stint in the subtree (nearly
everyone) is one span; only people with several stints (two rosters, a return, a
change of political status) are expanded to their points and counted once each.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Subquery,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)

from volunteer.extensions import db
from volunteer.models import CreditEntry, RosterEntry, Unit, Volunteer
from volunteer.services.compliance.figures import rate
from volunteer.services.compliance.scope import (
    credited_in,
    party_flag,
    roster_volunteers,
    subtree_clause,
)
from volunteer.services.compliance.targets import Targets, targets_for
from volunteer.services.periods import Period, local_midnight, local_today

# Point index -> [staff, party, staff registered, staff completed, party completed].
PointCounts = dict[int, list[int]]


@dataclass(frozen=True)
class HistoryPoint:
    """Cumulative figures at the end of one month, over the roster of that day."""

    day: date
    staff_registration_rate: Decimal | None
    staff_rate: Decimal | None
    party_rate: Decimal | None


def compliance_history(
    root: Unit, period: Period, targets: Targets | None = None, today: date | None = None
) -> list[HistoryPoint]:
    """Month-end rates of the subtree, each over the roster of its own day."""
    targets = targets or targets_for(period.year)
    ends = _month_ends(period, today or local_today())
    if not ends:
        return []
    reached = _reached_at(_counted_records(root, period), targets.min_minutes)
    statement = _histogram(_spans(root, targets, ends), reached, ends)
    counts = _point_counts(db.session.execute(statement), len(ends))
    return [_point(day, counts[index]) for index, day in enumerate(ends, start=1)]


def _month_ends(period: Period, today: date) -> list[date]:
    """The last day of each month of the period, up to today (and the last day shown)."""
    last = min(period.end, today)
    ends = []
    cursor = period.start
    while cursor <= last:
        next_month = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        ends.append(min(next_month - timedelta(days=1), last))
        cursor = next_month
    return ends


def _first_point(ends: list[date]) -> ColumnElement[int]:
    """The first point (1-based) on or after the stint's start; NULL after the last."""
    return case(*((RosterEntry.on_from <= day, index) for index, day in enumerate(ends, 1)))


def _last_point(ends: list[date]) -> ColumnElement[int]:
    """The last point before the stint's end (every point when still open); 0 before the first."""
    closed = (
        (RosterEntry.on_until > day, index) for index, day in reversed(list(enumerate(ends, 1)))
    )
    return case((RosterEntry.on_until.is_(None), len(ends)), *closed, else_=0)


def _stints(root: Unit, targets: Targets, ends: list[date]) -> Subquery:
    """The subtree's stints that may cover a point, with their first and last point."""
    return (
        select(
            RosterEntry.id_number.label("id_number"),
            RosterEntry.volunteer_id.label("volunteer_id"),
            party_flag(targets).label("party"),
            _first_point(ends).label("first_point"),
            _last_point(ends).label("last_point"),
            func.count().over(partition_by=RosterEntry.id_number).label("stints"),
        )
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .where(
            subtree_clause(root),
            RosterEntry.on_from <= ends[-1],
            or_(RosterEntry.on_until.is_(None), RosterEntry.on_until > ends[0]),
        )
        .subquery("stints")
    )


def _spans(root: Unit, targets: Targets, ends: list[date]) -> Subquery:
    """Each person's covered points as spans (first, last): one span for a single stint,
    one span per point (party if any stint says so) for people with several."""
    stints = _stints(root, targets, ends)
    single = select(
        stints.c.id_number,
        stints.c.volunteer_id,
        stints.c.party,
        stints.c.first_point,
        stints.c.last_point,
    ).where(stints.c.stints == 1, stints.c.first_point <= stints.c.last_point)
    points = _points(len(ends))
    several = (
        select(
            stints.c.id_number,
            func.max(stints.c.volunteer_id).label("volunteer_id"),
            func.max(stints.c.party).label("party"),
            points.c.point.label("first_point"),
            points.c.point.label("last_point"),
        )
        .join(points, points.c.point.between(stints.c.first_point, stints.c.last_point))
        .where(stints.c.stints > 1)
        .group_by(stints.c.id_number, points.c.point)
    )
    return union_all(single, several).subquery("spans")


def _points(count: int) -> Subquery:
    """The point indexes 1..count as a table (a handful of rows)."""
    return union_all(
        *(select(literal(index, Integer).label("point")) for index in range(1, count + 1))
    ).subquery("points")


def _counted_records(root: Unit, period: Period) -> ColumnElement[bool]:
    """Records that count towards completion in the period (the subtree's people's only)."""
    condition = credited_in(period)
    if root.parent_id is not None:  # read only the subtree's people's records
        condition = and_(condition, CreditEntry.volunteer_id.in_(roster_volunteers(root)))
    return condition


def completion_times(root: Unit, period: Period, min_minutes: int) -> Subquery:
    """When each of the subtree's people first reached `min_minutes` in the period (pace.py)."""
    return _reached_at(_counted_records(root, period), min_minutes)


def _reached_at(counted: ColumnElement[bool], min_minutes: int) -> Subquery:
    """When each volunteer's counted time first reached `min_minutes`."""
    if min_minutes <= 1:
        # Minutes are whole and non-negative: the sum first reaches 1 at the first credited piece.
        return (
            select(CreditEntry.volunteer_id, func.min(CreditEntry.starts_at).label("reached_at"))
            .where(counted)
            .group_by(CreditEntry.volunteer_id)
            .subquery("reached")
        )
    running = _running_minutes(counted)
    return (
        select(running.c.volunteer_id, func.min(running.c.at).label("reached_at"))
        .where(running.c.running >= min_minutes)
        .group_by(running.c.volunteer_id)
        .subquery("reached")
    )


def _running_minutes(counted: ColumnElement[bool]) -> Subquery:
    """Each counted ledger piece with the volunteer's minutes summed up to it, in time order."""
    piece_time = CreditEntry.starts_at
    return (
        select(
            CreditEntry.volunteer_id,
            piece_time.label("at"),
            func.sum(CreditEntry.minutes)
            .over(partition_by=CreditEntry.volunteer_id, order_by=(piece_time, CreditEntry.id))
            .label("running"),
        )
        .where(counted)
        .subquery("running")
    )


def _bucket(column, boundaries: list[datetime]):
    """Index of the first boundary the time falls before (1-based), NULL after the last."""
    return case(*((column < bound, index + 1) for index, bound in enumerate(boundaries)))


def _histogram(spans: Subquery, reached: Subquery, ends: list[date]) -> Select:
    """People per span, party flag, point registered by and point completed by."""
    boundaries = [local_midnight(day + timedelta(days=1)) for day in ends]
    people = (
        select(
            spans.c.first_point,
            spans.c.last_point,
            spans.c.party,
            _bucket(Volunteer.registered_at, boundaries).label("registered"),
            _bucket(reached.c.reached_at, boundaries).label("completed"),
        )
        .select_from(spans)
        .outerjoin(Volunteer, Volunteer.id == spans.c.volunteer_id)
        .outerjoin(reached, reached.c.volunteer_id == spans.c.volunteer_id)
        .subquery("people")
    )
    # Grouped on the subquery's columns: PostgreSQL would not match the CASE's parameters.
    columns = list(people.c)
    return select(*columns, func.count()).group_by(*columns)


def _point_counts(rows, points: int) -> PointCounts:
    """Sum the histogram into each point's staff, party, registered and completed counts."""
    counts: PointCounts = {index: [0, 0, 0, 0, 0] for index in range(1, points + 1)}
    for first, last, party, registered, completed, people in rows:
        for index in range(first, last + 1):
            done = completed is not None and completed <= index
            point = counts[index]
            point[0] += people
            point[1] += people * party
            point[2] += people * (registered is not None and registered <= index)
            point[3] += people * done
            point[4] += people * (done and party)
    return counts


def _point(day: date, counts: list[int]) -> HistoryPoint:
    """One month end's rates from its counts."""
    staff, party, registered, completed, party_completed = counts
    return HistoryPoint(
        day=day,
        staff_registration_rate=rate(registered, staff),
        staff_rate=rate(completed, staff),
        party_rate=rate(party_completed, party),
    )
