"""The compliance formulas (DOMAIN.md "Compliance"): rates, needs, status, and the report."""

import enum
import math
from dataclasses import dataclass, field
from decimal import Decimal

from volunteer import rounding
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Unit, UnitKind
from volunteer.services.compliance.targets import Targets
from volunteer.services.periods import Period


class Status(enum.StrEnum):
    """Where a unit stands against the targets."""

    MEETS = "meets"
    BELOW = "below"
    NO_ROSTER = "no_roster"


# Shown on the compliance page and written into the Excel summary.
STATUS_LABELS = {
    Status.MEETS: _l("Meets targets"),
    Status.BELOW: _l("Below target"),
    Status.NO_ROSTER: _l("No roster"),
}


def rate(done: int, total: int) -> Decimal | None:
    """done / total floored to 4 places, None when there is no one to count (never 0%)."""
    return rounding.rate(done, total)


def needs(target: Decimal, total: int, completed: int) -> int:
    """How many more must complete to reach `target`: max(0, ceil(target * N) - completed)."""
    return max(0, math.ceil(target * total) - completed)


@dataclass(frozen=True)
class Figures:
    """Counts over a set of roster people (one unit's, or a subtree's distinct people)."""

    staff: int = 0
    staff_registered: int = 0
    staff_completed: int = 0
    party: int = 0
    party_registered: int = 0
    party_completed: int = 0

    @property
    def has_roster(self) -> bool:
        return self.staff > 0

    @property
    def staff_rate(self) -> Decimal | None:
        return rate(self.staff_completed, self.staff)

    @property
    def party_rate(self) -> Decimal | None:
        return rate(self.party_completed, self.party)

    @property
    def staff_registration_rate(self) -> Decimal | None:
        return rate(self.staff_registered, self.staff)

    @property
    def party_registration_rate(self) -> Decimal | None:
        return rate(self.party_registered, self.party)

    def staff_needs(self, targets: Targets) -> int | None:
        """More staff needed to reach the staff target (None without a roster)."""
        if not self.has_roster:
            return None
        return needs(targets.staff_target, self.staff, self.staff_completed)

    def party_needs(self, targets: Targets) -> int | None:
        """More party members needed to reach the party target (None without a roster)."""
        if not self.has_roster:
            return None
        return needs(targets.party_target, self.party, self.party_completed)

    def status(self, targets: Targets) -> Status:
        """Meets when both rates reach their targets; no party members: staff alone."""
        if not self.has_roster:
            return Status.NO_ROSTER
        if self.staff_needs(targets) or self.party_needs(targets):
            return Status.BELOW
        return Status.MEETS


@dataclass(frozen=True)
class UnitRow:
    """One unit's own roster figures."""

    unit_id: int
    code: str
    name: str
    kind: UnitKind
    depth: int
    path: str
    figures: Figures
    status: Status
    staff_needs: int | None
    party_needs: int | None
    assessed: bool = True  # 参与考核: counted in the milestone
    has_children: bool = False  # has active sub-units (the overview's drill-down)


@dataclass
class Report:
    """The compliance of a subtree: one row per unit, the distinct-people totals, the milestone.

    An overview (`overview.compliance_overview`) has a row per branch instead (the root's own
    roster, then each direct sub-unit's subtree) and every unit's own row in `units`, which the
    milestone counts."""

    root: Unit
    period: Period
    targets: Targets
    rows: list[UnitRow]
    total: Figures
    status_counts: dict[Status, int] = field(default_factory=dict)
    units: list[UnitRow] | None = None  # an overview's per-unit rows (the milestone's)

    @property
    def assessed_rows(self) -> list[UnitRow]:
        """The units the milestone counts (参与考核); never the banner's own node."""
        return [row for row in (self.rows if self.units is None else self.units) if row.assessed]

    @property
    def units_meeting(self) -> int:
        return sum(1 for row in self.assessed_rows if row.status == Status.MEETS)

    @property
    def units_assessed(self) -> int:
        """Units counted for the milestone; an assessed unit with no roster is not meeting."""
        return len(self.assessed_rows)

    @property
    def assessed_without_roster(self) -> list[UnitRow]:
        """Assessed units that have not uploaded a roster (未上传名册), to chase up."""
        return [row for row in self.assessed_rows if row.status == Status.NO_ROSTER]

    @property
    def meeting_share(self) -> Decimal | None:
        return rate(self.units_meeting, self.units_assessed)

    @property
    def milestone_reached(self) -> bool | None:
        if self.targets.milestone is None or self.meeting_share is None:
            return None
        return self.meeting_share >= self.targets.milestone

    @property
    def units_needed_for_milestone(self) -> int | None:
        if self.targets.milestone is None:
            return None
        return needs(self.targets.milestone, self.units_assessed, self.units_meeting)
