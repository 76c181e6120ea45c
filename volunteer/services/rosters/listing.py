"""What the roster page lists: a unit's roster and the imports that touched it."""

from dataclasses import dataclass

from sqlalchemy import func, select

from volunteer.extensions import db
from volunteer.models import RosterEntry, RosterUpload, Unit


def roster_entries(unit: Unit, include_inactive: bool = False) -> list[RosterEntry]:
    """A unit's roster: people on it now first, then (asked for) past stints, newest first."""
    query = select(RosterEntry).where(RosterEntry.unit_id == unit.id)
    if not include_inactive:
        query = query.where(RosterEntry.active)
    return list(
        db.session.scalars(
            query.order_by(RosterEntry.active.desc(), RosterEntry.name, RosterEntry.on_from.desc())
        )
    )


# Entries on one page of the roster list: a 50,000-person roster is a page, not 11 MB of HTML.
ROSTER_PAGE_SIZE = 100


@dataclass(frozen=True)
class RosterPage:
    """One page of a unit's roster: `number` of `pages` (from 1), `total` stints matching the
    name asked for, and `on_roster` people on the whole roster now."""

    entries: list[RosterEntry]
    number: int
    pages: int
    total: int
    on_roster: int


def roster_page(unit: Unit, asked: int | None, name: str = "") -> RosterPage:
    """Page `asked` of the unit's roster with past stints (pages outside the range: the
    nearest), people on it now first; only names containing `name` when given."""
    query = select(RosterEntry).where(RosterEntry.unit_id == unit.id)
    if name:
        query = query.where(RosterEntry.name.contains(name, autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // ROSTER_PAGE_SIZE))
    number = min(max(asked or 1, 1), pages)
    order = (RosterEntry.active.desc(), RosterEntry.name, RosterEntry.on_from.desc())
    entries = db.session.scalars(
        query.order_by(*order, RosterEntry.id)
        .offset((number - 1) * ROSTER_PAGE_SIZE)
        .limit(ROSTER_PAGE_SIZE)
    ).all()
    on_roster = db.session.scalar(
        select(func.count()).where(RosterEntry.unit_id == unit.id, RosterEntry.active)
    )
    return RosterPage(list(entries), number, pages, total, on_roster)


def recent_uploads(unit_ids: list[int], limit: int = 10) -> list[RosterUpload]:
    """The latest imports touching these units (multi-unit workbooks included)."""
    unit_entries = select(RosterEntry.upload_id).where(RosterEntry.unit_id.in_(unit_ids))
    return db.session.scalars(
        select(RosterUpload)
        .where(RosterUpload.unit_id.in_(unit_ids) | RosterUpload.id.in_(unit_entries))
        .order_by(RosterUpload.created_at.desc())
        .limit(limit)
    ).all()


def imported(upload_id: int, unit_ids: list[int]) -> tuple[RosterUpload, list[Unit]]:
    """A finished import's upload (its counts) and the units it changed, in the file's order."""
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    upload = db.session.get(RosterUpload, upload_id)
    return upload, [units[unit_id] for unit_id in unit_ids if unit_id in units]


def unit_of(unit_id: int | None) -> Unit | None:
    """The unit a roster page was for (None: the many-units page)."""
    return db.session.get(Unit, unit_id) if unit_id is not None else None


def kept_entries(unit_ids: list[int]) -> int:
    """How many roster stints these units keep (what a preview or an import compares with)."""
    return db.session.scalar(
        select(func.count(RosterEntry.id)).where(RosterEntry.unit_id.in_(unit_ids))
    )
