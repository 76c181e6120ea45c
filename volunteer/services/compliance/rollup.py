"""The compliance report of a subtree: every unit's own figures and the distinct-people totals.

Two statements over the roster of the period's last day (`scope.roster_day`), both
reading who completed `min_minutes` of approved time in the period:
- every unit's own entries, grouped by unit and party flag;
- the people whose ID number is on more than one entry (`RosterEntry.id_number_shared`,
  a few percent of a roster), collapsed by ID number: what they add to the units' sums
  beyond counting once (`repeated_people_overcount`).
The subtree totals are the units' sums less that overcount: a person on two rosters
counts once, as if every entry were collapsed by its ID number, without grouping every
entry by that string. The units themselves are a third, plain statement.
"""

from dataclasses import fields

from sqlalchemy import CTE, Row, Select, and_, case, func, null, select

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
COUNTS = ("staff", "registered", "completed")  # the columns of `per_unit`, in that order


def compliance_report(root: Unit, period: Period, targets: Targets | None = None) -> Report:
    """Every active unit of the subtree with its own figures (the roster of the period's last
    day), and the subtree totals."""
    targets = targets or targets_for(period.year)
    units = subtree_units(root)
    entries = entries_cte(root, period, targets)
    counts = counts_by_unit(per_unit(entries), *COUNTS)
    shared = entries_cte(root, period, targets, shared_only=True)
    overcount = repeated_people_overcount(shared).get(None, Figures())
    rows = [unit_row(unit, figures_of(counts.get(unit.id, {})), targets) for unit in units]
    return Report(
        root=root,
        period=period,
        targets=targets,
        rows=rows,
        total=less(sum_of(figures_of(by_party) for by_party in counts.values()), overcount),
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
    counts = counts_by_unit(statement, *COUNTS)
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


def entries_cte(
    root: Unit,
    period: Period,
    targets: Targets,
    branches: CTE | None = None,
    shared_only: bool = False,
) -> CTE:
    """The subtree's roster entries of the period's last day, their volunteer and completion
    (and each entry's branch, `scope.branch_map`, when `branches` is given; with
    `shared_only`, only the entries whose ID number is on another entry too)."""
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
    if shared_only:
        query = query.where(RosterEntry.id_number_shared)  # bare: the partial index's own test
    if branches is not None:
        query = query.add_columns(branches.c.branch_id).outerjoin(
            branches, branches.c.unit_id == RosterEntry.unit_id
        )
    return query.cte("entries")


def per_unit(entries: CTE) -> Select:
    """Staff, registered and completed of each unit's own entries, by party flag."""
    return select(
        entries.c.unit_id,
        entries.c.party,
        func.count().label("staff"),
        func.count(entries.c.volunteer_id).label("registered"),
        func.count(entries.c.done_id).label("completed"),
    ).group_by(entries.c.unit_id, entries.c.party)


def repeated_people_overcount(shared: CTE, key=None) -> dict[int | None, Figures]:
    """What the people of `shared` (entries whose ID number another entry carries) add to
    a sum of per-entry counts beyond counting each person once, per entry less per person;
    by `key` (a column of `shared`, such as the branch), or all under None.

    A person is a party member, registered or completed when any of their entries is, as
    when every entry is collapsed by ID number."""
    keys = [] if key is None else [key]
    party_entry = shared.c.party == 1
    person = (
        select(
            *(column.label("key") for column in keys),
            func.count().label("entries"),
            func.sum(shared.c.party).label("party_entries"),
            func.count(shared.c.volunteer_id).label("registered_entries"),
            func.count(shared.c.done_id).label("completed_entries"),
            _count_where(and_(party_entry, shared.c.volunteer_id.is_not(None))).label(
                "party_registered_entries"
            ),
            _count_where(and_(party_entry, shared.c.done_id.is_not(None))).label(
                "party_completed_entries"
            ),
            func.max(shared.c.party).label("party"),
            func.max(shared.c.volunteer_id).label("volunteer_id"),
            func.max(shared.c.done_id).label("done_id"),
        )
        .group_by(*keys, shared.c.id_number)
        .having(func.count() > 1)  # on one entry here: counted once already
        .subquery("repeated_people")
    )
    party_person = person.c.party == 1
    by_key = [person.c.key] if keys else []
    rows = db.session.execute(
        select(
            *(by_key or [null().label("key")]),
            func.sum(person.c.entries - 1),
            func.sum(person.c.registered_entries) - func.count(person.c.volunteer_id),
            func.sum(person.c.completed_entries) - func.count(person.c.done_id),
            func.sum(person.c.party_entries) - func.sum(person.c.party),
            func.sum(person.c.party_registered_entries)
            - _count_where(and_(party_person, person.c.volunteer_id.is_not(None))),
            func.sum(person.c.party_completed_entries)
            - _count_where(and_(party_person, person.c.done_id.is_not(None))),
        ).group_by(*by_key)
    ).all()
    return {row[0]: Figures(*(int(value or 0) for value in row[1:])) for row in rows}


def _count_where(condition):
    """How many rows meet `condition` (a sum of 1s: SQLite and PostgreSQL alike)."""
    return func.sum(case((condition, 1), else_=0))


def sum_of(figures) -> Figures:
    """Field-by-field sum of figures."""
    totals = [0] * len(fields(Figures))
    for one in figures:
        totals = [total + value for total, value in zip(totals, _values(one), strict=True)]
    return Figures(*totals)


def less(figures: Figures, overcount: Figures) -> Figures:
    """Figures with an overcount taken off, field by field."""
    return Figures(*(a - b for a, b in zip(_values(figures), _values(overcount), strict=True)))


def _values(figures: Figures) -> tuple[int, ...]:
    return tuple(getattr(figures, field.name) for field in fields(Figures))


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
