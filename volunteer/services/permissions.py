"""Who may do what: the role rules of DOMAIN.md, as plain functions.

Grants are read from `user.grants` (loaded once per request); these helpers
never touch the request, so the CLI and tests use them the same way.
"""

from sqlalchemy import ColumnElement, false, or_, true

from volunteer.models import Organization, Role, RoleGrant, Unit, User, Volunteer


def active_grants(user: User | None) -> list[RoleGrant]:
    """The user's grants that have not been revoked."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return [grant for grant in user.grants if grant.revoked_at is None]


def is_admin(user: User | None) -> bool:
    """Whether the user holds an active admin grant."""
    return any(grant.role == Role.ADMIN for grant in active_grants(user))


def organizer_organization_ids(user: User | None) -> set[int]:
    """Ids of the organizations the user organizes."""
    return {g.organization_id for g in active_grants(user) if g.role == Role.ORGANIZER}


def coordinated_units(user: User | None) -> list[Unit]:
    """Roots of the unit subtrees the user coordinates."""
    return [g.unit for g in active_grants(user) if g.role == Role.COORDINATOR and g.unit]


def is_self(user: User | None, volunteer: Volunteer) -> bool:
    """Whether the user is this volunteer."""
    return user is not None and user.volunteer is not None and user.volunteer.id == volunteer.id


def is_organizer(user: User | None) -> bool:
    """Whether the user organizes at least one organization (or is an admin)."""
    return is_admin(user) or bool(organizer_organization_ids(user))


def is_coordinator(user: User | None) -> bool:
    """Whether the user coordinates at least one unit (or is an admin)."""
    return is_admin(user) or bool(coordinated_units(user))


def can_organize(user: User | None, organization: Organization | int | None) -> bool:
    """Whether the user may run activities of this organization."""
    if organization is None:
        return is_admin(user)
    organization_id = organization if isinstance(organization, int) else organization.id
    return is_admin(user) or organization_id in organizer_organization_ids(user)


def managed_organization_ids(user: User | None) -> set[int] | None:
    """The organizations whose activities the user runs; None for an admin (all of them)."""
    return None if is_admin(user) else organizer_organization_ids(user)


def organized_clause(user: User | None, organization_id: ColumnElement[int]) -> ColumnElement[bool]:
    """A WHERE clause keeping rows of the organizations the user organizes (admins: all)."""
    if is_admin(user):
        return true()
    return organization_id.in_(organizer_organization_ids(user))


def is_within(unit: Unit, ancestor: Unit) -> bool:
    """Whether `unit` is `ancestor` or lies below it in the tree."""
    return unit.path.startswith(ancestor.path)


def can_coordinate(user: User | None, unit: Unit | None) -> bool:
    """Whether the unit is inside one of the user's subtrees (admins: everywhere)."""
    if unit is None:
        return is_admin(user)
    return is_admin(user) or any(is_within(unit, root) for root in coordinated_units(user))


def visible_units_clause(user: User | None) -> ColumnElement[bool]:
    """A WHERE clause on Unit selecting the units the user may see as coordinator."""
    if is_admin(user):
        return true()
    if not (roots := coordinated_units(user)):
        return false()
    return or_(*(Unit.path.startswith(root.path) for root in roots))
