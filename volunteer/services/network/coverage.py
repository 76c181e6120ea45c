"""The coverage board: which units lack the organization the plan expects, and idle organizations.

For a unit U's subtree (active units and organizations only):
- a **gap** is a unit expecting an organization kind (see `kinds`) with no active organization
  of that kind bound to it: a town without an institute, a village without a station, an
  assessed unit without a team;
- an **idle organization** is an active organization of the subtree with no activity (not
  cancelled) that started in the last NETWORK_IDLE_DAYS days up to now;
- counts roll up the tree like compliance: a unit's counts cover itself and every unit below.

Three statements per board (units, organizations present, organizations' last activity);
the roll-up walks each gap's path in Python.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select

from volunteer.extensions import db
from volunteer.models import (
    Activity,
    ActivityStatus,
    Organization,
    OrganizationKind,
    Unit,
    UnitKind,
    utcnow,
)
from volunteer.services.network.kinds import expectations

IDLE = "idle"  # the count key of idle organizations, beside the organization kinds


@dataclass(frozen=True)
class UnitFacts:
    """A unit of the board."""

    unit_id: int
    code: str
    name: str
    kind: UnitKind
    path: str
    depth: int


@dataclass(frozen=True)
class Gap:
    """A unit without an organization kind it is expected to have."""

    unit: UnitFacts
    missing: OrganizationKind


@dataclass(frozen=True)
class IdleOrganization:
    """An active organization with no activity in the idle window."""

    organization_id: int
    name: str
    kind: OrganizationKind
    unit: UnitFacts | None
    last_activity_at: datetime | None


@dataclass
class CoverageRow:
    """A unit with the counts of its whole subtree (gaps by kind, and idle organizations)."""

    unit: UnitFacts
    counts: dict[str, int] = field(default_factory=dict)
    has_children: bool = False


@dataclass
class Coverage:
    """The board of one subtree: its total, its direct sub-units, and the details."""

    root: UnitFacts
    idle_days: int
    total: CoverageRow
    children: list[CoverageRow]
    gaps: list[Gap]
    idle: list[IdleOrganization]
    counted: tuple[str, ...]


def coverage_board(root: Unit, now: datetime | None = None) -> Coverage:
    """The coverage of `root`'s subtree, rolled up onto the root and its direct sub-units."""
    units = _units(root)
    gaps = _gaps(units, _present(root))
    idle_days = current_app.config["NETWORK_IDLE_DAYS"]
    now = now or utcnow()
    idle = _idle(root, units, now - timedelta(days=idle_days), now)
    rows = _rolled_up(units, gaps, idle)
    parents = {unit.path.rsplit("/", 2)[0] + "/" for unit in units.values()}
    children = [rows[u.unit_id] for u in units.values() if u.depth == root.depth + 1]
    for row in children:
        row.has_children = row.unit.path in parents
    return Coverage(_facts(root), idle_days, rows[root.id], children, gaps, idle, counted_keys())


def counted_keys() -> tuple[str, ...]:
    """The columns of the board: each expected organization kind, then idle organizations."""
    expected = set().union(*expectations().values())
    return (*(kind.value for kind in OrganizationKind if kind in expected), IDLE)


def _facts(unit: Unit) -> UnitFacts:
    return UnitFacts(unit.id, unit.code, unit.name, unit.kind, unit.path, unit.depth)


def _subtree(root: Unit):
    """The root (even when deactivated: its board still opens) and its active sub-units."""
    return and_(Unit.path.startswith(root.path), or_(Unit.active.is_(True), Unit.id == root.id))


def _units(root: Unit) -> dict[int, UnitFacts]:
    """The subtree's active units in tree order."""
    rows = db.session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.path, Unit.depth)
        .where(_subtree(root))
        .order_by(Unit.path)
    )
    return {row.id: UnitFacts(*row) for row in rows}


def _present(root: Unit) -> set[tuple[int, OrganizationKind]]:
    """(unit id, organization kind) of every active organization bound in the subtree."""
    rows = db.session.execute(
        select(Organization.unit_id, Organization.kind)
        .join(Unit, Unit.id == Organization.unit_id)
        .where(Organization.active.is_(True), _subtree(root))
        .distinct()
    )
    return {(row[0], row[1]) for row in rows}


def _gaps(units: dict[int, UnitFacts], present: set[tuple[int, OrganizationKind]]) -> list[Gap]:
    expected = expectations()
    return [
        Gap(unit, kind)
        for unit in units.values()
        for kind in sorted(expected.get(unit.kind, ()))
        if (unit.unit_id, kind) not in present
    ]


def _idle(
    root: Unit, units: dict[int, UnitFacts], since: datetime, now: datetime
) -> list[IdleOrganization]:
    """Active organizations of the subtree with no activity started in [since, now]."""
    last = func.max(Activity.starts_at)
    in_scope = Organization.unit_id.in_(units.keys())
    if root.parent_id is None:  # the banner's board also holds organizations of no unit
        in_scope = or_(in_scope, Organization.unit_id.is_(None))
    rows = db.session.execute(
        select(Organization.id, Organization.name, Organization.kind, Organization.unit_id, last)
        .outerjoin(
            Activity,
            and_(
                Activity.organization_id == Organization.id,
                Activity.status != ActivityStatus.CANCELLED,
                Activity.starts_at <= now,  # a planned activity is not yet a sign of life
            ),
        )
        .where(Organization.active.is_(True), in_scope)
        .group_by(Organization.id, Organization.name, Organization.kind, Organization.unit_id)
        .having(or_(last.is_(None), last < since))
        .order_by(Organization.name)
    )
    return [IdleOrganization(row[0], row[1], row[2], units.get(row[3]), row[4]) for row in rows]


def _rolled_up(
    units: dict[int, UnitFacts], gaps: list[Gap], idle: list[IdleOrganization]
) -> dict[int, CoverageRow]:
    """Each unit's row with the counts of its subtree."""
    rows = {unit_id: CoverageRow(unit) for unit_id, unit in units.items()}
    root_id = next(iter(units))
    for gap in gaps:
        _add_along(rows, gap.unit.path, gap.missing.value)
    for organization in idle:
        path = organization.unit.path if organization.unit else units[root_id].path
        _add_along(rows, path, IDLE)
    return rows


def _add_along(rows: dict[int, CoverageRow], path: str, key: str) -> None:
    """Count one under every unit of the board on `path` (the unit and its ancestors)."""
    for part in path.strip("/").split("/"):
        row = rows.get(int(part))
        if row is not None:
            row.counts[key] = row.counts.get(key, 0) + 1
