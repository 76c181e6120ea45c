"""The registration drive: how many people on each unit's roster have not registered yet.

Counted from the roster entries' matched volunteers (registration links the person's roster
entries in the same transaction, services.rosters.linking), so a person who registers
through a poster is off the count at once. One grouped count of roster entries, reading no
credited time: light for a single unit and for a province's subtree. A unit's count
is its OWN roster: a town's poster hangs in the town's offices, its villages get their own.
"""

from dataclasses import dataclass
from datetime import datetime

from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Unit
from volunteer.services import compliance, periods
from volunteer.services.errors import ServiceError


@dataclass(frozen=True)
class UnitGap:
    """One unit and the people on its own roster not yet registered (None: no roster)."""

    unit_id: int
    name: str
    unregistered: int | None


def unregistered_by_unit(root: Unit, subtree: bool, now: datetime | None = None) -> list[UnitGap]:
    """The root unit (and with `subtree`, every active unit below it, in tree order)."""
    if not root.active:
        raise ServiceError(_l("This unit is inactive: nobody can register under it."))
    period = periods.year_period(periods.local_today(now).year)
    counts = compliance.registered_by_unit(root, period, subtree)
    units = compliance.subtree_units(root) if subtree else [root]
    return [_gap(unit, counts.get(unit.id)) for unit in units]


def _gap(unit, counts: tuple[int, int] | None) -> UnitGap:
    """The unit's gap from its own (staff, registered); no roster: None."""
    missing = counts[0] - counts[1] if counts else None
    return UnitGap(unit_id=unit.id, name=unit.name, unregistered=missing)
