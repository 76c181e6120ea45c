"""The unit tree: create, rename, move, deactivate (never delete)."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Row, Select, case, func, or_, select, update
from sqlalchemy.orm import aliased

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Unit, UnitKind, User, Volunteer
from volunteer.services import paging, permissions, staleness
from volunteer.services.audit import record_audit
from volunteer.services.errors import DuplicateError, ServiceError

# Units assessed (参与考核) unless an admin says otherwise: "各地各部门", the departments and towns.
ASSESSED_BY_DEFAULT = frozenset(
    {
        UnitKind.PARTY_DEPARTMENT,
        UnitKind.GOVERNMENT_DEPARTMENT,
        UnitKind.PEOPLES_ORGANIZATION,
        UnitKind.JUDICIAL,
        UnitKind.FINANCIAL,
        UnitKind.SERVICE_CENTER,
        UnitKind.TOWN,
    }
)


def create_unit(
    code: str, name: str, kind: UnitKind, parent: Unit | None, actor: User | None = None
) -> Unit:
    """Add a unit under `parent` (None only for the root); departments and towns are assessed."""
    code = code.strip().upper()
    if db.session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
        raise DuplicateError(_l("Unit code %(code)s is already used.", code=code), "code")
    if parent is None and db.session.scalar(select(func.count(Unit.id))) > 0:
        raise ServiceError(_l("Choose the parent unit; only the banner is a root."), "parent")
    assessed = parent is not None and kind in ASSESSED_BY_DEFAULT
    unit = Unit(code=code, name=name.strip(), kind=kind, parent=parent, assessed=assessed)
    db.session.add(unit)
    db.session.flush()
    _place(unit, parent)
    staleness.tree_changed()
    record_audit(actor, "unit.create", unit, code=code, name=unit.name)
    return unit


def rename_unit(unit: Unit, name: str, kind: UnitKind, actor: User | None = None) -> Unit:
    """Change a unit's name and kind; its code and history stay."""
    before = (unit.name, unit.kind)
    unit.name = name.strip()
    unit.kind = kind
    staleness.tree_changed()  # the rows keep names and kinds
    record_audit(actor, "unit.rename", unit, before=before, after=(unit.name, unit.kind))
    db.session.flush()
    return unit


def set_assessed(unit: Unit, assessed: bool, actor: User | None = None) -> Unit:
    """Count the unit in the milestone or leave it out; the banner itself never counts."""
    if assessed and unit.parent_id is None:
        raise ServiceError(_l("The banner itself is never assessed; its units are."), "assessed")
    if unit.assessed != assessed:
        unit.assessed = assessed
        staleness.tree_changed()
        record_audit(actor, "unit.assessed", unit, assessed=assessed)
        db.session.flush()
    return unit


# Re-root the descendants in one statement rather than one per unit.
def _reroot_descendants(unit: Unit, old_path: str, old_depth: int) -> None:
    """Give the units under a moved unit its new path prefix and depth."""
    db.session.execute(
        update(Unit)
        .where(Unit.path.startswith(old_path), Unit.id != unit.id)
        .values(
            path=unit.path + func.substr(Unit.path, len(old_path) + 1),
            depth=Unit.depth + (unit.depth - old_depth),
        )
        .execution_options(synchronize_session="fetch")
    )


def move_unit(unit: Unit, new_parent: Unit, actor: User | None = None) -> Unit:
    """Move a unit (with its subtree) under another parent, keeping paths right."""
    if new_parent.path.startswith(unit.path):
        raise ServiceError(_l("A unit cannot move under itself or its own sub-units."), "parent")
    old_path, old_depth = unit.path, unit.depth
    old_parent_id = unit.parent_id
    unit.parent = new_parent
    _place(unit, new_parent)
    _reroot_descendants(unit, old_path, old_depth)
    staleness.tree_changed()
    record_audit(actor, "unit.move", unit, from_parent=old_parent_id, to_parent=new_parent.id)
    db.session.flush()
    return unit


def set_unit_active(unit: Unit, active: bool, actor: User | None = None) -> Unit:
    """Deactivate or reactivate a unit; deactivating needs its sub-units inactive first."""
    if not active:
        if has_active_children(unit):
            raise ServiceError(_l("Deactivate the sub-units first."))
    elif unit.parent is not None and not unit.parent.active:
        raise ServiceError(_l("Reactivate the parent unit first."))
    unit.active = active
    staleness.tree_changed()
    record_audit(actor, "unit.activate" if active else "unit.deactivate", unit)
    db.session.flush()
    return unit


def subtree(root: Unit, include_inactive: bool = False) -> list[Unit]:
    """The unit and everything below it, in tree order."""
    query = select(Unit).where(Unit.path.startswith(root.path)).order_by(Unit.path)
    if not include_inactive:
        query = query.where(Unit.active.is_(True))
    return list(db.session.scalars(query))


def active_unit_rows(clause: ColumnElement[bool] | None = None) -> list[Row]:
    """(id, name, depth) of the active units (those matching `clause`), in tree order."""
    query = select(Unit.id, Unit.name, Unit.depth).where(Unit.active.is_(True))
    if clause is not None:
        query = query.where(clause)
    return list(db.session.execute(query.order_by(Unit.path)).all())


def outside_subtree(unit: Unit) -> ColumnElement[bool]:
    """Units that are neither `unit` nor below it (where it may move)."""
    return ~Unit.path.startswith(unit.path)


def unit_matches(unit: Unit, clause: ColumnElement[bool]) -> bool:
    """Whether `unit` is among the units matching `clause`."""
    return db.session.scalar(select(Unit.id).where(Unit.id == unit.id, clause)) is not None


def units_matching(clause: ColumnElement[bool]) -> list[Unit]:
    """The units matching `clause` (a permissions scope, say), in tree order."""
    return list(db.session.scalars(select(Unit).where(clause).order_by(Unit.path)))


def has_active_children(unit: Unit) -> bool:
    """Whether any active unit sits directly below `unit`."""
    below = select(Unit.id).where(Unit.parent_id == unit.id, Unit.active.is_(True))
    return db.session.scalar(below.limit(1)) is not None


@dataclass(frozen=True)
class UnitLine:
    """A unit in a list, with how many units sit directly below it (to open them)."""

    unit: Unit
    children: int


_child = aliased(Unit)


def _lines(*conditions: ColumnElement[bool]) -> Select:
    """The units matching `conditions` with their sub-unit counts, in tree order."""
    below = select(func.count(_child.id)).where(_child.parent_id == Unit.id).scalar_subquery()
    return select(Unit, below).where(*conditions).order_by(Unit.path)


def unit_level(parent: Unit | None, asked: int | None) -> paging.Page:
    """Page `asked` of the units directly below `parent` (None: the top units), as UnitLines."""
    placed = Unit.parent_id == parent.id if parent is not None else Unit.parent_id.is_(None)
    return paging.page_of_query(_lines(placed), asked, shape=UnitLine)


def units_named(text: str, clause: ColumnElement[bool], asked: int | None) -> paging.Page:
    """Page `asked` of the units matching `clause` whose name or code contains `text`."""
    found = or_(
        Unit.name.icontains(text, autoescape=True), Unit.code.icontains(text, autoescape=True)
    )
    return paging.page_of_query(_lines(clause, found), asked, shape=UnitLine)


def units_listed(unit_ids: list[int], asked: int | None) -> paging.Page:
    """Page `asked` of these units (a coordinator's subtree tops), as UnitLines."""
    return paging.page_of_query(_lines(Unit.id.in_(unit_ids)), asked, shape=UnitLine)


def top_lines(user: User, asked: int | None) -> paging.Page:
    """Page `asked` of the tops of the subtrees `user` coordinates (an admin: the top units)."""
    if permissions.is_admin(user):
        return unit_level(None, asked)
    granted = permissions.coordinated_units(user)
    tops = [u.id for u in granted if not any(_strictly_below(u, other) for other in granted)]
    return units_listed(tops, asked)


def _strictly_below(unit: Unit, other: Unit) -> bool:
    return unit.path != other.path and unit.path.startswith(other.path)


def ancestors(unit: Unit) -> list[Unit]:
    """The units above `unit`, top first (from its materialized path)."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part][:-1]
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.depth)))


def volunteer_count(unit: Unit) -> int:
    """How many volunteers name this unit (not its sub-units) as their work unit."""
    return db.session.scalar(select(func.count(Volunteer.id)).where(Volunteer.unit_id == unit.id))


def get_unit_by_code(code: str) -> Unit | None:
    """The unit with this code, or None."""
    return db.session.scalar(select(Unit).where(Unit.code == code.strip().upper()))


def _place(unit: Unit, parent: Unit | None) -> None:
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    unit.depth = (parent.depth + 1) if parent else 0


# The work unit picker (register and profile pages, issue 15): a search lists at most this many.
PICKER_RESULTS = 20
PATH_SEPARATOR = " › "


@dataclass(frozen=True)
class UnitHit:
    """A unit as the picker shows it: its names from below the root down to itself, so two
    villages of the same name are told apart by their towns."""

    id: int
    name: str
    path: tuple[str, ...]

    @property
    def label(self) -> str:
        """The path as one line ("某镇 › 某村")."""
        return PATH_SEPARATOR.join(self.path)

    @property
    def detail(self) -> str:
        """The line under the name in a picker's list: the path."""
        return self.label


@dataclass(frozen=True)
class TypedUnit:
    """What a typed unit name or code names: one unit, or the units to choose from (`exact`:
    they all bear exactly that name)."""

    unit: Unit | None
    hits: list[UnitHit]
    exact: bool = False


def active_unit_count() -> int:
    """How many units are active (what a unit select would list)."""
    return db.session.scalar(select(func.count(Unit.id)).where(Unit.active.is_(True))) or 0


def active_unit(unit_id: int | None) -> Unit | None:
    """The active unit with this id, or None (no such unit, or deactivated)."""
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    return unit if unit is not None and unit.active else None


# A contains-match (LIKE '%text%') reads every unit's name: no B-tree index serves it, but a
# province's 10,000 short names are one fast scan, and LIMIT bounds what comes back.
def search_units(text: str, limit: int = PICKER_RESULTS) -> list[UnitHit]:
    """Active units whose name contains `text` (or whose code is `text`): the exact name
    first, then names starting with it, then the shallowest; the first `limit`, with paths."""
    text = text.strip()
    starts = Unit.name.istartswith(text, autoescape=True)
    rank = case((Unit.name == text, 0), (starts, 1), else_=2)
    found = or_(Unit.name.icontains(text, autoescape=True), Unit.code == text.upper())
    query = select(Unit.id, Unit.name, Unit.path).where(Unit.active.is_(True), found)
    rows = db.session.execute(query.order_by(rank, Unit.depth, Unit.name, Unit.id).limit(limit))
    return unit_hits(list(rows))


def unit_hits(rows: list[Row] | list[Unit]) -> list[UnitHit]:
    """(id, name, path) rows (or units) as UnitHits, every ancestor's name read in one statement."""
    chains = {row.id: _chain(row.path) for row in rows}
    wanted = {unit_id for chain in chains.values() for unit_id in chain[1:-1]}
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(wanted))).all())
    return [_hit(row, chains[row.id], names) for row in rows]


def unit_hit(unit: Unit) -> UnitHit:
    """One unit with its path (the profile's current unit)."""
    return unit_hits([unit])[0]


def find_typed_unit(text: str) -> TypedUnit:
    """The unit a typed code or whole name names; else the units to choose from."""
    text = text.strip()
    by_code = get_unit_by_code(text)
    if by_code is not None and by_code.active:
        return TypedUnit(by_code, [])
    named = select(Unit.id, Unit.name, Unit.path).where(Unit.active.is_(True), Unit.name == text)
    same = list(db.session.execute(named.order_by(Unit.path).limit(PICKER_RESULTS)))
    if len(same) == 1:
        return TypedUnit(db.session.get(Unit, same[0].id), [])
    if same:
        return TypedUnit(None, unit_hits(same), exact=True)
    return TypedUnit(None, search_units(text))


def _chain(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _hit(row: Row | Unit, chain: list[int], names: dict[int, str]) -> UnitHit:
    """The root is left out of every path but its own: every unit lies under it."""
    above = tuple(names[unit_id] for unit_id in chain[1:-1] if unit_id in names)
    return UnitHit(row.id, row.name, (*above, row.name))
