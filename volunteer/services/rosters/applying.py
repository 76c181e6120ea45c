"""Previewing and applying a checked roster: what changes per unit, then the change itself.

Two modes: "add or update" (the default) adds new people and updates listed ones,
leaving everyone else as they are, so a coordinator can upload ten newcomers;
"replace the whole list" also marks people no longer listed as left. Neither
deletes. Each person's time on a roster is a stint of Beijing days (RosterEntry):
newcomers start one on the upload's day, leavers' stints close on it, people who
come back start a new one, and a change of political status closes the old stint
and starts one with the new status, so every past day keeps the roster it had.
Other changes (a phone, a typo in a name) are corrections made in place.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert, select

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import RosterEntry, RosterUpload, Unit, User, utcnow
from volunteer.services import staleness
from volunteer.services.audit import record_audit
from volunteer.services.errors import ServiceError
from volunteer.services.periods import local_date
from volunteer.services.rosters import linking
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


@dataclass(frozen=True)
class PreviewPerson:
    """One person in a preview list: name, ID number and (when changed) the changed fields."""

    name: str
    id_number: str
    fields: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class UnitPreview:
    """What the preview page shows of one unit's plan: the counts and the first people of
    each list; plain values, kept with the checked rows so the page need not plan again."""

    unit_id: int
    unit_name: str
    unit_code: str
    counts: dict[str, int]  # added, unchanged, changed, leaving
    added: list[PreviewPerson]
    changed: list[PreviewPerson]
    leaving: list[PreviewPerson]

    @classmethod
    def from_dict(cls, data: dict) -> "UnitPreview":
        """A preview as kept in JSON."""
        lists = {name: [PreviewPerson(**p) for p in data[name]] for name in PREVIEW_LISTS}
        return cls(data["unit_id"], data["unit_name"], data["unit_code"], data["counts"], **lists)


PREVIEW_LISTS = ("added", "changed", "leaving")
PREVIEW_SHOWN = 200  # people shown per list; the counts cover everyone


def preview_of(plans: list[UnitPlan]) -> list[UnitPreview]:
    """The preview of each unit's plan (counts, and the first PREVIEW_SHOWN of each list)."""
    return [_unit_preview(plan) for plan in plans]


def _unit_preview(plan: UnitPlan) -> UnitPreview:
    shown = PREVIEW_SHOWN
    changed = plan.changed[:shown]
    return UnitPreview(
        unit_id=plan.unit.id,
        unit_name=plan.unit.name,
        unit_code=plan.unit.code,
        counts={
            "added": len(plan.added),
            "unchanged": len(plan.unchanged),
            "changed": len(plan.changed),
            "leaving": len(plan.leaving),
        },
        added=[PreviewPerson(row.name, row.id_number) for row in plan.added[:shown]],
        changed=[PreviewPerson(e.name, row.id_number, fields) for row, e, fields in changed],
        leaving=[PreviewPerson(entry.name, entry.id_number) for entry in plan.leaving[:shown]],
    )


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
    """People of each unit on its roster now whom the file no longer lists would leave."""
    for unit_id, entries in existing.items():
        plans[unit_id].leaving = sorted(
            (e for e in entries.values() if e.active and e.id_number not in listed[unit_id]),
            key=lambda e: e.name,
        )


def _entries_by_unit(unit_ids: list[int]) -> dict[int, dict[str, RosterEntry]]:
    """Each person's latest stint (the open one, else the last closed) by unit and ID number."""
    existing: dict[int, dict[str, RosterEntry]] = {unit_id: {} for unit_id in unit_ids}
    entries = db.session.scalars(
        select(RosterEntry)
        .where(RosterEntry.unit_id.in_(unit_ids))
        .order_by(RosterEntry.on_until.is_(None), RosterEntry.id)
    )
    for entry in entries:  # later stints overwrite earlier ones; the open one comes last
        existing[entry.unit_id][entry.id_number] = entry
    return existing


def _plan_row(plan: UnitPlan, row: RosterRow, entry: RosterEntry | None) -> None:
    """File one row as added (new or returning), changed (with the fields) or unchanged;
    `entry` is the person's latest stint on the unit's roster, if any."""
    if entry is None or not entry.active:
        plan.added.append(row)
        plan.reactivated += entry is not None
        return
    differences = [name for name, value in row.values().items() if getattr(entry, name) != value]
    if differences:
        plan.changed.append((row, entry, differences))
    else:
        plan.unchanged.append(row)


def apply_roster(
    checked: CheckedRoster,
    actor: User | None,
    replace: bool = False,
    now: datetime | None = None,
) -> RosterUpload:
    """Add or update the listed people of every unit in the file; `replace` closes the stints
    of the rest. Stints open and close on the Beijing day of `now` (default: this moment)."""
    if not checked.ok or not checked.rows:
        raise ServiceError(_l("Nothing to import: the file has errors."))
    plans = plan_roster(checked, replace)
    now = now or utcnow()
    upload = RosterUpload(
        unit_id=None if checked.multi_unit else checked.unit_ids[0],
        uploaded_by_id=actor.id if actor is not None else None,
        filename=checked.filename[:255],
        created_at=now,
    )
    db.session.add(upload)
    db.session.flush()
    existing = _entries_by_unit(checked.unit_ids)
    day = local_date(now)
    stints = [s for plan in plans for s in _apply_plan(plan, upload, existing[plan.unit.id], day)]
    db.session.flush()
    # New stints in one bulk INSERT: building an ORM object for each of 50,000 rows took
    # seconds; the closed stints above were flushed first (one open stint per person and unit).
    if stints:
        db.session.execute(insert(RosterEntry), stints)
    linking.link_upload(upload)
    staleness.roster_changed(checked.unit_ids, local_date(now))
    _audit_upload(actor, upload, checked, plans, replace)
    return upload


def _apply_plan(
    plan: UnitPlan,
    upload: RosterUpload,
    latest: dict[str, RosterEntry],
    day: date,
) -> list[dict]:
    """Carry out one unit's plan (its latest stints by ID number) and count it on the upload;
    the new stints to insert."""
    renewed = [(row, entry) for row, entry, fields in plan.changed if _renews(entry, fields, day)]
    for entry in [*plan.leaving, *(entry for _row, entry in renewed)]:
        entry.on_until = day
    db.session.flush()  # closed before new stints open: one open stint per person and unit
    added = [_start_or_resume(row, latest.get(row.id_number), upload, day) for row in plan.added]
    stints = [stint for stint in added if stint is not None]
    stints += [_new_stint(row, upload, day) for row, _entry in renewed]
    for row, entry, fields in plan.changed:
        if not _renews(entry, fields, day):
            _update_entry(entry, row, upload)
    upload.added += len(plan.added)
    upload.changed += len(plan.changed)
    upload.unchanged += len(plan.unchanged)
    upload.deactivated += len(plan.leaving)
    return stints


def _renews(entry: RosterEntry, fields: list[str], day: date) -> bool:
    """A new political status starts a new stint, unless the current one started today."""
    return "political_status" in fields and entry.on_from < day


def _start_or_resume(
    row: RosterRow, entry: RosterEntry | None, upload: RosterUpload, day: date
) -> dict | None:
    """A new stint (to insert) for a newcomer or someone returning; a stint closed today is
    reopened instead (same status), as the person was never off any day's roster."""
    resumes = (
        entry is not None
        and entry.on_until == day
        and entry.political_status == row.values()["political_status"]
    )
    if not resumes:
        return _new_stint(row, upload, day)
    entry.on_until = None
    _update_entry(entry, row, upload)
    return None


def _new_stint(row: RosterRow, upload: RosterUpload, day: date) -> dict:
    """The columns of a stint starting on `day` (linked to its volunteer after the insert)."""
    return {
        "unit_id": row.unit_id,
        "id_number": row.id_number,
        "upload_id": upload.id,
        "on_from": day,
        **row.values(),
    }


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
