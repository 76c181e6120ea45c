"""The registration drive: how many people on each unit's roster have not registered yet.

Counted with the compliance report (registration links the person's roster entries in
the same transaction, services.rosters.linking), so a person who registers through a
poster is off the count at once. A unit's count
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
    rows = compliance.compliance_report(root, period).rows
    return [_gap(row) for row in rows if subtree or row.unit_id == root.id]


def _gap(row: compliance.UnitRow) -> UnitGap:
    figures = row.figures
    missing = figures.staff - figures.staff_registered if figures.has_roster else None
    return UnitGap(unit_id=row.unit_id, name=row.name, unregistered=missing)
