"""Each roster entry's volunteer: the one registered with the entry's ID number.

`RosterEntry.volunteer_id` is that match written down, so reports join rosters to
volunteers on an integer. Every write that can change the match calls one of these,
in the same transaction: a roster upload (its new stints), a registration (the
person's entries on any roster), a corrected ID number (old and new numbers).
Deleting a volunteer needs nothing: the foreign key sets the id back to NULL. Each
function recomputes the match from the ID numbers, so calling one twice is harmless.
"""

from collections.abc import Iterable

from sqlalchemy import ColumnElement, select, true, update

from volunteer.extensions import db
from volunteer.models import RosterEntry, RosterUpload, Volunteer


def matched_volunteer_id():
    """The id of the volunteer with the entry's ID number, as a correlated scalar subquery."""
    return (
        select(Volunteer.id).where(Volunteer.id_number == RosterEntry.id_number).scalar_subquery()
    )


def link_upload(upload: RosterUpload) -> None:
    """Match the entries an upload started or updated (uploads never change a number)."""
    _link(RosterEntry.upload_id == upload.id)


def link_id_numbers(id_numbers: Iterable[str]) -> None:
    """Match every entry of these ID numbers again: after a registration, or a changed number."""
    numbers = list(id_numbers)
    entry_ids = list(
        db.session.scalars(select(RosterEntry.id).where(RosterEntry.id_number.in_(numbers)))
    )
    if entry_ids:  # most people registering are on no roster: nothing to write
        _link(RosterEntry.id.in_(entry_ids))


def link_all() -> None:
    """Match every roster entry (demo data, repairs)."""
    _link(true())


def _link(which: ColumnElement[bool]) -> None:
    # updated_at stays: the roster's own data did not change.
    statement = (
        update(RosterEntry)
        .where(which)
        .values(volunteer_id=matched_volunteer_id(), updated_at=RosterEntry.updated_at)
    )
    db.session.execute(statement)
