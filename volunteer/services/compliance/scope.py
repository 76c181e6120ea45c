"""The SQL pieces every compliance statement shares: a subtree, the roster of a day, party
members, completion.

Rosters keep their history (RosterEntry stints), so every figure of a period is
taken over the roster as it stood on the period's last day (`roster_day`): the
people the unit had when the period closed, the assessment's snapshot. For the
running period that is today's roster (stints only ever change today); for a past
month or year, later uploads change nothing.
"""

from datetime import date

from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from volunteer.models import CreditEntry, RosterEntry, Unit, YearMinutes
from volunteer.services import ledger
from volunteer.services.compliance.targets import Targets
from volunteer.services.periods import Period


def subtree_clause(root: Unit) -> ColumnElement[bool]:
    """Active units at or below `root` (Unit must be in the query)."""
    return and_(Unit.path.startswith(root.path, autoescape=True), Unit.active.is_(True))


def roster_day(period: Period) -> date:
    """The day whose roster a period's figures count: the period's last day."""
    return period.end


def on_roster(day: date) -> ColumnElement[bool]:
    """Roster entries whose stint covers the Beijing day `day` (RosterEntry in the query)."""
    return and_(
        RosterEntry.on_from <= day,
        or_(RosterEntry.on_until.is_(None), RosterEntry.on_until > day),
    )


def party_flag(targets: Targets):
    """1 for a roster entry counted as a party member this year, else 0."""
    return case(
        (RosterEntry.political_status.in_([s.value for s in targets.party_statuses()]), 1),
        else_=0,
    )


def roster_volunteers(root: Unit, day: date | None = None) -> Select:
    """Ids of volunteers on the subtree's roster of `day` (None: on any of its stints)."""
    query = (
        select(RosterEntry.volunteer_id)
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .where(subtree_clause(root), RosterEntry.volunteer_id.is_not(None))
    )
    return query if day is None else query.where(on_roster(day))


def credited_in(period: Period) -> ColumnElement[bool]:
    """Ledger rows crediting some time on the period's Beijing days."""
    return and_(ledger.in_period(period), CreditEntry.minutes > 0)


def completed_volunteers(period: Period, targets: Targets, among=None) -> Select:
    """Volunteers with at least min_minutes of approved time in the period (among `among`)."""
    if period.is_calendar_year():
        return _completed_in_year(period.year, targets, among)
    query = select(CreditEntry.volunteer_id.label("volunteer_id")).where(credited_in(period))
    if among is not None:
        query = query.where(CreditEntry.volunteer_id.in_(among))
    return query.group_by(CreditEntry.volunteer_id).having(
        func.sum(CreditEntry.minutes) >= targets.min_minutes
    )


def _completed_in_year(year: int, targets: Targets, among=None) -> Select:
    """The same for a whole calendar year, from the year totals the ledger keeps (one row
    per person instead of every piece of the year)."""
    query = select(YearMinutes.volunteer_id.label("volunteer_id")).where(
        YearMinutes.year == year, YearMinutes.minutes >= max(targets.min_minutes, 1)
    )
    if among is not None:
        query = query.where(YearMinutes.volunteer_id.in_(among))
    return query


def branch_map(root: Unit) -> CTE:
    """Each active unit of the subtree with its branch: the active direct child of `root`
    containing it, or `root` itself for its own roster (the overview's rows).

    A unit below an inactive child has no branch: it counts in the subtree's totals only,
    as in the full report, never in the root's own row."""
    child = aliased(Unit, name="branch_unit")
    below = (
        select(Unit.id.label("unit_id"), child.id.label("branch_id"))
        .join(child, Unit.path.startswith(child.path))
        .where(subtree_clause(root), child.parent_id == root.id, child.active.is_(True))
    )
    itself = select(literal(root.id).label("unit_id"), literal(root.id).label("branch_id"))
    # Computed once: PostgreSQL otherwise inlines it and, from its guess of few rows, redoes
    # the prefix join for every roster entry (minutes for a few hundred units).
    return union_all(itself, below).cte("branches").prefix_with("MATERIALIZED")
