"""Rates over time: month-end rates of a subtree's current roster, in two statements.

Registrations count from the volunteer's registration date; completion counts
from the moment the volunteer's approved time in the period first reached
`min_minutes`. Both are bucketed by month end in SQL, then summed up here.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, Subquery, and_, case, func, literal, select, union_all

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

# Events counted per (kind, month index, party flag); kind "r" registered, "c" completed.
EventCounts = dict[tuple[str, int, int], int]


@dataclass(frozen=True)
class HistoryPoint:
    """Cumulative figures of the subtree's current roster at the end of one month."""

    day: date
    staff_registration_rate: Decimal | None
    staff_rate: Decimal | None
    party_rate: Decimal | None


def compliance_history(
    root: Unit, period: Period, targets: Targets | None = None, today: date | None = None
) -> list[HistoryPoint]:
    """Month-end rates for the subtree's current roster, from registration and record dates."""
    targets = targets or targets_for(period.year)
    ends = _month_ends(period, today or local_today())
    if not ends:
        return []
    people = _roster_people(root, targets)
    staff, party = _roster_totals(people)
    reached = _reached_at(_counted_records(root, period), targets.min_minutes)
    boundaries = [local_midnight(day + timedelta(days=1)) for day in ends]
    counts = _event_counts(people, reached, boundaries)
    return _cumulative_points(ends, counts, staff, party)


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


def _roster_people(root: Unit, targets: Targets) -> Subquery:
    """The subtree's distinct roster people (by ID number) with their party flag."""
    return (
        select(
            RosterEntry.id_number.label("id_number"),
            func.max(party_flag(targets)).label("party"),
        )
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .where(RosterEntry.active.is_(True), subtree_clause(root))
        .group_by(RosterEntry.id_number)
        .subquery("people")
    )


def _roster_totals(people: Subquery) -> tuple[int, int]:
    """How many people and party members the roster holds now (the denominators)."""
    totals = db.session.execute(
        select(func.count(), func.coalesce(func.sum(people.c.party), 0))
    ).one()
    return totals[0], int(totals[1])


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


def _event_counts(people: Subquery, reached: Subquery, boundaries: list[datetime]) -> EventCounts:
    """Registrations and completions of roster people per month bucket and party flag."""
    base = select(people.c.party).join(Volunteer, Volunteer.id_number == people.c.id_number)
    registrations = base.add_columns(
        _bucket(Volunteer.registered_at, boundaries).label("bucket"), literal("r").label("what")
    )
    completions = base.join(reached, reached.c.volunteer_id == Volunteer.id).add_columns(
        _bucket(reached.c.reached_at, boundaries).label("bucket"), literal("c").label("what")
    )
    events = union_all(registrations, completions).subquery("events")
    rows = db.session.execute(
        select(events.c.what, events.c.bucket, events.c.party, func.count())
        .where(events.c.bucket.is_not(None))
        .group_by(events.c.what, events.c.bucket, events.c.party)
    )
    return {(row[0], int(row[1]), int(row[2])): row[3] for row in rows}


def _staff_events(counts: EventCounts, what: str, month: int) -> int:
    """Events of one kind in one month, party members and others together."""
    return counts.get((what, month, 0), 0) + counts.get((what, month, 1), 0)


def _cumulative_points(
    ends: list[date], counts: EventCounts, staff: int, party: int
) -> list[HistoryPoint]:
    """Sum the monthly events up to each month end and turn them into rates."""
    points = []
    registered_staff = completed_staff = completed_party = 0
    for index, day in enumerate(ends, start=1):
        registered_staff += _staff_events(counts, "r", index)
        completed_staff += _staff_events(counts, "c", index)
        completed_party += counts.get(("c", index, 1), 0)
        points.append(
            HistoryPoint(
                day=day,
                staff_registration_rate=rate(registered_staff, staff),
                staff_rate=rate(completed_staff, staff),
                party_rate=rate(completed_party, party),
            )
        )
    return points
