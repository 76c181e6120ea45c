"""Reading the audit log: filters, pages, the names of the objects entries point at."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, or_, select

from volunteer.extensions import db
from volunteer.models import (
    Activity,
    AuditEntry,
    Certificate,
    Organization,
    RoleGrant,
    RosterUpload,
    ServiceRecord,
    Unit,
    User,
)
from volunteer.services.periods import local_midnight

# What names an audited object, by its table: (model, the column holding its name).
NAME_COLUMNS = {
    "units": (Unit, Unit.name),
    "organizations": (Organization, Organization.name),
    "activities": (Activity, Activity.title),
    "users": (User, User.name),
    "certificates": (Certificate, Certificate.serial),
    "roster_uploads": (RosterUpload, RosterUpload.filename),
}
EXPORT_LIMIT = 20000


@dataclass(frozen=True)
class AuditFilters:
    """Which entries to show: by person, action, object type and Beijing dates (inclusive)."""

    actor_id: int | None = None
    action: str | None = None
    target_type: str | None = None
    start: date | None = None
    end: date | None = None


def filtered(filters: AuditFilters) -> Select:
    """The entries matching `filters`, newest first."""
    query = select(AuditEntry).where(*_clauses(filters))
    return query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def _clauses(filters: AuditFilters) -> list:
    clauses = []
    if filters.actor_id is not None:
        clauses.append(AuditEntry.actor_id == filters.actor_id)
    if filters.action:
        clauses.append(AuditEntry.action == filters.action)
    if filters.target_type:
        clauses.append(AuditEntry.target_type == filters.target_type)
    if filters.start:
        clauses.append(AuditEntry.created_at >= local_midnight(filters.start))
    if filters.end:
        clauses.append(AuditEntry.created_at < local_midnight(filters.end + timedelta(days=1)))
    return clauses


def audit_page(filters: AuditFilters, page: int, per_page: int = 50) -> Pagination:
    """One page of the filtered audit log."""
    return db.paginate(filtered(filters), page=page, per_page=per_page, error_out=False)


def audit_entries(filters: AuditFilters, limit: int = EXPORT_LIMIT) -> list[AuditEntry]:
    """The filtered entries for an export, newest first, at most `limit`."""
    return list(db.session.scalars(filtered(filters).limit(limit)))


def actions_in_log() -> list[str]:
    """Every action code the log holds, for the filter."""
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by("action")))


def target_types_in_log() -> list[str]:
    """Every object type the log holds, for the filter."""
    query = select(AuditEntry.target_type).where(AuditEntry.target_type.is_not(None))
    return list(db.session.scalars(query.distinct().order_by("target_type")))


# People offered in the "who" filter at once: volunteers act too (an app sign-in, a password
# change, a correction request), so a province's log names hundreds of thousands of people.
ACTOR_CHOICES = 100


def _actors() -> Select[tuple[int | None]]:
    return select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None))


def actors_in_log(text: str = "") -> list[User]:
    """The first ACTOR_CHOICES people, by name, who appear as the actor of an entry: those
    whose name holds `text` or whose phone starts with it, when given."""
    query = select(User).where(User.id.in_(_actors()))
    if text:
        query = query.where(
            or_(
                User.name.contains(text, autoescape=True),
                User.phone.startswith(text, autoescape=True),
            )
        )
    return list(db.session.scalars(query.order_by(User.name, User.id).limit(ACTOR_CHOICES)))


def actor_in_log(user_id: int | None) -> User | None:
    """The person of this id if they appear as the actor of an entry, else None."""
    if user_id is None:
        return None
    return db.session.scalar(select(User).where(User.id == user_id, User.id.in_(_actors())))


def target_names(entries: list[AuditEntry]) -> dict[tuple[str, int], str]:
    """The name of each entry's object, one query per object type."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.target_type and entry.target_id is not None:
            wanted.setdefault(entry.target_type, set()).add(entry.target_id)
    names: dict[tuple[str, int], str] = {}
    for target_type, ids in wanted.items():
        names.update({(target_type, i): name for i, name in _names_of(target_type, ids)})
    return names


def _names_of(target_type: str, ids: set[int]) -> list[tuple[int, str]]:
    """(id, name) for these objects of one type; grants and records named by their person."""
    if target_type == "role_grants":
        query = select(RoleGrant.id, User.name).join(User, RoleGrant.user_id == User.id)
        return list(db.session.execute(query.where(RoleGrant.id.in_(ids))).all())
    if target_type == "service_records":
        query = select(ServiceRecord.id, Activity.title).join(Activity)
        return list(db.session.execute(query.where(ServiceRecord.id.in_(ids))).all())
    if target_type not in NAME_COLUMNS:
        return []
    model, column = NAME_COLUMNS[target_type]
    query = select(model.id, column).where(model.id.in_(ids))
    return list(db.session.execute(query).all())
