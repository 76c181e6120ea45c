"""Marking compliance snapshots stale: each change marks the snapshots of the path it affects.

A snapshot (services/compliance/snapshots.py) counts a unit's subtree, so a change at unit X
affects the snapshots of X and its ancestors: the ids in X's `path` ("/1/4/17/"). Each
function is ONE UPDATE of the fresh snapshots (only slow keys' rows are ever fresh, under a
partial index), which starts from those rows and, for each, looks up the changed units:
with no fresh snapshot it reads nothing else. The credit ledger calls `credit_changed` on
every check-out, so it must stay that cheap. This module imports only models, so the ledger
and the roster import it without going through the compliance package (which imports the
ledger).
"""

import functools
from collections.abc import Iterable
from datetime import date

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    String,
    Update,
    bindparam,
    cast,
    exists,
    update,
)

from volunteer.extensions import db
from volunteer.models import ComplianceSnapshot, RosterEntry, Unit, utcnow

# The statements name the tables, not the models: an UPDATE naming a model is run through the
# ORM's bulk-update path, which cost a check-out's mark twice what the UPDATE itself did, and
# nothing here wants objects in the session kept in step (none are loaded).
_snapshots = ComplianceSnapshot.__table__.c
_units = Unit.__table__.c
_rosters = RosterEntry.__table__.c


def _mark(*conditions: ColumnElement[bool]) -> None:
    """Mark stale the fresh snapshots meeting `conditions`, in one statement."""
    _execute(_marking(*conditions), {"marked_at": utcnow()})


def _execute(marking: Update, values: dict) -> None:
    # A statement on tables is not autoflushed as one on models is: flush here, so rows the
    # caller added or changed (a roster entry just matched) are seen by the conditions.
    db.session.flush()
    db.session.execute(marking, values)


def _marking(*conditions: ColumnElement[bool]) -> Update:
    """The UPDATE marking stale the fresh snapshots meeting `conditions` (given `marked_at`)."""
    now = bindparam("marked_at", type_=_snapshots.stale_since.type)
    return (
        update(ComplianceSnapshot.__table__)
        .where(~_snapshots.stale, *conditions)
        .values(stale=True, stale_since=now)
    )


def _above(*changed: ColumnElement[bool]) -> ColumnElement[bool]:
    """Snapshots of a unit at or above a Unit meeting `changed`: one whose id is in its path."""
    in_path = "/" + cast(_snapshots.unit_id, String) + "/"
    return exists().where(_units.path.contains(in_path), *changed)


def _overlapping(
    first: date | ColumnElement, last: date | ColumnElement
) -> list[ColumnElement[bool]]:
    """Snapshots whose period shares a day with [first, last]."""
    return [_snapshots.period_start <= last, _snapshots.period_end >= first]


def roster_changed(unit_ids: Iterable[int], day: date) -> None:
    """The rosters of these units changed on `day`: a period counts the roster of its last
    day, so only periods ending on or after `day` change (with the units' ancestors)."""
    _mark(_snapshots.period_end >= day, _above(_units.id.in_(list(unit_ids))))


def credit_changed(volunteer_id: int, years: Iterable[int]) -> None:
    """A volunteer's credited time in `years` changed: the snapshots over those years of the
    units whose rosters (any stint) list the person, and their ancestors. Nothing for none."""
    years = list(years)
    if years:
        _execute(credit_marking(), credit_marking_values(volunteer_id, years))


def credit_marking_values(volunteer_id: int, years: list[int]) -> dict:
    """The values credit_marking takes for this volunteer and these (some) years."""
    first, last = date(min(years), 1, 1), date(max(years), 12, 31)
    return {
        "credited_from": first,
        "credited_to": last,
        "credited_volunteer": volunteer_id,
        "marked_at": utcnow(),
    }


# Built once and given the volunteer and years at each call: building it at every check-out
# cost more Python than running it.
@functools.cache
def credit_marking() -> Update:
    """credit_changed's UPDATE, for `credited_volunteer` and the days `credited_from` to
    `credited_to` (the ledger runs it within its own statement on PostgreSQL)."""
    first, last = bindparam("credited_from", type_=Date), bindparam("credited_to", type_=Date)
    person = _rosters.volunteer_id == bindparam("credited_volunteer", type_=Integer)
    return _marking(*_overlapping(first, last), _on_rosters(person))


def person_registered(id_number: str) -> None:
    """Someone on rosters registered: the snapshots of their units and ancestors, any period."""
    _mark(_on_rosters(_rosters.id_number == id_number))


def _on_rosters(person: ColumnElement[bool]) -> ColumnElement[bool]:
    return _above(_units.id == _rosters.unit_id, person)


def targets_changed(year: int) -> None:
    """The targets of `year` changed: the snapshots of periods starting that year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    _mark(_snapshots.period_start >= start, _snapshots.period_start <= end)


def tree_changed() -> None:
    """A unit was created, moved, renamed, (de)activated or (un)assessed: every snapshot."""
    _mark()
