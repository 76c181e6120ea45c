"""Volunteer organizations."""

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Organization, OrganizationKind, Unit, User
from volunteer.services import paging, permissions
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


# How many organizations the picker lists for one search (a type-ahead list, not a browser).
PICKER_RESULTS = 20


@dataclass(frozen=True)
class OrganizationHit:
    """An organization as a picker lists it: its name, and the unit it belongs to."""

    id: int
    name: str
    unit_name: str | None

    @property
    def label(self) -> str:
        """The name with its unit ("团委志愿服务队（旗团委）"), as the picker's second line."""
        return f"{self.name}（{self.unit_name}）" if self.unit_name else self.name

    @property
    def detail(self) -> str:
        """The line under the name in a picker's list: the unit's name (if any)."""
        return self.unit_name or ""


@dataclass(frozen=True)
class TypedOrganization:
    """What a typed organization name names: one organization, or the ones to choose from."""

    organization: Organization | None
    hits: list[OrganizationHit]
    exact: bool = False  # never several: names are unique


def _organized(actor: User | None, active_only: bool) -> list:
    """Conditions keeping the organizations the actor runs (admins: all), active ones only
    unless `active_only` is False."""
    conditions = [permissions.organized_clause(actor, Organization.id)]
    if active_only:
        conditions.append(Organization.active.is_(True))
    return conditions


def organized_by(actor: User | None, active_only: bool = True) -> list[Organization]:
    """The organizations the actor runs (admins: all), by name."""
    query = select(Organization).where(*_organized(actor, active_only))
    return list(db.session.scalars(query.order_by(Organization.name)))


def organized_count(actor: User | None, active_only: bool = True) -> int:
    """How many organizations the actor runs (what a select of them would list)."""
    query = select(func.count(Organization.id)).where(*_organized(actor, active_only))
    return db.session.scalar(query) or 0


def organized_organization(
    actor: User | None, organization_id: int | None, active_only: bool = True
) -> Organization | None:
    """The organization with this id if the actor runs it (and it is active), else None."""
    if organization_id is None:
        return None
    query = select(Organization).where(
        Organization.id == organization_id, *_organized(actor, active_only)
    )
    return db.session.scalar(query)


def search_organized(
    actor: User | None, text: str, active_only: bool = True, limit: int = PICKER_RESULTS
) -> list[OrganizationHit]:
    """Organizations the actor runs whose name contains `text`: the exact name first, then
    names starting with it, then by name; the first `limit`, each with its unit's name."""
    text = text.strip()
    rank = case(
        (Organization.name == text, 0),
        (Organization.name.istartswith(text, autoescape=True), 1),
        else_=2,
    )
    query = (
        select(Organization.id, Organization.name, Unit.name.label("unit_name"))
        .outerjoin(Unit, Unit.id == Organization.unit_id)
        .where(Organization.name.icontains(text, autoescape=True), *_organized(actor, active_only))
        .order_by(rank, Organization.name)
        .limit(limit)
    )
    return [OrganizationHit(row.id, row.name, row.unit_name) for row in db.session.execute(query)]


def organization_hit(organization: Organization) -> OrganizationHit:
    """One organization as the picker shows it (the form's current choice)."""
    unit = organization.unit
    return OrganizationHit(organization.id, organization.name, unit.name if unit else None)


def find_typed_organization(
    actor: User | None, text: str, active_only: bool = True
) -> TypedOrganization:
    """The organization a typed whole name names; else the ones whose names contain it."""
    text = text.strip()
    named = db.session.scalar(
        select(Organization).where(Organization.name == text, *_organized(actor, active_only))
    )
    if named is not None:
        return TypedOrganization(named, [])
    return TypedOrganization(None, search_organized(actor, text, active_only))


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
