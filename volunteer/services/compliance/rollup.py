"""The compliance report of a subtree: every unit's own figures and the distinct-people totals.

ONE statement for the whole subtree: the set of volunteers who completed
`min_minutes` of approved time in the period is a CTE used twice, once grouped
per unit (and party flag) and once per distinct person for the subtree totals
(a person on two rosters counts once). The roster counted is the one of the
period's last day (`scope.roster_day`). The units themselves are a second, plain
statement.
"""

from sqlalchemy import CTE, Row, Select, func, null, select, union_all

from volunteer.extensions import db
from volunteer.models import RosterEntry, Unit
from volunteer.services.compliance.figures import Figures, Report, Status, UnitRow
from volunteer.services.compliance.scope import (
    completed_volunteers,
    on_roster,
    party_flag,
    roster_day,
    roster_volunteers,
    subtree_clause,
)
from volunteer.services.compliance.targets import Targets, targets_for
from volunteer.services.compliance.tree import tree_key
from volunteer.services.periods import Period

# Counts of one unit (or of the totals, unit None) by party flag: (staff, registered, completed).
CountsByParty = dict[int, tuple[int, int, int]]


def compliance_report(root: Unit, period: Period, targets: Targets | None = None) -> Report:
    """Every active unit of the subtree with its own figures (the roster of the period's last
    day), and the subtree totals."""
    targets = targets or targets_for(period.year)
    units = subtree_units(root)
    statement = _rollup_statement(root, period, targets)
    counts = counts_by_unit(statement, "staff", "registered", "completed")
    rows = [unit_row(unit, figures_of(counts.get(unit.id, {})), targets) for unit in units]
    return Report(
        root=root,
        period=period,
        targets=targets,
        rows=rows,
        total=figures_of(counts.get(None, {})),
        status_counts=status_counts(rows),
    )


def own_figures(unit: Unit, period: Period, targets: Targets | None = None) -> Figures:
    """The unit's own roster figures (not its subtree's), as its row in `compliance_report`:
    one statement over its own entries, reading only their volunteers' completion."""
    targets = targets or targets_for(period.year)
    if not unit.active:
        return Figures()
    own = (RosterEntry.unit_id == unit.id, on_roster(roster_day(period)))
    among = select(RosterEntry.volunteer_id).where(*own, RosterEntry.volunteer_id.is_not(None))
    done = completed_volunteers(period, targets, among).cte("done")
    party = party_flag(targets)
    statement = (
        select(
            null().label("unit_id"),
            party.label("party"),
            func.count().label("staff"),
            func.count(RosterEntry.volunteer_id).label("registered"),
            func.count(done.c.volunteer_id).label("completed"),
        )
        .select_from(RosterEntry)
        .outerjoin(done, done.c.volunteer_id == RosterEntry.volunteer_id)
        .where(*own)
        .group_by(party)
    )
    counts = counts_by_unit(statement, "staff", "registered", "completed")
    return figures_of(counts.get(None, {}))


def registered_by_unit(root: Unit, period: Period, subtree: bool) -> dict[int, tuple[int, int]]:
    """(staff, registered) of each unit's own roster of the period's last day: the root's,
    or with `subtree` every active unit's below it. No credited time is read."""
    scope = subtree_clause(root) if subtree else Unit.id == root.id
    rows = db.session.execute(
        select(RosterEntry.unit_id, func.count(), func.count(RosterEntry.volunteer_id))
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .where(on_roster(roster_day(period)), scope)
        .group_by(RosterEntry.unit_id)
    ).all()
    return {unit_id: (staff, registered) for unit_id, staff, registered in rows}


def status_counts(rows: list[UnitRow]) -> dict[Status, int]:
    """How many of the rows stand at each status."""
    counts = dict.fromkeys(Status, 0)
    for row in rows:
        counts[row.status] += 1
    return counts


def subtree_units(root: Unit) -> list[Row]:
    """The active units of the subtree in tree order (parents before children)."""
    units = db.session.execute(
        select(
            Unit.id, Unit.code, Unit.name, Unit.kind, Unit.depth, Unit.path, Unit.assessed
        ).where(subtree_clause(root))
    ).all()
    return sorted(units, key=lambda unit: tree_key(unit.path))


def entries_cte(root: Unit, period: Period, targets: Targets, branches: CTE | None = None) -> CTE:
    """The subtree's roster entries of the period's last day, their volunteer and completion
    (and each entry's branch, `scope.branch_map`, when `branches` is given)."""
    day = roster_day(period)
    # Below the banner, only the subtree's own people's records are read (through the
    # volunteer index) instead of aggregating the whole county's records.
    among = None if root.parent_id is None else roster_volunteers(root, day)
    done = completed_volunteers(period, targets, among).cte("done")
    query = (
        select(
            RosterEntry.unit_id.label("unit_id"),
            RosterEntry.id_number.label("id_number"),
            party_flag(targets).label("party"),
            RosterEntry.volunteer_id.label("volunteer_id"),
            done.c.volunteer_id.label("done_id"),
        )
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .outerjoin(done, done.c.volunteer_id == RosterEntry.volunteer_id)
        .where(on_roster(day), subtree_clause(root))
    )
    if branches is not None:
        query = query.add_columns(branches.c.branch_id).outerjoin(
            branches, branches.c.unit_id == RosterEntry.unit_id
        )
    return query.cte("entries")


def _rollup_statement(root: Unit, period: Period, targets: Targets) -> Select:
    """Per-unit rows (grouped by unit and party flag) and one totals row, in one statement."""
    entries = entries_cte(root, period, targets)
    per_unit = select(
        entries.c.unit_id,
        entries.c.party,
        func.count().label("staff"),
        func.count(entries.c.volunteer_id).label("registered"),
        func.count(entries.c.done_id).label("completed"),
    ).group_by(entries.c.unit_id, entries.c.party)
    people = distinct_people(entries)
    totals = select(
        null().label("unit_id"),
        people.c.party,
        func.count().label("staff"),
        func.count(people.c.volunteer_id).label("registered"),
        func.count(people.c.done_id).label("completed"),
    ).group_by(people.c.party)
    return union_all(per_unit, totals)


def distinct_people(entries: CTE, *keys, name: str = "people"):
    """The entries collapsed by ID number (within each of `keys`' groups): a person on
    several rosters counts once."""
    return (
        select(
            *keys,
            entries.c.id_number,
            func.max(entries.c.party).label("party"),
            func.max(entries.c.volunteer_id).label("volunteer_id"),
            func.max(entries.c.done_id).label("done_id"),
        )
        .group_by(*keys, entries.c.id_number)
        .subquery(name)
    )


def counts_by_unit(statement: Select, *columns: str) -> dict[int | None, dict[int, tuple]]:
    """Run a rollup statement: its named counts per unit id (None: the totals) and party flag."""
    counts: dict[int | None, dict[int, tuple]] = {}
    for row in db.session.execute(statement):
        counts.setdefault(row.unit_id, {})[int(row.party)] = tuple(row._mapping[c] for c in columns)
    return counts


def figures_of(by_party: CountsByParty) -> Figures:
    """Staff figures sum both party flags; party figures are those of flag 1."""
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


def unit_row(unit: Row, figures: Figures, targets: Targets, has_children: bool = False) -> UnitRow:
    """One unit's row with its status and needs."""
    return UnitRow(
        unit_id=unit.id,
        code=unit.code,
        name=unit.name,
        kind=unit.kind,
        depth=unit.depth,
        path=unit.path,
        figures=figures,
        status=figures.status(targets),
        staff_needs=figures.staff_needs(targets),
        party_needs=figures.party_needs(targets),
        assessed=unit.assessed,
        has_children=has_children,
    )
