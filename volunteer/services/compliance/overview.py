"""The overview of a unit: its own roster, each direct sub-unit's subtree, the subtree's totals.

The compliance page shows one level of the tree at a time (issue 15: pages that stay
small); the whole tree, every unit's own row, is for the exports
(`rollup.compliance_report`). ONE statement, as the rollup: the entries carry their
branch (`scope.branch_map`) and are collapsed by (branch, ID number) for the branch
rows, by ID number for the subtree totals, and grouped by unit for the milestone,
which counts every assessed unit of the subtree as the full report does. So a branch
row equals the full report's totals of that sub-unit, and the totals and milestone
equal the full report's. The units are a second, plain statement.
"""

from sqlalchemy import CTE, Row, Select, func, literal_column, null, select, union_all

from volunteer.extensions import db
from volunteer.models import Unit
from volunteer.services.compliance.figures import Report, UnitRow
from volunteer.services.compliance.rollup import (
    distinct_people,
    entries_cte,
    figures_of,
    status_counts,
    subtree_units,
    unit_row,
)
from volunteer.services.compliance.scope import branch_map
from volunteer.services.compliance.targets import Targets, targets_for
from volunteer.services.periods import Period

# The parts of the statement's result: branch rows, every unit's own rows, the totals.
BRANCH, UNIT, TOTAL = 0, 1, 2


def compliance_overview(unit: Unit, period: Period, targets: Targets | None = None) -> Report:
    """The unit's own roster row, then each active direct sub-unit with its subtree's distinct
    people; the subtree's totals and milestone as in `compliance_report`."""
    targets = targets or targets_for(period.year)
    units = subtree_units(unit)
    counts = _counts(_overview_statement(unit, period, targets))
    every = [unit_row(u, figures_of(counts[UNIT].get(u.id, {})), targets) for u in units]
    return Report(
        root=unit,
        period=period,
        targets=targets,
        rows=_branch_rows(unit, units, counts[BRANCH], targets),
        total=figures_of(counts[TOTAL].get(None, {})),
        status_counts=status_counts(every),
        units=every,
    )


def _branch_rows(root: Unit, units: list[Row], counts: dict, targets: Targets) -> list[UnitRow]:
    """The root's own row, then its active children in tree order, with their subtree figures."""
    parents = {_parent_path(u.path) for u in units}
    return [
        unit_row(u, figures_of(counts.get(u.id, {})), targets, u.path in parents)
        for u in units
        if u.id == root.id or u.depth == root.depth + 1
    ]


def _parent_path(path: str) -> str:
    """The path of the unit's parent ("/1/4/" for "/1/4/17/")."""
    return path[: path.rstrip("/").rfind("/") + 1]


def _overview_statement(root: Unit, period: Period, targets: Targets) -> Select:
    """Branch rows, every unit's own rows and the distinct-people totals, in one statement."""
    entries = entries_cte(root, period, targets, branch_map(root))
    in_branch = distinct_people(entries, entries.c.branch_id, name="branch_people")
    people = distinct_people(entries)
    branches = _counted(BRANCH, in_branch, in_branch.c.branch_id)
    return union_all(
        branches.where(in_branch.c.branch_id.is_not(None)),
        _counted(UNIT, entries, entries.c.unit_id),
        _counted(TOTAL, people),
    )


def _counted(part: int, source: CTE, *key) -> Select:
    """Staff, registered and completed of `source` by party flag (and `key`)."""
    unit_id = key[0] if key else null()
    return select(
        literal_column(str(part)).label("part"),
        unit_id.label("unit_id"),
        source.c.party,
        func.count().label("staff"),
        func.count(source.c.volunteer_id).label("registered"),
        func.count(source.c.done_id).label("completed"),
    ).group_by(*key, source.c.party)


def _counts(statement: Select) -> dict[int, dict[int | None, dict[int, tuple]]]:
    """Run the statement: each part's counts per unit id (None: the totals) and party flag."""
    counts: dict[int, dict] = {BRANCH: {}, UNIT: {}, TOTAL: {}}
    for row in db.session.execute(statement):
        by_unit = counts[int(row.part)].setdefault(row.unit_id, {})
        by_unit[int(row.party)] = (row.staff, row.registered, row.completed)
    return counts
