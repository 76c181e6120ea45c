"""The pace of a report as the documents' plain rows (documents/compliance_pace.py)."""

from volunteer.documents.compliance_pace import PaceRow, PaceTables
from volunteer.services.compliance.figures import Report
from volunteer.services.compliance.pace import (
    OUTLOOK_LABELS,
    Outlook,
    Pace,
    Projection,
    UnitPace,
    at_risk,
)


def pace_tables(report: Report, pace: Pace) -> PaceTables:
    """The subtree's line, every unit with a roster in report order, and the units at risk."""
    total = None if pace.total is None else pace_row(report.root.code, report.root.name, pace.total)
    return PaceTables(
        total=total,
        rows=[
            pace_row(row.code, row.name, pace.units[row.unit_id])
            for row in report.rows
            if row.unit_id in pace.units
        ],
        at_risk=[
            pace_row(item.row.code, item.row.name, item.pace) for item in at_risk(report.rows, pace)
        ],
        first=pace.window.first,
        last=pace.window.last,
        deadline=pace.deadline,
    )


def pace_row(code: str, name: str, pace: UnitPace) -> PaceRow:
    """One unit's projections as a row, the outlooks as dates or words."""
    staff, party = pace.staff_projection, pace.party_projection
    return PaceRow(
        code=code,
        name=name,
        staff_per_week=staff.per_week,
        staff_short=staff.short,
        staff_outlook=outlook_value(staff),
        staff_needed_per_week=staff.needed_per_week,
        party_per_week=party.per_week if party else None,
        party_short=party.short if party else None,
        party_outlook=outlook_value(party) if party else "",
        party_needed_per_week=party.needed_per_week if party else None,
        joined_per_week=pace.joined_per_week,
        shortfall=pace.shortfall,
        behind=pace.behind,
        at_risk=pace.at_risk,
    )


def outlook_value(projection: Projection):
    """The projected date when the target is reached in time, else the outlook in words."""
    if projection.outlook == Outlook.ON_TRACK:
        return projection.projected_date
    return str(OUTLOOK_LABELS[projection.outlook])
