"""Granting and revoking roles; every change is audited."""

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Organization, Role, RoleGrant, Unit, User, Volunteer, utcnow
from volunteer.services import paging
from volunteer.services.audit import record_audit
from volunteer.services.errors import DuplicateError, ServiceError
from volunteer.services.identity import normalize_id_number


def grant_role(
    user: User,
    role: Role,
    actor: User | None,
    organization: Organization | None = None,
    unit: Unit | None = None,
) -> RoleGrant:
    """Give `user` a role over an organization (organizer), a unit (coordinator) or all."""
    organization, unit = _scope_of(role, organization, unit)
    if _active_grant(user, role, organization, unit) is not None:
        raise DuplicateError(_l("This person already holds that role."))
    grant = RoleGrant(
        user=user, role=role, organization=organization, unit=unit, granted_by_id=_id_of(actor)
    )
    db.session.add(grant)
    db.session.flush()
    _audit_grant(actor, "role.grant", grant)
    return grant


def _id_of(actor: User | None) -> int | None:
    return actor.id if actor else None


def _audit_grant(actor: User | None, action: str, grant: RoleGrant) -> None:
    """Audit a grant change with whose role it is, which role, and over what."""
    record_audit(
        actor,
        action,
        grant,
        user_id=grant.user_id,
        role=grant.role,
        organization_id=grant.organization_id,
        unit_id=grant.unit_id,
    )


def _scope_of(
    role: Role, organization: Organization | None, unit: Unit | None
) -> tuple[Organization | None, Unit | None]:
    """What the role is held over: an organizer an organization, a coordinator a unit."""
    if role == Role.ORGANIZER and organization is None:
        raise ServiceError(_l("Choose the organization this person will organize."), "organization")
    if role == Role.COORDINATOR and unit is None:
        raise ServiceError(_l("Choose the unit this person will coordinate."), "unit")
    return (
        organization if role == Role.ORGANIZER else None,
        unit if role == Role.COORDINATOR else None,
    )


def _active_grant(
    user: User, role: Role, organization: Organization | None, unit: Unit | None
) -> RoleGrant | None:
    """The user's unrevoked grant of exactly this role and scope, if any."""
    return db.session.scalar(
        select(RoleGrant).where(
            RoleGrant.user_id == user.id,
            RoleGrant.role == role,
            RoleGrant.revoked_at.is_(None),
            RoleGrant.organization_id == organization.id
            if organization
            else RoleGrant.organization_id.is_(None),
            RoleGrant.unit_id == unit.id if unit else RoleGrant.unit_id.is_(None),
        )
    )


def revoke_role(grant: RoleGrant, actor: User | None) -> RoleGrant:
    """End a grant; the row stays as history."""
    if grant.revoked_at is not None:
        raise ServiceError(_l("This role was already revoked."))
    if grant.role == Role.ADMIN and actor is not None and grant.user_id == actor.id:
        raise ServiceError(_l("You cannot revoke your own admin role."))
    grant.revoked_at = utcnow()
    grant.revoked_by_id = _id_of(actor)
    _audit_grant(actor, "role.revoke", grant)
    db.session.flush()
    return grant


def search_people(term: str, limit: int = 20) -> list[User]:
    """Accounts whose name, phone or ID number matches `term`."""
    term = (term or "").strip()
    if not term:
        return []
    id_number = normalize_id_number(term)
    query = (
        select(User)
        .outerjoin(Volunteer, Volunteer.user_id == User.id)
        .where(
            or_(
                User.name.contains(term, autoescape=True),
                User.phone.startswith(term, autoescape=True),
                Volunteer.id_number == id_number,
                Volunteer.volunteer_number == term.upper(),
            )
        )
        .order_by(User.name)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def grant_page(asked: int | None) -> paging.Page:
    """Page `asked` of the grants not revoked, by role and then age, each with its person and
    scope loaded (a province grants a coordinator per unit: some 12,000 rows)."""
    query = (
        select(RoleGrant)
        .where(RoleGrant.revoked_at.is_(None))
        .options(
            joinedload(RoleGrant.user),
            joinedload(RoleGrant.organization),
            joinedload(RoleGrant.unit),
        )
        .order_by(RoleGrant.role, RoleGrant.granted_at, RoleGrant.id)
    )
    return paging.page_of_query(query, asked)
