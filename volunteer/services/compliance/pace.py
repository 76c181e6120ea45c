"""Pace: at the pace of the last weeks, when each rate reaches its target, and who will not.

The pace of a rate is how many roster people completed inside the window: the last
`days` Beijing days up to today, cut to the period. A person completes at the moment
their approved time in the period first reached `min_minutes`, the moment the
rates-over-time chart counts from (`history.completion_times`). So the window's
completions are "completed now" minus "completed when the window opened", on today's
roster: the net rise of the rate, never a person twice. Time approved late for old
service counts on its service day: it raises the rate, not the pace.

`Projection` is the arithmetic alone (people short and completions in the window give
the days needed, the projected date, and the completions per week that make it by the
deadline: the period's last day, 31 December for a calendar year). `compliance_pace`
counts every unit's own roster and the subtree's distinct people in ONE statement,
like the rollup.
"""

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import CTE, Select, and_, case, func, null, select, union_all

from volunteer import rounding
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import RosterEntry, Unit, Volunteer
from volunteer.services.compliance.figures import UnitRow, needs, rate
from volunteer.services.compliance.history import HistoryPoint, completion_times
from volunteer.services.compliance.rollup import counts_by_unit
from volunteer.services.compliance.scope import branch_map, party_flag, subtree_clause
from volunteer.services.compliance.targets import Targets
from volunteer.services.compliance.tree import tree_key
from volunteer.services.errors import ServiceError
from volunteer.services.periods import Period, local_midnight

# The window a pace may be read over: under a week is noise, over half a year is history.
MIN_WINDOW_DAYS, MAX_WINDOW_DAYS = 7, 180
WEEK = 7
# Counts of one unit (or of the totals, unit None) by party flag:
# (people, completed, completed in the window, registered in the window).
PaceCounts = dict[int, tuple[int, int, int, int]]


class Outlook(enum.StrEnum):
    """Where a rate is heading at the observed pace."""

    MET = "met"
    ON_TRACK = "on_track"
    CANNOT = "cannot"


OUTLOOK_LABELS = {
    Outlook.MET: _l("Target met"),
    Outlook.ON_TRACK: _l("On track"),
    Outlook.CANNOT: _l("Cannot reach the target by the year's end at the current pace"),
}


def _tenths_up(numerator: int, denominator: int) -> Decimal:
    """numerator / denominator rounded up to one decimal: a pace to keep is never understated."""
    return Decimal(-(-numerator * 10 // denominator)).scaleb(-1)


def _tenths_down(numerator: int, denominator: int) -> Decimal:
    """numerator / denominator rounded down to one decimal: a pace seen is never overstated."""
    return Decimal(numerator * 10 // denominator).scaleb(-1)


@dataclass(frozen=True)
class Projection:
    """One rate at the observed pace: `short` people to go, `recent` completions in the window."""

    short: int
    recent: int
    window_days: int
    today: date
    deadline: date

    @property
    def days_left(self) -> int:
        """Days after today up to the deadline, the deadline included (0 once it has come)."""
        return max(0, (self.deadline - self.today).days)

    @property
    def per_week(self) -> Decimal | None:
        """Completions per week seen in the window (None for an empty window)."""
        if self.window_days <= 0:
            return None
        return _tenths_down(self.recent * WEEK, self.window_days)

    @property
    def days_needed(self) -> int | None:
        """Whole days to reach the target at this pace: 0 when met, None without progress."""
        if self.short == 0:
            return 0
        if self.recent == 0 or self.window_days <= 0:
            return None
        return -(-self.short * self.window_days // self.recent)

    @property
    def weeks_needed(self) -> Decimal | None:
        """Weeks to reach the target at this pace, rounded up to one decimal."""
        if self.days_needed is None:
            return None
        return _tenths_up(self.short * self.window_days, max(self.recent, 1) * WEEK)

    @property
    def projected_date(self) -> date | None:
        """The day the target is reached at this pace (None: met already, or no progress)."""
        if not self.days_needed:
            return None
        return self.today + timedelta(days=self.days_needed)

    @property
    def outlook(self) -> Outlook:
        """Met, on track (reached by the deadline at this pace) or cannot."""
        if self.short == 0:
            return Outlook.MET
        return Outlook.ON_TRACK if self.shortfall == 0 else Outlook.CANNOT

    @property
    def needed_per_week(self) -> Decimal | None:
        """Completions per week that reach the target by the deadline (None once it has come)."""
        if self.short == 0:
            return Decimal(0)
        if self.days_left == 0:
            return None
        return _tenths_up(self.short * WEEK, self.days_left)

    def gained_by(self, day: date) -> int:
        """Whole people completing from today to `day` at this pace."""
        if self.window_days <= 0 or day <= self.today:
            return 0
        return self.recent * (day - self.today).days // self.window_days

    @property
    def shortfall(self) -> int:
        """People still missing at the deadline at this pace."""
        return max(0, self.short - self.gained_by(self.deadline))


def project(short: int, recent: int, window_days: int, today: date, deadline: date) -> Projection:
    """The projection of a rate `short` people below target, `recent` completions in the window."""
    return Projection(short, recent, window_days, today, deadline)


@dataclass(frozen=True)
class Window:
    """The Beijing days whose completions and registrations set the pace, both ends included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return max(0, (self.last - self.first).days + 1)

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[first, last] as a half-open UTC interval."""
        return local_midnight(self.first), local_midnight(self.last + timedelta(days=1))


def pace_window(period: Period, today: date, days: int) -> Window:
    """The last `days` days up to today, cut to the period (never before its start)."""
    last = min(today, period.end)
    first = last - timedelta(days=days - 1)
    if period.start is not None:
        first = max(first, period.start)
    return Window(first, last)


def window_days(asked: int | None = None) -> int:
    """The window asked for, checked, or COMPLIANCE_PACE_WINDOW_DAYS when none was."""
    if asked is None:
        return int(current_app.config["COMPLIANCE_PACE_WINDOW_DAYS"])
    if not MIN_WINDOW_DAYS <= asked <= MAX_WINDOW_DAYS:
        message = _l(
            "The pace is read over %(first)s to %(last)s days.",
            first=MIN_WINDOW_DAYS,
            last=MAX_WINDOW_DAYS,
        )
        raise ServiceError(message, "window")
    return asked


@dataclass(frozen=True)
class UnitPace:
    """A unit's (or the subtree's distinct people's) rates at the observed pace."""

    staff: int
    staff_completed: int
    party: int
    party_completed: int
    joined: int  # roster people who registered inside the window
    staff_projection: Projection
    party_projection: Projection | None  # None without party members
    staff_target: Decimal
    party_target: Decimal

    @property
    def projections(self) -> list[Projection]:
        return [p for p in (self.staff_projection, self.party_projection) if p is not None]

    @property
    def joined_per_week(self) -> Decimal | None:
        """New registrations per week seen in the window."""
        days = self.staff_projection.window_days
        return _tenths_down(self.joined * WEEK, days) if days > 0 else None

    @property
    def at_risk(self) -> bool:
        """True when a rate cannot reach its target by the deadline at this pace."""
        return any(p.outlook == Outlook.CANNOT for p in self.projections)

    @property
    def shortfall(self) -> int:
        """People still missing at the deadline at this pace (the worse rate)."""
        return max(p.shortfall for p in self.projections)

    @property
    def behind(self) -> Decimal:
        """How far behind: how far the rate at the deadline at this pace falls short of its
        target, as a share (0.45 is 45 percentage points; the worse rate; 0 when on track)."""
        staff, party = self.rates_on(self.staff_projection.deadline)
        gaps = [self.staff_target - (staff or 0)]
        if self.party_projection is not None:
            gaps.append(self.party_target - (party or 0))
        return max(Decimal(0), *gaps)

    @property
    def behind_points(self) -> Decimal:
        """`behind` in percentage points, floored to one decimal."""
        return rounding.floor_decimal(self.behind * 100, 1)

    def rates_on(self, day: date) -> tuple[Decimal | None, Decimal | None]:
        """The staff and party rates on `day` at this pace (never above 100%)."""
        staff = self.staff_completed + self.staff_projection.gained_by(day)
        party = self.party_completed
        if self.party_projection is not None:
            party += self.party_projection.gained_by(day)
        return rate(min(staff, self.staff), self.staff), rate(min(party, self.party), self.party)


@dataclass(frozen=True)
class Pace:
    """The pace of a subtree: every unit with a roster, and the subtree's distinct people."""

    window: Window
    today: date
    deadline: date
    units: dict[int, UnitPace]
    total: UnitPace | None


@dataclass(frozen=True)
class AtRisk:
    """A unit that will not make it at the current pace."""

    row: UnitRow
    pace: UnitPace


def compliance_pace(
    root: Unit,
    period: Period,
    targets: Targets,
    today: date,
    days: int,
    per_unit: bool = True,
    by_branch: bool = False,
) -> Pace:
    """Every unit's pace (unless not `per_unit`) and the subtree's, in one statement; with
    `by_branch`, the root's own roster's and each direct sub-unit's subtree's instead of
    every unit's (the overview's rows, `scope.branch_map`)."""
    window = pace_window(period, today, days)
    entries = _entries_cte(root, period, targets, window, by_branch)
    statement = _pace_statement(entries, per_unit, by_branch)
    counts = counts_by_unit(statement, "people", "done", "recent", "joined")

    def pace_of(by_party: PaceCounts) -> UnitPace | None:
        return _unit_pace(by_party, targets, window.days, today, period.end)

    units = {unit_id: pace_of(c) for unit_id, c in counts.items() if unit_id is not None}
    return Pace(
        window=window,
        today=today,
        deadline=period.end,
        units={unit_id: pace for unit_id, pace in units.items() if pace is not None},
        total=pace_of(counts.get(None, {})),
    )


def at_risk(rows: list[UnitRow], pace: Pace) -> list[AtRisk]:
    """The units that cannot make it at the current pace, the furthest behind first."""
    risky = [
        AtRisk(row, pace.units[row.unit_id])
        for row in rows
        if row.unit_id in pace.units and pace.units[row.unit_id].at_risk
    ]
    return sorted(
        risky, key=lambda item: (-item.pace.behind, -item.pace.shortfall, tree_key(item.row.path))
    )


def projected_points(pace: UnitPace, today: date, deadline: date) -> list[HistoryPoint]:
    """The month ends after today up to the deadline, with the rates this pace gives them."""
    return [
        HistoryPoint(day, None, *pace.rates_on(day)) for day in _month_ends_after(today, deadline)
    ]


def _month_ends_after(today: date, deadline: date) -> list[date]:
    """The last day of each month after today up to the deadline (and the deadline itself)."""
    ends, cursor = [], date(today.year, today.month, 1)
    while cursor <= deadline:
        following = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        end = min(following - timedelta(days=1), deadline)
        if end > today:
            ends.append(end)
        cursor = following
    return ends


def _inside(column, window: Window):
    """1 when the moment falls inside the window's days, else NULL (for count())."""
    start, end = window.utc_bounds()
    return case((and_(column >= start, column < end), 1))


def _entries_cte(
    root: Unit, period: Period, targets: Targets, window: Window, by_branch: bool
) -> CTE:
    """Active roster entries of the subtree: completed, completed and registered in the window
    (and their branch, when asked)."""
    reached = completion_times(root, period, targets.min_minutes)
    query = (
        select(
            RosterEntry.unit_id.label("unit_id"),
            RosterEntry.id_number.label("id_number"),
            party_flag(targets).label("party"),
            case((reached.c.reached_at.is_not(None), 1)).label("done"),
            _inside(reached.c.reached_at, window).label("recent"),
            _inside(Volunteer.registered_at, window).label("joined"),
        )
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .outerjoin(Volunteer, Volunteer.id == RosterEntry.volunteer_id)
        .outerjoin(reached, reached.c.volunteer_id == RosterEntry.volunteer_id)
        .where(RosterEntry.active.is_(True), subtree_clause(root))
    )
    if by_branch:
        branches = branch_map(root)
        query = query.add_columns(branches.c.branch_id).outerjoin(
            branches, branches.c.unit_id == RosterEntry.unit_id
        )
    return query.cte("pace_entries")


COUNTED = ("party", "done", "recent", "joined")


def _people(entries: CTE, *keys, name: str = "pace_people"):
    """The entries collapsed by ID number (within each of `keys`' groups)."""
    return (
        select(*keys, entries.c.id_number, *(func.max(entries.c[c]).label(c) for c in COUNTED))
        .group_by(*keys, entries.c.id_number)
        .subquery(name)
    )


def _pace_statement(entries: CTE, per_unit: bool, by_branch: bool) -> Select:
    """Per-unit (or per-branch) rows by party flag and the distinct-people totals, in one
    statement."""
    totals = _grouped(_people(entries), null().label("unit_id"))
    if not per_unit:
        return totals
    if not by_branch:
        return union_all(_grouped(entries, entries.c.unit_id).group_by(entries.c.unit_id), totals)
    in_branch = _people(entries, entries.c.branch_id, name="pace_branch_people")
    branch = in_branch.c.branch_id
    rows = _grouped(in_branch, branch.label("unit_id")).where(branch.is_not(None)).group_by(branch)
    return union_all(rows, totals)


def _grouped(source, unit_id) -> Select:
    """Counts of people, completed, recent and joined by party flag."""
    return select(
        unit_id,
        source.c.party,
        func.count().label("people"),
        func.count(source.c.done).label("done"),
        func.count(source.c.recent).label("recent"),
        func.count(source.c.joined).label("joined"),
    ).group_by(source.c.party)


def _unit_pace(
    by_party: PaceCounts, targets: Targets, days: int, today: date, deadline: date
) -> UnitPace | None:
    """Both rates' projections from the counts (None without a roster)."""
    staff = [sum(values) for values in zip(*by_party.values(), strict=True)] or [0, 0, 0, 0]
    party = by_party.get(1, (0, 0, 0, 0))
    if staff[0] == 0:
        return None

    def projection(counts, target: Decimal) -> Projection:
        return project(needs(target, counts[0], counts[1]), counts[2], days, today, deadline)

    return UnitPace(
        staff=staff[0],
        staff_completed=staff[1],
        party=party[0],
        party_completed=party[1],
        joined=staff[3],
        staff_projection=projection(staff, targets.staff_target),
        party_projection=projection(party, targets.party_target) if party[0] else None,
        staff_target=targets.staff_target,
        party_target=targets.party_target,
    )
