"""What the roster page lists: a unit's roster and the imports that touched it."""

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
