"""Volunteer organizations."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Organization, OrganizationKind, Unit, User
from volunteer.services import paging
from volunteer.services.audit import record_audit
from volunteer.services.errors import DuplicateError
from volunteer.services.network.kinds import check_binding


def save_organization(
    organization: Organization | None,
    *,
    name: str,
    unit: Unit | None,
    kind: OrganizationKind = OrganizationKind.OTHER,
    description: str | None,
    contact_name: str | None,
    contact_phone: str | None,
    active: bool = True,
    actor: User | None = None,
) -> Organization:
    """Create (organization None) or update an organization."""
    name = name.strip()
    _refuse_name_clash(name, organization)
    check_binding(kind, unit)
    created = organization is None
    if created:
        organization = Organization(name=name)
        db.session.add(organization)
    organization.name = name
    organization.unit = unit
    organization.kind = kind
    organization.description = description
    organization.contact_name = contact_name
    organization.contact_phone = contact_phone
    organization.active = active
    db.session.flush()
    record_audit(actor, "organization.create" if created else "organization.update", organization)
    return organization


def _refuse_name_clash(name: str, organization: Organization | None) -> None:
    """Refuse a name another organization already has."""
    clash = db.session.scalar(select(Organization).where(Organization.name == name))
    if clash is not None and clash is not organization:
        raise DuplicateError(_l("An organization with this name already exists."), "name")


def active_organizations() -> list[Organization]:
    """The active organizations, by name."""
    return db.session.scalars(
        select(Organization).where(Organization.active.is_(True)).order_by(Organization.name)
    ).all()


def all_organizations() -> list[Organization]:
    """Every organization, active or not, by name."""
    return list(db.session.scalars(select(Organization).order_by(Organization.name)))


def active_organization_named(name: str) -> Organization | None:
    """The active organization with exactly this name (names are unique), or None."""
    return db.session.scalar(
        select(Organization).where(Organization.name == name.strip(), Organization.active.is_(True))
    )


def organization_page(text: str, asked: int | None) -> paging.Page:
    """Page `asked` of the organizations (whose name contains `text`, when given), by name."""
    query = select(Organization).options(selectinload(Organization.unit))
    if text:
        query = query.where(Organization.name.icontains(text, autoescape=True))
    return paging.page_of_query(query.order_by(Organization.name, Organization.id), asked)


def organizations_of_unit(unit: Unit) -> list[Organization]:
    """The organizations belonging to this unit, by name."""
    return db.session.scalars(
        select(Organization).where(Organization.unit_id == unit.id).order_by(Organization.name)
    ).all()
