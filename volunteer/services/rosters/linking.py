"""Each roster entry's volunteer (the one registered with the entry's ID number), and
whether its ID number is on another entry too.

`RosterEntry.volunteer_id` is that match written down, so reports join rosters to
volunteers on an integer. Every write that can change the match calls one of these,
in the same transaction: a roster upload (its new stints), a registration (the
person's entries on any roster); a correction of a volunteer's ID number, should one
be added, passes the old and the new number to `link_id_numbers`.
Deleting a volunteer needs nothing: the foreign key sets the id back to NULL. Each
function recomputes the match from the ID numbers, so calling one twice is harmless.

The same calls mark `RosterEntry.id_number_shared` on every entry of an ID number that
more than one entry carries (two units' rosters, or two stints of one). Only a new
entry can make a number shared, so the upload's new stints are what is looked at; a
mark is never taken back (entries are never deleted), and a number marked that is on
one roster on a given day is simply counted apart, still once.

On PostgreSQL an upload and a registration of the same person at once would each miss
the other's uncommitted row and leave the entry unlinked (two uploads naming one person,
unmarked), so linking takes one
transaction-level advisory lock first: whoever links second waits for the first to
commit and then sees its rows. (SQLite has one writer at a time.)
"""

from collections.abc import Iterable

from sqlalchemy import ColumnElement, func, select, true, update

from volunteer.extensions import db
from volunteer.models import RosterEntry, RosterUpload, Volunteer

# The advisory lock's key: any fixed bigint no other lock of the application uses.
LINKING_LOCK = 0x524F53544552  # "ROSTER"


def matched_volunteer_id():
    """The id of the volunteer with the entry's ID number, as a correlated scalar subquery."""
    return (
        select(Volunteer.id).where(Volunteer.id_number == RosterEntry.id_number).scalar_subquery()
    )


def link_upload(upload: RosterUpload) -> None:
    """Match the entries an upload started or updated (uploads never change a number)."""
    _take_turns()
    _link(RosterEntry.upload_id == upload.id)
    _mark_shared(RosterEntry.upload_id == upload.id)


def link_id_numbers(id_numbers: Iterable[str]) -> None:
    """Match every entry of these ID numbers again: after a registration, or a changed number."""
    numbers = list(id_numbers)
    _take_turns()
    entry_ids = list(
        db.session.scalars(select(RosterEntry.id).where(RosterEntry.id_number.in_(numbers)))
    )
    if entry_ids:  # most people registering are on no roster: nothing to write
        _link(RosterEntry.id.in_(entry_ids))
        _mark_shared(RosterEntry.id.in_(entry_ids))


def link_all() -> None:
    """Match every roster entry (demo data, repairs)."""
    _take_turns()
    _link(true())
    _mark_shared(true())


def _take_turns() -> None:
    """Wait for any other transaction linking roster entries to commit (PostgreSQL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(LINKING_LOCK)))


def _link(which: ColumnElement[bool]) -> None:
    # updated_at stays: the roster's own data did not change.
    statement = (
        update(RosterEntry)
        .where(which)
        .values(volunteer_id=matched_volunteer_id(), updated_at=RosterEntry.updated_at)
    )
    db.session.execute(statement)


def _mark_shared(which: ColumnElement[bool]) -> None:
    """Mark every entry of the ID numbers of `which` entries that more than one entry carries."""
    numbers = select(RosterEntry.id_number).where(which)
    repeated = (
        select(RosterEntry.id_number)
        .where(RosterEntry.id_number.in_(numbers))
        .group_by(RosterEntry.id_number)
        .having(func.count() > 1)
    )
    statement = (
        update(RosterEntry)
        .where(RosterEntry.id_number.in_(repeated), RosterEntry.id_number_shared.is_(False))
        .values(id_number_shared=True, updated_at=RosterEntry.updated_at)
    )
    db.session.execute(statement)
