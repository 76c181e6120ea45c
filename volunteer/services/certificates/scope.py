"""Who may issue and see whose certificates (谁组织谁记录，谁记录谁证明).

Full certificates (all organizations): the person, admins, and the coordinators of a
unit whose active roster holds the person. Organizers certify only what their
organization organized, for people who took part in its work themselves (services.participation).
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select, true

from volunteer.extensions import db
from volunteer.models import (
    Certificate,
    Organization,
    RosterEntry,
    Unit,
    User,
    Volunteer,
)
from volunteer.services import participation, permissions
from volunteer.services.certificates.content import scope_organization_id
from volunteer.services.certificates.listing import certificates_of

PEOPLE_SEARCH_LIMIT = 50


def roster_id_numbers(user: User | None) -> Any:
    """A subquery of ID numbers on the active rosters of units the user coordinates."""
    return _coordinated_roster(user, RosterEntry.id_number)


def roster_volunteer_ids(user: User | None) -> Any:
    """A subquery of the registered people's ids on those same rosters."""
    return _coordinated_roster(user, RosterEntry.volunteer_id).where(
        RosterEntry.volunteer_id.is_not(None)
    )


def _coordinated_roster(user: User | None, column) -> Any:
    return (
        select(column)
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .where(RosterEntry.active, permissions.visible_units_clause(user))
    )


def on_coordinated_roster(user: User | None, volunteer: Volunteer) -> bool:
    """Whether the person is on an active roster of a unit in the user's subtrees."""
    if not permissions.coordinated_units(user):
        return False
    listed = roster_volunteer_ids(user).where(RosterEntry.volunteer_id == volunteer.id)
    return db.session.scalar(listed.limit(1)) is not None


def served_with(volunteer: Volunteer, organization_ids: Iterable[int]) -> bool:
    """Whether the person took part in the work of any of these organizations (participation)."""
    return bool(participation.organizations_taken_part_in(volunteer, organization_ids))


def may_issue_full(user: User | None, volunteer: Volunteer) -> bool:
    """Full certificates (all organizations): the person, admins, and their roster coordinators."""
    if permissions.is_self(user, volunteer) or permissions.is_admin(user):
        return True
    return on_coordinated_roster(user, volunteer)


def may_issue_for_organization(
    user: User | None, volunteer: Volunteer, organization: Organization
) -> bool:
    """Organizers certify what their organization organized (谁组织谁记录，谁记录谁证明).

    An organizer may issue a certificate covering only their organization's activities, for
    people who took part in its work themselves; they never see service done elsewhere.
    """
    if may_issue_full(user, volunteer):
        return True
    return participation.organizer_sees_person(user, volunteer, organization.id)


def can_view_certificate(user: User | None, certificate: Certificate) -> bool:
    """Who may open or download a certificate."""
    if may_issue_full(user, certificate.volunteer):
        return True
    organization_id = scope_organization_id(certificate)
    return organization_id is not None and participation.organizer_sees_person(
        user, certificate.volunteer, organization_id
    )


def organizations_certifiable_by(user: User | None, volunteer: Volunteer) -> list[Organization]:
    """Organizations the user organizes whose work the person took part in."""
    taken = _certifiable_ids(user, volunteer)
    query = select(Organization).where(Organization.id.in_(taken)).order_by(Organization.name)
    return list(db.session.scalars(query)) if taken else []


def visible_certificates(user: User | None, volunteer: Volunteer) -> list[Certificate]:
    """The person's certificates the user may open (same rule as can_view_certificate)."""
    everything = certificates_of(volunteer)
    if may_issue_full(user, volunteer):
        return everything
    organization_ids = _certifiable_ids(user, volunteer)
    return [c for c in everything if scope_organization_id(c) in organization_ids]


def _certifiable_ids(user: User | None, volunteer: Volunteer) -> set[int]:
    """Ids of the organizations the user organizes whose work the person took part in."""
    organized = permissions.organizer_organization_ids(user)
    return participation.organizations_taken_part_in(volunteer, organized)


def people_in_scope_clause(user: User | None) -> ColumnElement[bool]:
    """A WHERE clause on Volunteer: people the user may issue certificates for."""
    if permissions.is_admin(user):
        return true()
    clauses = []
    if permissions.coordinated_units(user):
        clauses.append(Volunteer.id.in_(roster_volunteer_ids(user)))
    organization_ids = permissions.organizer_organization_ids(user)
    if organization_ids:
        clauses.append(Volunteer.id.in_(participation.participants_of(organization_ids)))
    if user is not None and user.volunteer is not None:
        clauses.append(Volunteer.id == user.volunteer.id)
    if not clauses:
        return false()
    return or_(*clauses)


def is_person_in_scope(user: User | None, volunteer: Volunteer) -> bool:
    """Whether the user may issue certificates for this person."""
    query = select(Volunteer.id).where(Volunteer.id == volunteer.id, people_in_scope_clause(user))
    return db.session.scalar(query) is not None


def find_people_in_scope(user: User | None, query: str) -> list[Volunteer]:
    """People in the user's scope by part of the name, mobile number or volunteer number."""
    if not query:
        return []
    return db.session.scalars(
        select(Volunteer)
        .join(User, User.id == Volunteer.user_id)
        .where(
            people_in_scope_clause(user),
            or_(
                User.name.like(f"%{query}%"),
                User.phone == query,
                Volunteer.volunteer_number == query.upper(),
            ),
        )
        .order_by(User.name)
        .limit(PEOPLE_SEARCH_LIMIT)
    ).all()
