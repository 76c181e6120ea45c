"""Marking compliance snapshots stale: each change marks the snapshots of the path it affects.

A snapshot (services/compliance/snapshots.py) counts a unit's subtree, so a change at unit X
affects the snapshots of X and its ancestors: the units whose `path` is a prefix of X's.
Each function is ONE UPDATE of the fresh snapshots, and touches nothing when none is
affected; the credit ledger calls `credit_changed` on every check-out, so it must stay one
cheap statement. This module imports only models, so the ledger and the roster import it
without going through the compliance package (which imports the ledger).
"""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.orm import aliased

from volunteer.extensions import db
from volunteer.models import ComplianceSnapshot, RosterEntry, Unit, Volunteer, utcnow

# The snapshot's own unit, and the unit where the change happened.
SnapshotUnit = aliased(Unit, name="snapshot_unit")
ChangedUnit = aliased(Unit, name="changed_unit")


def _mark(*conditions: ColumnElement[bool]) -> None:
    """Mark stale the fresh snapshots meeting `conditions`, in one statement."""
    db.session.execute(
        update(ComplianceSnapshot)
        .where(ComplianceSnapshot.stale.is_(False), *conditions)
        .values(stale=True, stale_since=utcnow())
        .execution_options(synchronize_session=False)
    )


def _above(*changed: ColumnElement[bool]) -> ColumnElement[bool]:
    """Snapshots of a unit at or above a ChangedUnit meeting `changed` (its path a prefix)."""
    return exists().where(
        SnapshotUnit.id == ComplianceSnapshot.unit_id,
        ChangedUnit.path.startswith(SnapshotUnit.path),
        *changed,
    )


def _overlapping(first: date, last: date) -> list[ColumnElement[bool]]:
    """Snapshots whose period shares a day with [first, last]."""
    return [ComplianceSnapshot.period_start <= last, ComplianceSnapshot.period_end >= first]


def roster_changed(unit_ids: Iterable[int], day: date) -> None:
    """The rosters of these units changed on `day`: a period counts the roster of its last
    day, so only periods ending on or after `day` change (with the units' ancestors)."""
    _mark(ComplianceSnapshot.period_end >= day, _above(ChangedUnit.id.in_(list(unit_ids))))


def credit_changed(volunteer_id: int, years: Iterable[int]) -> None:
    """A volunteer's credited time in `years` changed: the snapshots over those years of the
    units whose rosters (any stint) list the person, and their ancestors. Nothing for none."""
    years = list(years)
    if years:
        days = (date(min(years), 1, 1), date(max(years), 12, 31))
        person = select(Volunteer.id_number).where(Volunteer.id == volunteer_id)
        _mark(*_overlapping(*days), _on_rosters(RosterEntry.id_number == person.scalar_subquery()))


def person_registered(id_number: str) -> None:
    """Someone on rosters registered: the snapshots of their units and ancestors, any period."""
    _mark(_on_rosters(RosterEntry.id_number == id_number))


def _on_rosters(person: ColumnElement[bool]) -> ColumnElement[bool]:
    return _above(ChangedUnit.id == RosterEntry.unit_id, person)


def targets_changed(year: int) -> None:
    """The targets of `year` changed: the snapshots of periods starting that year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    _mark(ComplianceSnapshot.period_start >= start, ComplianceSnapshot.period_start <= end)


def tree_changed() -> None:
    """A unit was created, moved, renamed, (de)activated or (un)assessed: every snapshot."""
    _mark()
