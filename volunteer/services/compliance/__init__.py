"""Compliance (DOMAIN.md "Compliance"): who on a unit's roster registered and completed.

Everything is computed in a handful of SQL aggregate statements per page,
never one per unit or per person. The modules, in reading order:

- `targets`: the targets of a year (shares, minimum time, milestone), saved per year.
- `figures`: the formulas (rate, needs, status) and the report's dataclasses.
- `scope`: SQL pieces shared by the statements (subtree, roster of a day, party flag, completion).
- `rollup`: `compliance_report`, ONE statement for a whole subtree's units and totals;
  `own_figures`, one unit's own roster; `registered_by_unit`, registrations only.
- `overview`: `compliance_overview`, a unit's own row and its sub-units' subtrees (the page).
- `history`: `compliance_history`, month-end rates from registration and record dates.
- `missing`: `missing_people`, those not registered or without enough hours
  (`stream_missing_people`: the same, a few rows at a time, for the whole-tree workbook).
- `pace`: `compliance_pace`, the date each rate reaches its target at the recent pace.
- `exports`: the report and missing people as CSV and Excel (via volunteer.documents);
  `pace_export`: the pace sheets' rows.
- `tree`: the banner, the subtrees a person sees, tree order, units found by name.

Roster entries match volunteers by the normalized ID number at query time,
so someone who registers after the roster was uploaded counts at once. Rosters
keep their history (stints of Beijing days): a period counts the roster of its
last day, and each point of the history the roster of its own day.
"""

from volunteer.services.compliance import exports
from volunteer.services.compliance.exports import missing_xlsx, report_csv, report_xlsx
from volunteer.services.compliance.figures import (
    STATUS_LABELS,
    Figures,
    Report,
    Status,
    UnitRow,
    needs,
    rate,
)
from volunteer.services.compliance.history import HistoryPoint, compliance_history
from volunteer.services.compliance.missing import (
    MISSING_LABELS,
    Missing,
    MissingPerson,
    missing_people,
    stream_missing_people,
)
from volunteer.services.compliance.overview import compliance_overview
from volunteer.services.compliance.pace import (
    OUTLOOK_LABELS,
    AtRisk,
    Outlook,
    Pace,
    Projection,
    UnitPace,
    at_risk,
    compliance_pace,
    project,
    projected_points,
    window_days,
)
from volunteer.services.compliance.rollup import (
    compliance_report,
    own_figures,
    registered_by_unit,
    subtree_units,
)
from volunteer.services.compliance.targets import (
    Targets,
    save_targets,
    saved_years,
    targets_for,
)
from volunteer.services.compliance.tree import (
    UnitSearch,
    find_units,
    root_unit,
    roots_of,
    tree_key,
    visible_roots,
)

__all__ = [
    "MISSING_LABELS",
    "OUTLOOK_LABELS",
    "STATUS_LABELS",
    "AtRisk",
    "Figures",
    "HistoryPoint",
    "Missing",
    "MissingPerson",
    "Outlook",
    "Pace",
    "Projection",
    "Report",
    "Status",
    "Targets",
    "UnitPace",
    "UnitRow",
    "UnitSearch",
    "at_risk",
    "compliance_history",
    "compliance_overview",
    "compliance_pace",
    "compliance_report",
    "exports",
    "find_units",
    "missing_people",
    "missing_xlsx",
    "needs",
    "own_figures",
    "project",
    "projected_points",
    "rate",
    "registered_by_unit",
    "report_csv",
    "report_xlsx",
    "root_unit",
    "roots_of",
    "save_targets",
    "saved_years",
    "stream_missing_people",
    "subtree_units",
    "targets_for",
    "tree_key",
    "visible_roots",
    "window_days",
]
