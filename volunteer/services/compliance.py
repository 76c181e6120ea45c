"""Compliance (DOMAIN.md "Compliance"): who on a unit's roster registered and completed.

Everything is computed in a handful of SQL aggregate statements per page,
never one per unit or per person:

- `compliance_report` runs ONE statement for a whole subtree: the set of
  volunteers who completed `min_minutes` of approved time in the period is a
  CTE used twice, once grouped per unit (and party flag) and once per distinct
  person for the subtree totals (a person on two rosters counts once).
- `compliance_history` derives the rates month by month from registration
  dates and record dates (two statements).
- `missing_people` lists, for one unit or a subtree, roster people not
  registered and registered without enough hours (one statement).

Roster entries match volunteers by the normalized ID number at query time,
so someone who registers after the roster was uploaded counts at once.
"""

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import (
    Select,
    and_,
    case,
    func,
    literal,
    null,
    select,
    union_all,
)

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import (
    ComplianceSettings,
    PoliticalStatus,
    RecordStatus,
    RosterEntry,
    ServiceRecord,
    Unit,
    UnitKind,
    User,
    Volunteer,
)
from volunteer.services.audit import record_audit
from volunteer.services.errors import ServiceError
from volunteer.services.periods import Period, local_midnight, local_today

DEFAULT_STAFF_TARGET = Decimal("0.7000")
DEFAULT_PARTY_TARGET = Decimal("0.9000")
# The campaign plan: year 1 aims for 80% of units meeting targets, year 2 for 100%.
DEFAULT_MIN_MINUTES = 1


class Status(enum.StrEnum):
    """Where a unit stands against the targets."""

    MEETS = "meets"
    BELOW = "below"
    NO_ROSTER = "no_roster"


STATUS_LABELS = {
    Status.MEETS: _l("Meets targets"),
    Status.BELOW: _l("Below target"),
    Status.NO_ROSTER: _l("No roster"),
}

# Kinds of unit as the compliance page filters them.
KIND_GROUPS: dict[str, tuple[UnitKind, ...]] = {
    "departments": (
        UnitKind.PARTY_DEPARTMENT,
        UnitKind.GOVERNMENT_DEPARTMENT,
        UnitKind.PEOPLES_ORGANIZATION,
        UnitKind.JUDICIAL,
        UnitKind.FINANCIAL,
        UnitKind.SERVICE_CENTER,
    ),
    "towns": (UnitKind.TOWN,),
    "villages": (UnitKind.VILLAGE, UnitKind.COMMUNITY),
    "other": (UnitKind.BANNER, UnitKind.SCHOOL, UnitKind.ENTERPRISE, UnitKind.OTHER),
}
KIND_GROUP_LABELS = {
    "departments": _l("Departments"),
    "towns": _l("Towns"),
    "villages": _l("Villages and communities"),
    "other": _l("Other units"),
}


# ---- targets ----------------------------------------------------------------------


@dataclass(frozen=True)
class Targets:
    """The targets in force for a year (a ComplianceSettings row, or the defaults)."""

    year: int
    staff_target: Decimal = DEFAULT_STAFF_TARGET
    party_target: Decimal = DEFAULT_PARTY_TARGET
    count_probationary: bool = True
    min_minutes: int = DEFAULT_MIN_MINUTES
    milestone: Decimal | None = None
    saved: bool = False

    def party_statuses(self) -> tuple[PoliticalStatus, ...]:
        if self.count_probationary:
            return (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY)
        return (PoliticalStatus.CPC_MEMBER,)


def targets_for(year: int) -> Targets:
    """The targets set for `year`, or the DOMAIN.md defaults when none were saved."""
    row = db.session.get(ComplianceSettings, year)
    if row is None:
        return Targets(year=year)
    return Targets(
        year=year,
        staff_target=Decimal(row.staff_target),
        party_target=Decimal(row.party_target),
        count_probationary=row.count_probationary,
        min_minutes=row.min_minutes,
        milestone=Decimal(row.milestone) if row.milestone is not None else None,
        saved=True,
    )


def save_targets(
    year: int,
    *,
    staff_target: Decimal,
    party_target: Decimal,
    count_probationary: bool,
    min_minutes: int,
    milestone: Decimal | None,
    actor: User | None,
) -> ComplianceSettings:
    """Create or change the targets of `year` (audited)."""
    if not 2000 <= year <= 2100:
        raise ServiceError(_l("Enter a year between 2000 and 2100."), "year")
    for name, value in (("staff_target", staff_target), ("party_target", party_target)):
        if not Decimal(0) < value <= Decimal(1):
            raise ServiceError(_l("A target is a share above 0% and at most 100%."), name)
    if milestone is not None and not Decimal(0) <= milestone <= Decimal(1):
        raise ServiceError(_l("The milestone is a share from 0% to 100%."), "milestone")
    if min_minutes < 1:
        raise ServiceError(_l("The minimum service time must be more than zero."), "min_hours")
    row = db.session.get(ComplianceSettings, year)
    before = None
    if row is None:
        row = ComplianceSettings(year=year)
        db.session.add(row)
    else:
        before = _settings_snapshot(row)
    row.staff_target = staff_target.quantize(Decimal("0.0001"))
    row.party_target = party_target.quantize(Decimal("0.0001"))
    row.count_probationary = count_probationary
    row.min_minutes = min_minutes
    row.milestone = milestone.quantize(Decimal("0.0001")) if milestone is not None else None
    row.updated_by_id = actor.id if actor is not None else None
    db.session.flush()
    record_audit(
        actor, "compliance.settings", None, year=year, before=before, after=_settings_snapshot(row)
    )
    return row


def _settings_snapshot(row: ComplianceSettings) -> dict:
    return {
        "staff_target": str(row.staff_target),
        "party_target": str(row.party_target),
        "count_probationary": row.count_probationary,
        "min_minutes": row.min_minutes,
        "milestone": None if row.milestone is None else str(row.milestone),
    }


def saved_years() -> list[ComplianceSettings]:
    """Every year with saved targets, newest first."""
    return list(
        db.session.scalars(select(ComplianceSettings).order_by(ComplianceSettings.year.desc()))
    )


# ---- figures and the formulas -----------------------------------------------------------


def rate(done: int, total: int) -> Decimal | None:
    """done / total to 4 places, None when there is no one to count (never 0%)."""
    if total == 0:
        return None
    return (Decimal(done) / Decimal(total)).quantize(Decimal("0.0001"))


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
        if not self.has_roster:
            return None
        return needs(targets.staff_target, self.staff, self.staff_completed)

    def party_needs(self, targets: Targets) -> int | None:
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

    @property
    def kind_group(self) -> str:
        return kind_group(self.kind)


def kind_group(kind: UnitKind) -> str:
    """The filter group (departments, towns, villages, other) of a unit kind."""
    for group, kinds in KIND_GROUPS.items():
        if kind in kinds:
            return group
    return "other"


@dataclass
class Report:
    """The compliance of a subtree: one row per unit, the distinct-people totals, the milestone."""

    root: Unit
    period: Period
    targets: Targets
    rows: list[UnitRow]
    total: Figures
    status_counts: dict[Status, int] = field(default_factory=dict)

    @property
    def units_meeting(self) -> int:
        return self.status_counts.get(Status.MEETS, 0)

    @property
    def units_assessed(self) -> int:
        """Units counted for the milestone: every unit, a unit with no roster as not meeting."""
        return len(self.rows)

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


# ---- the SQL ------------------------------------------------------------------------------


def _subtree_clause(root: Unit):
    return and_(Unit.path.startswith(root.path, autoescape=True), Unit.active.is_(True))


def _party_flag(targets: Targets):
    return case(
        (RosterEntry.political_status.in_([s.value for s in targets.party_statuses()]), 1),
        else_=0,
    )


def completed_volunteers(period: Period, targets: Targets, among=None):
    """Volunteers with at least min_minutes of APPROVED time checked in inside the period
    (optionally only those whose id is in the subquery `among`)."""
    start, end = period.utc_bounds()
    query = select(ServiceRecord.volunteer_id.label("volunteer_id")).where(
        ServiceRecord.status == RecordStatus.APPROVED,
        ServiceRecord.check_in_at >= start,
        ServiceRecord.check_in_at < end,
        ServiceRecord.credited_minutes > 0,
    )
    if among is not None:
        query = query.where(ServiceRecord.volunteer_id.in_(among))
    return query.group_by(ServiceRecord.volunteer_id).having(
        func.sum(ServiceRecord.credited_minutes) >= targets.min_minutes
    )


def _roster_volunteers(root: Unit):
    """Ids of volunteers matching an active roster entry of the subtree."""
    return (
        select(Volunteer.id)
        .join(RosterEntry, RosterEntry.id_number == Volunteer.id_number)
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .where(RosterEntry.active.is_(True), _subtree_clause(root))
    )


def _entries_cte(root: Unit, period: Period, targets: Targets):
    """Active roster entries of the subtree with their volunteer (or NULL) and completion."""
    # Below the banner, only the subtree's own people's records are read (through the
    # volunteer index) instead of aggregating the whole county's records.
    among = None if root.parent_id is None else _roster_volunteers(root)
    done = completed_volunteers(period, targets, among).cte("done")
    return (
        select(
            RosterEntry.unit_id.label("unit_id"),
            RosterEntry.id_number.label("id_number"),
            _party_flag(targets).label("party"),
            Volunteer.id.label("volunteer_id"),
            done.c.volunteer_id.label("done_id"),
        )
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .outerjoin(Volunteer, Volunteer.id_number == RosterEntry.id_number)
        .outerjoin(done, done.c.volunteer_id == Volunteer.id)
        .where(RosterEntry.active.is_(True), _subtree_clause(root))
        .cte("entries")
    )


def _rollup_statement(root: Unit, period: Period, targets: Targets) -> Select:
    """Per-unit rows (grouped by unit and party flag) and one totals row, in one statement."""
    entries = _entries_cte(root, period, targets)
    per_unit = select(
        entries.c.unit_id,
        entries.c.party,
        func.count().label("staff"),
        func.count(entries.c.volunteer_id).label("registered"),
        func.count(entries.c.done_id).label("completed"),
    ).group_by(entries.c.unit_id, entries.c.party)
    # A person on several rosters of the subtree counts once: collapse by ID number first.
    people = (
        select(
            entries.c.id_number,
            func.max(entries.c.party).label("party"),
            func.max(entries.c.volunteer_id).label("volunteer_id"),
            func.max(entries.c.done_id).label("done_id"),
        )
        .group_by(entries.c.id_number)
        .subquery("people")
    )
    totals = select(
        null().label("unit_id"),
        people.c.party,
        func.count().label("staff"),
        func.count(people.c.volunteer_id).label("registered"),
        func.count(people.c.done_id).label("completed"),
    ).group_by(people.c.party)
    return union_all(per_unit, totals)


def _figures(by_party: dict[int, tuple[int, int, int]]) -> Figures:
    staff = [sum(values) for values in zip(*by_party.values(), strict=True)] or [0, 0, 0]
    party = by_party.get(1, (0, 0, 0))
    return Figures(
        staff=staff[0],
        staff_registered=staff[1],
        staff_completed=staff[2],
        party=party[0],
        party_registered=party[1],
        party_completed=party[2],
    )


def compliance_report(root: Unit, period: Period, targets: Targets | None = None) -> Report:
    """Every active unit of the subtree with its own roster figures, and the subtree totals."""
    targets = targets or targets_for(period.year)
    units = db.session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.depth, Unit.path).where(
            _subtree_clause(root)
        )
    ).all()
    units = sorted(units, key=lambda unit: tree_key(unit.path))
    per_unit: dict[int | None, dict[int, tuple[int, int, int]]] = {}
    for row in db.session.execute(_rollup_statement(root, period, targets)):
        per_unit.setdefault(row.unit_id, {})[int(row.party)] = (
            row.staff,
            row.registered,
            row.completed,
        )
    rows = []
    status_counts = dict.fromkeys(Status, 0)
    for unit in units:
        figures = _figures(per_unit.get(unit.id, {}))
        status = figures.status(targets)
        status_counts[status] += 1
        rows.append(
            UnitRow(
                unit_id=unit.id,
                code=unit.code,
                name=unit.name,
                kind=unit.kind,
                depth=unit.depth,
                path=unit.path,
                figures=figures,
                status=status,
                staff_needs=figures.staff_needs(targets),
                party_needs=figures.party_needs(targets),
            )
        )
    return Report(
        root=root,
        period=period,
        targets=targets,
        rows=rows,
        total=_figures(per_unit.get(None, {})),
        status_counts=status_counts,
    )


def tree_key(path: str) -> tuple[int, ...]:
    """Sort key putting each unit after its parent and siblings in creation order."""
    return tuple(int(part) for part in path.strip("/").split("/") if part)


SORT_KEYS = {
    "tree": lambda row: tree_key(row.path),
    "name": lambda row: row.name,
    "staff": lambda row: row.figures.staff,
    "staff_rate": lambda row: (row.figures.staff_rate is None, row.figures.staff_rate or 0),
    "party_rate": lambda row: (row.figures.party_rate is None, row.figures.party_rate or 0),
    "staff_needs": lambda row: (row.staff_needs is None, row.staff_needs or 0),
    "party_needs": lambda row: (row.party_needs is None, row.party_needs or 0),
}


def filter_and_sort(
    rows: Iterable[UnitRow],
    kind: str | None = None,
    status: str | None = None,
    sort: str = "tree",
    descending: bool = False,
) -> list[UnitRow]:
    """The rows of one kind group and status, sorted by a column (no-roster rows last)."""
    chosen = [
        row
        for row in rows
        if (not kind or row.kind_group == kind) and (not status or row.status == status)
    ]
    key = SORT_KEYS.get(sort, SORT_KEYS["tree"])
    if sort in ("tree", "name"):
        return sorted(chosen, key=key, reverse=descending)
    with_value = [row for row in chosen if key(row)[0] is False]
    without = [row for row in chosen if key(row)[0] is not False]
    return sorted(with_value, key=key, reverse=descending) + without


# ---- rates over time ----------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryPoint:
    """Cumulative figures of the subtree's current roster at the end of one month."""

    day: date
    staff_registration_rate: Decimal | None
    staff_rate: Decimal | None
    party_rate: Decimal | None


def _month_ends(period: Period, today: date) -> list[date]:
    """The last day of each month of the period, up to today (and the last day shown)."""
    last = min(period.end, today)
    ends = []
    cursor = period.start
    while cursor <= last:
        next_month = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        ends.append(min(next_month - timedelta(days=1), last))
        cursor = next_month
    return ends


def _bucket(column, boundaries: list[datetime]):
    """Index of the first boundary the time falls before (1-based), NULL after the last."""
    return case(*((column < bound, index + 1) for index, bound in enumerate(boundaries)))


def compliance_history(
    root: Unit, period: Period, targets: Targets | None = None, today: date | None = None
) -> list[HistoryPoint]:
    """Month-end rates for the subtree's current roster, from registration and record dates."""
    targets = targets or targets_for(period.year)
    ends = _month_ends(period, today or local_today())
    if not ends:
        return []
    boundaries = [local_midnight(day + timedelta(days=1)) for day in ends]
    people = (
        select(
            RosterEntry.id_number.label("id_number"),
            func.max(_party_flag(targets)).label("party"),
        )
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .where(RosterEntry.active.is_(True), _subtree_clause(root))
        .group_by(RosterEntry.id_number)
        .subquery("people")
    )
    totals = db.session.execute(
        select(func.count(), func.coalesce(func.sum(people.c.party), 0))
    ).one()
    staff, party = totals[0], int(totals[1])
    start, end = period.utc_bounds()
    record_time = ServiceRecord.check_in_at
    approved = and_(
        ServiceRecord.status == RecordStatus.APPROVED,
        record_time >= start,
        record_time < end,
        ServiceRecord.credited_minutes > 0,
    )
    if root.parent_id is not None:  # read only the subtree's people's records
        approved = and_(approved, ServiceRecord.volunteer_id.in_(_roster_volunteers(root)))
    if targets.min_minutes <= 1:
        # Minutes are whole and non-negative: the sum first reaches 1 at the first credited record.
        reached = (
            select(ServiceRecord.volunteer_id, func.min(record_time).label("reached_at"))
            .where(approved)
            .group_by(ServiceRecord.volunteer_id)
            .subquery("reached")
        )
    else:
        running = (
            select(
                ServiceRecord.volunteer_id,
                record_time.label("at"),
                func.sum(ServiceRecord.credited_minutes)
                .over(
                    partition_by=ServiceRecord.volunteer_id,
                    order_by=(record_time, ServiceRecord.id),
                )
                .label("running"),
            )
            .where(approved)
            .subquery("running")
        )
        reached = (
            select(running.c.volunteer_id, func.min(running.c.at).label("reached_at"))
            .where(running.c.running >= targets.min_minutes)
            .group_by(running.c.volunteer_id)
            .subquery("reached")
        )
    registered_bucket = _bucket(Volunteer.registered_at, boundaries)
    completed_bucket = _bucket(reached.c.reached_at, boundaries)
    base = select(people.c.party).join(Volunteer, Volunteer.id_number == people.c.id_number)
    registrations = base.add_columns(registered_bucket.label("bucket"), literal("r").label("what"))
    completions = base.join(reached, reached.c.volunteer_id == Volunteer.id).add_columns(
        completed_bucket.label("bucket"), literal("c").label("what")
    )
    combined = union_all(registrations, completions).subquery("events")
    counts: dict[tuple[str, int, int], int] = {}
    for row in db.session.execute(
        select(combined.c.what, combined.c.bucket, combined.c.party, func.count())
        .where(combined.c.bucket.is_not(None))
        .group_by(combined.c.what, combined.c.bucket, combined.c.party)
    ):
        counts[(row[0], int(row[1]), int(row[2]))] = row[3]
    points = []
    registered_staff = completed_staff = completed_party = 0
    for index, day in enumerate(ends, start=1):
        registered_staff += counts.get(("r", index, 0), 0) + counts.get(("r", index, 1), 0)
        completed_staff += counts.get(("c", index, 0), 0) + counts.get(("c", index, 1), 0)
        completed_party += counts.get(("c", index, 1), 0)
        points.append(
            HistoryPoint(
                day=day,
                staff_registration_rate=rate(registered_staff, staff),
                staff_rate=rate(completed_staff, staff),
                party_rate=rate(completed_party, party),
            )
        )
    return points


# ---- who is missing -----------------------------------------------------------------------


class Missing(enum.StrEnum):
    """Why a roster person does not count as completed."""

    NOT_REGISTERED = "not_registered"
    NO_HOURS = "no_hours"


MISSING_LABELS = {
    Missing.NOT_REGISTERED: _l("Not registered"),
    Missing.NO_HOURS: _l("Registered, not enough hours"),
}


@dataclass(frozen=True)
class MissingPerson:
    """A roster person who has not completed, with what is needed to chase them."""

    unit_id: int
    unit_code: str
    unit_name: str
    name: str
    id_number: str
    phone: str | None
    position: str | None
    party: bool
    reason: Missing
    volunteer_number: str | None
    minutes: int


def missing_people(
    root: Unit, period: Period, targets: Targets | None = None, subtree: bool = False
) -> list[MissingPerson]:
    """Roster people of the unit (or its whole subtree) who are not registered, or are
    registered with less than min_minutes of approved time in the period."""
    targets = targets or targets_for(period.year)
    start, end = period.utc_bounds()
    scope = _subtree_clause(root) if subtree else Unit.id == root.id
    minutes = (
        select(
            ServiceRecord.volunteer_id,
            func.sum(ServiceRecord.credited_minutes).label("minutes"),
        )
        .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
        .join(RosterEntry, RosterEntry.id_number == Volunteer.id_number)
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .where(
            scope,
            RosterEntry.active.is_(True),
            ServiceRecord.status == RecordStatus.APPROVED,
            ServiceRecord.check_in_at >= start,
            ServiceRecord.check_in_at < end,
        )
        .group_by(ServiceRecord.volunteer_id)
        .subquery("minutes")
    )
    served = func.coalesce(minutes.c.minutes, 0)
    rows = db.session.execute(
        select(
            Unit.id,
            Unit.code,
            Unit.name.label("unit_name"),
            RosterEntry.name,
            RosterEntry.id_number,
            RosterEntry.phone,
            RosterEntry.position,
            _party_flag(targets).label("party"),
            Volunteer.volunteer_number,
            Volunteer.id.label("volunteer_id"),
            served.label("served"),
        )
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .outerjoin(Volunteer, Volunteer.id_number == RosterEntry.id_number)
        .outerjoin(minutes, minutes.c.volunteer_id == Volunteer.id)
        .where(
            scope,
            RosterEntry.active.is_(True),
            (Volunteer.id.is_(None)) | (served < targets.min_minutes),
        )
        .order_by(Unit.path, Volunteer.id.is_not(None), RosterEntry.name, RosterEntry.id)
    ).all()
    return [
        MissingPerson(
            unit_id=row.id,
            unit_code=row.code,
            unit_name=row.unit_name,
            name=row.name,
            id_number=row.id_number,
            phone=row.phone,
            position=row.position,
            party=bool(row.party),
            reason=Missing.NOT_REGISTERED if row.volunteer_id is None else Missing.NO_HOURS,
            volunteer_number=row.volunteer_number,
            minutes=int(row.served),
        )
        for row in rows
    ]


def root_unit() -> Unit | None:
    """The banner (the unit without a parent)."""
    return db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))


def visible_roots(units: list[Unit]) -> list[Unit]:
    """The given units without those lying inside another one's subtree."""
    ordered = sorted(units, key=lambda unit: unit.path)
    roots: list[Unit] = []
    for unit in ordered:
        if not any(unit.path.startswith(root.path) for root in roots):
            roots.append(unit)
    return roots
