"""The overview of a unit: its own roster, each direct sub-unit's subtree, the subtree's totals.

The compliance page shows one level of the tree at a time (issue 15: pages that stay
small); the whole tree, every unit's own row, is for the exports
(`rollup.compliance_report`). As the rollup, every unit's own entries are counted once
(grouped by unit and party flag) and the people on more than one entry apart
(`rollup.repeated_people_overcount`): by branch (`scope.branch_map`) for the branch rows,
whole for the subtree totals. A branch row is the sum of its units' own figures less its
overcount, so it equals the full report's totals of that sub-unit; the totals and the
milestone, which counts every assessed unit of the subtree, equal the full report's.
"""

from sqlalchemy import Row

from volunteer.models import Unit
from volunteer.services.compliance.figures import Figures, Report, UnitRow
from volunteer.services.compliance.rollup import (
    COUNTS,
    counts_by_unit,
    entries_cte,
    figures_of,
    less,
    per_unit,
    repeated_people_overcount,
    status_counts,
    subtree_units,
    sum_of,
    unit_row,
)
from volunteer.services.compliance.scope import branch_map
from volunteer.services.compliance.targets import Targets, targets_for
from volunteer.services.periods import Period


def compliance_overview(unit: Unit, period: Period, targets: Targets | None = None) -> Report:
    """The unit's own roster row, then each active direct sub-unit with its subtree's distinct
    people; the subtree's totals and milestone as in `compliance_report`."""
    targets = targets or targets_for(period.year)
    units = subtree_units(unit)
    counts = counts_by_unit(per_unit(entries_cte(unit, period, targets)), *COUNTS)
    own = {u.id: figures_of(counts.get(u.id, {})) for u in units}
    shared = entries_cte(unit, period, targets, shared_only=True)
    in_branches = entries_cte(unit, period, targets, branch_map(unit), shared_only=True)
    branch_overcount = repeated_people_overcount(in_branches, in_branches.c.branch_id)
    every = [unit_row(u, own[u.id], targets) for u in units]
    return Report(
        root=unit,
        period=period,
        targets=targets,
        rows=_branch_rows(unit, units, own, branch_overcount, targets),
        total=less(sum_of(own.values()), repeated_people_overcount(shared)[None]),
        status_counts=status_counts(every),
        units=every,
    )


def _branch_rows(
    root: Unit,
    units: list[Row],
    own: dict[int, Figures],
    overcount: dict[int | None, Figures],
    targets: Targets,
) -> list[UnitRow]:
    """The root's own row, then its active children in tree order, with their subtree figures:
    the sum of their units' own figures less what people on several of them add twice."""
    branch_of = _branches(root, units)
    in_branch: dict[int, list[Figures]] = {}
    for u in units:
        if branch_of.get(u.id) is not None:
            in_branch.setdefault(branch_of[u.id], []).append(own[u.id])
    parents = {_parent_path(u.path) for u in units}
    return [
        unit_row(
            u,
            less(sum_of(in_branch.get(u.id, [])), overcount.get(u.id, Figures())),
            targets,
            u.path in parents,
        )
        for u in units
        if u.id == root.id or u.depth == root.depth + 1
    ]


def _branches(root: Unit, units: list[Row]) -> dict[int, int]:
    """Each unit's branch, as `scope.branch_map`: the root for itself, else the active direct
    child of the root containing it (none below an inactive child)."""
    children = {u.path: u.id for u in units if u.depth == root.depth + 1}
    branches = {root.id: root.id}
    for u in units:
        below = u.path[len(root.path) :]
        if u.id != root.id and below:
            child = children.get(root.path + below.split("/", 1)[0] + "/")
            if child is not None:
                branches[u.id] = child
    return branches


def _parent_path(path: str) -> str:
    """The path of the unit's parent ("/1/4/" for "/1/4/17/")."""
    return path[: path.rstrip("/").rfind("/") + 1]
