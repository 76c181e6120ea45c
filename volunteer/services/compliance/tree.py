"""The unit tree as compliance walks it: the banner, the subtrees a person sees, tree order."""

from sqlalchemy import select

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
