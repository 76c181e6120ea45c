"""The unit tree as compliance walks it: the banner, the subtrees a person sees, tree order."""

from dataclasses import dataclass

from sqlalchemy import Row, and_, func, select

from volunteer.extensions import db
from volunteer.models import Unit, User
from volunteer.services import permissions


def root_unit() -> Unit | None:
    """The banner (the unit without a parent)."""
    return db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))


def visible_roots(units: list[Unit]) -> list[Unit]:
    """The given units without those lying inside another one's subtree."""
    roots: list[Unit] = []
    for unit in sorted(units, key=lambda unit: unit.path):
        if not any(unit.path.startswith(root.path) for root in roots):
            roots.append(unit)
    return roots


def roots_of(user: User) -> list[Unit]:
    """The tops of the subtrees whose compliance `user` may see (the banner for an admin)."""
    if permissions.is_admin(user):
        root = root_unit()
        return [root] if root else []
    return visible_roots(permissions.coordinated_units(user))


def tree_key(path: str) -> tuple[int, ...]:
    """Sort key putting each unit after its parent and siblings in creation order."""
    return tuple(int(part) for part in path.strip("/").split("/") if part)


# Units a search lists at most; the rest are counted ("and 12 more").
SEARCH_LIMIT = 50


@dataclass(frozen=True)
class UnitMatch:
    """A unit found by name, with the names of its ancestors the searcher may see."""

    unit_id: int
    name: str
    ancestors: tuple[str, ...]


@dataclass(frozen=True)
class UnitSearch:
    """The first matches of a search and how many units matched in all."""

    matches: list[UnitMatch]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.matches)


def find_units(user: User, text: str, limit: int | None = None) -> UnitSearch:
    """Active units whose name contains `text` (any case) inside the subtrees `user`
    coordinates (everywhere for an admin), shallowest first; the first `limit` of them."""
    found = and_(
        permissions.visible_units_clause(user),
        Unit.active.is_(True),
        Unit.name.icontains(text.strip(), autoescape=True),
    )
    query = select(Unit.id, Unit.name, Unit.path).where(found)
    units = db.session.execute(
        query.order_by(Unit.depth, Unit.id).limit(limit or SEARCH_LIMIT)
    ).all()
    total = db.session.scalar(select(func.count()).select_from(Unit).where(found))
    names = _visible_ancestors(user, units)
    return UnitSearch([_match(unit, names) for unit in units], total or 0)


def _visible_ancestors(user: User, units: list[Row]) -> dict[int, str]:
    """The names of the units' ancestors that `user` may see, by id, in one statement."""
    ids = {int(part) for unit in units for part in unit.path.strip("/").split("/")[:-1]}
    rows = db.session.execute(select(Unit.id, Unit.path, Unit.name).where(Unit.id.in_(ids))).all()
    return {row.id: row.name for row in rows if permissions.can_coordinate(user, row)}


def _match(unit: Row, names: dict[int, str]) -> UnitMatch:
    """A found unit with its visible ancestors' names, from the top down."""
    chain = [int(part) for part in unit.path.strip("/").split("/")[:-1]]
    return UnitMatch(unit.id, unit.name, tuple(names[i] for i in chain if i in names))
