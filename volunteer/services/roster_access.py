"""Roster-based access: a coordinator reaches a person's certificates because a roster in
their subtree lists the person's ID number. Anyone may type an ID number into a roster, so
every such use is written to the audit log, and the person sees which units list them."""

from typing import Any

from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import RosterEntry, Unit, User, Volunteer
from volunteer.services import permissions
from volunteer.services.audit import record_audit
from volunteer.services.certificates.scope import on_coordinated_roster, roster_id_numbers


def units_listing(volunteer: Volunteer) -> list[Unit]:
    """The units whose active rosters list the person's ID number, by name."""
    query = select(Unit).where(Unit.id.in_(_listing_unit_ids(volunteer))).order_by(Unit.name)
    return list(db.session.scalars(query))


def _listing_unit_ids(volunteer: Volunteer) -> Any:
    """A subquery of the ids of units whose active rosters hold the person's ID number."""
    return select(RosterEntry.unit_id).where(
        RosterEntry.id_number == volunteer.id_number, RosterEntry.active
    )


def id_numbers_reached_on(user: User | None, unit: Unit) -> set[str]:
    """ID numbers on the unit's active roster the user reaches (on_coordinated_roster, at once)."""
    return set(db.session.scalars(roster_id_numbers(user).where(RosterEntry.unit_id == unit.id)))


def id_numbers_reached_under(user: User | None, unit: Unit, subtree: bool) -> set[str]:
    """The same over the unit's subtree when `subtree`, else over the unit's own roster."""
    if not subtree:
        return id_numbers_reached_on(user, unit)
    below = Unit.path.startswith(unit.path, autoescape=True)  # roster_id_numbers joins Unit
    return set(db.session.scalars(roster_id_numbers(user).where(below)))


def reaches_by_roster(user: User | None, volunteer: Volunteer) -> bool:
    """Whether the user reaches the person through a roster (not as the person or an admin)."""
    if permissions.is_admin(user) or permissions.is_self(user, volunteer):
        return False
    return on_coordinated_roster(user, volunteer)


def note_roster_access(user: User | None, volunteer: Volunteer, what: str, target: Any) -> bool:
    """Audit a use of roster-based access to the person's data; True when one was written."""
    if not reaches_by_roster(user, volunteer):
        return False
    units = db.session.scalars(
        select(Unit.name)
        .where(Unit.id.in_(_listing_unit_ids(volunteer)), permissions.visible_units_clause(user))
        .order_by(Unit.name)
    ).all()
    record_audit(
        user,
        "personal_data.roster_access",
        target,
        volunteer_id=volunteer.id,
        what=what,
        units=units,
    )
    db.session.flush()
    return True
