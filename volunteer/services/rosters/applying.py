"""Previewing and applying a checked roster: what changes per unit, then the change itself.

Two modes: "add or update" (the default) adds new people and updates listed ones,
leaving everyone else as they are, so a coordinator can upload ten newcomers;
"replace the whole list" also marks people no longer listed as left. Neither
deletes: left people stay as inactive history, returning people are reactivated.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import RosterEntry, RosterUpload, Unit, User, utcnow
from volunteer.services.audit import record_audit
from volunteer.services.errors import ServiceError
from volunteer.services.rosters.checking import CheckedRoster, RosterRow


@dataclass
class UnitPlan:
    """What confirming would do to one unit's roster."""

    unit: Unit
    added: list[RosterRow] = field(default_factory=list)
    unchanged: list[RosterRow] = field(default_factory=list)
    changed: list[tuple[RosterRow, RosterEntry, list[str]]] = field(default_factory=list)
    leaving: list[RosterEntry] = field(default_factory=list)
    reactivated: int = 0


def units_in(checked: CheckedRoster) -> list[Unit]:
    """The units whose rosters the checked file would replace."""
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(checked.unit_ids))))


def plan_roster(checked: CheckedRoster, replace: bool = False) -> list[UnitPlan]:
    """Compare the checked rows with each unit's roster; `replace` also plans who would leave."""
    units = {unit.id: unit for unit in units_in(checked)}
    existing = _entries_by_unit(list(units))
    plans = {unit_id: UnitPlan(unit=unit) for unit_id, unit in units.items()}
    listed: dict[int, set[str]] = {unit_id: set() for unit_id in units}
    for row in checked.rows:
        listed[row.unit_id].add(row.id_number)
        _plan_row(plans[row.unit_id], row, existing[row.unit_id].get(row.id_number))
    if replace:
        _plan_leavers(plans, existing, listed)
    return [plans[unit_id] for unit_id in checked.unit_ids if unit_id in plans]


def _plan_leavers(
    plans: dict[int, UnitPlan],
    existing: dict[int, dict[str, RosterEntry]],
    listed: dict[int, set[str]],
) -> None:
    """Active people of each unit the file no longer lists would leave."""
    for unit_id, entries in existing.items():
        plans[unit_id].leaving = sorted(
            (e for e in entries.values() if e.active and e.id_number not in listed[unit_id]),
            key=lambda e: e.name,
        )


def _entries_by_unit(unit_ids: list[int]) -> dict[int, dict[str, RosterEntry]]:
    """Every roster entry (left people too) of these units, by unit and ID number."""
    existing: dict[int, dict[str, RosterEntry]] = {unit_id: {} for unit_id in unit_ids}
    for entry in db.session.scalars(select(RosterEntry).where(RosterEntry.unit_id.in_(unit_ids))):
        existing[entry.unit_id][entry.id_number] = entry
    return existing


def _plan_row(plan: UnitPlan, row: RosterRow, entry: RosterEntry | None) -> None:
    """File one row as added (new or returning), changed (with the fields) or unchanged."""
    if entry is None or not entry.active:
        plan.added.append(row)
        plan.reactivated += entry is not None
        return
    differences = [name for name, value in row.values().items() if getattr(entry, name) != value]
    if differences:
        plan.changed.append((row, entry, differences))
    else:
        plan.unchanged.append(row)


def apply_roster(checked: CheckedRoster, actor: User | None, replace: bool = False) -> RosterUpload:
    """Add or update the listed people of every unit in the file; `replace` deactivates the rest."""
    if not checked.ok or not checked.rows:
        raise ServiceError(_l("Nothing to import: the file has errors."))
    plans = plan_roster(checked, replace)
    now = utcnow()
    upload = RosterUpload(
        unit_id=None if checked.multi_unit else checked.unit_ids[0],
        uploaded_by_id=actor.id if actor is not None else None,
        filename=checked.filename[:255],
    )
    db.session.add(upload)
    db.session.flush()
    existing = _entries_by_unit(checked.unit_ids)
    for plan in plans:
        _apply_plan(plan, upload, existing[plan.unit.id], now)
    db.session.flush()
    _audit_upload(actor, upload, checked, plans, replace)
    return upload


def _apply_plan(
    plan: UnitPlan,
    upload: RosterUpload,
    existing: dict[str, RosterEntry],
    now: datetime,
) -> None:
    """Carry out one unit's plan (its entries by ID number) and count it on the upload."""
    for row in plan.added:
        _add_or_reactivate(row, existing.get(row.id_number), upload)
    for row, entry, _differences in plan.changed:
        _update_entry(entry, row, upload)
    for entry in plan.leaving:
        entry.active, entry.deactivated_at = False, now
    upload.added += len(plan.added)
    upload.changed += len(plan.changed)
    upload.unchanged += len(plan.unchanged)
    upload.deactivated += len(plan.leaving)


def _add_or_reactivate(row: RosterRow, entry: RosterEntry | None, upload: RosterUpload) -> None:
    """A new entry for someone never listed; someone who left and is listed again returns."""
    if entry is None:
        db.session.add(
            RosterEntry(
                unit_id=row.unit_id,
                id_number=row.id_number,
                upload_id=upload.id,
                active=True,
                **row.values(),
            )
        )
        return
    _update_entry(entry, row, upload)
    entry.active, entry.deactivated_at = True, None


def _update_entry(entry: RosterEntry, row: RosterRow, upload: RosterUpload) -> None:
    for name, value in row.values().items():
        setattr(entry, name, value)
    entry.upload_id = upload.id


def _audit_upload(
    actor: User | None,
    upload: RosterUpload,
    checked: CheckedRoster,
    plans: list[UnitPlan],
    replace: bool,
) -> None:
    record_audit(
        actor,
        "roster.upload",
        upload,
        filename=checked.filename,
        mode="replace" if replace else "merge",
        units=[plan.unit.code for plan in plans],
        added=upload.added,
        changed=upload.changed,
        unchanged=upload.unchanged,
        deactivated=upload.deactivated,
    )
