"""Compliance exports: the CSV the office reports upward, and Excel workbooks.

The functions take plain rows defined here (figures already counted, personal
data already masked, labels already in the reader's language) and return text
or bytes; they know nothing of the database.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from volunteer import rounding
from volunteer.documents.compliance_pace import PaceTables, pace_sheet, total_named
from volunteer.documents.workbooks import (
    chinese_width,
    csv_text,
    hours_cell,
    percent_cell,
    text_cell,
    workbook_bytes,
    write_table,
)
from volunteer.i18n import lazy_gettext as _l

CSV_COLUMNS = (
    "unit_code",
    "unit_name",
    "staff",
    "staff_registered",
    "staff_completed",
    "staff_rate",
    "party",
    "party_registered",
    "party_completed",
    "party_rate",
    "meets_targets",
)
# The CSV's meets_targets column by unit status (meets / below / no_roster).
MEETS_VALUES = {"meets": "yes", "below": "no", "no_roster": "no_roster"}

SUMMARY_HEADER = (
    _l("Unit code"),
    _l("Unit"),
    _l("Staff"),
    _l("Staff registered"),
    _l("Staff completed"),
    _l("Staff rate"),
    _l("Staff needs"),
    _l("Party members"),
    _l("Party registered"),
    _l("Party completed"),
    _l("Party rate"),
    _l("Party needs"),
    _l("Status"),
)
SUMMARY_WIDTHS = (14, 28) + (12,) * 11
MISSING_HEADER = (
    _l("Unit code"),
    _l("Unit"),
    _l("Full name"),
    _l("ID number (masked)"),
    _l("Mobile (masked)"),
    _l("Position"),
    _l("Party member"),
    _l("Why missing"),
    _l("Volunteer number"),
    _l("Approved hours in period"),
)
# The two personal-data headers when the entitled coordinator asked for full numbers.
FULL_NUMBER_HEADERS = (_l("ID number"), _l("Mobile"))
MISSING_WIDTHS = (12, 24, 12, 22, 15, 14, 10, 24, 16, 12)


@dataclass(frozen=True)
class SummaryRow:
    """One line of the compliance table: a unit's own figures, or a subtree's distinct people."""

    code: str
    name: str
    staff: int
    staff_registered: int
    staff_completed: int
    staff_rate: Decimal | None
    staff_needs: int | None
    party: int
    party_registered: int
    party_completed: int
    party_rate: Decimal | None
    party_needs: int | None
    status: str = ""  # meets, below or no_roster; empty on a totals line
    status_label: str = ""


@dataclass(frozen=True)
class MissingRow:
    """A roster person still to chase, ID number and phone as they may be shown (masked or full)."""

    unit_code: str
    unit_name: str
    name: str
    id_number: str
    phone: str
    position: str | None
    party: bool
    reason_label: str
    volunteer_number: str | None
    minutes: int


@dataclass(frozen=True)
class UnitSheet:
    """One unit's missing people, given a sheet of their own in the workbook."""

    unit_code: str
    unit_name: str
    people: Sequence[MissingRow]


# ---- CSV ---------------------------------------------------------------------------------


def rate_text(value: Decimal | None) -> str:
    """A rate with 4 places, floored, empty when undefined."""
    return rounding.rate_text(value)


def csv_rows(rows: Iterable[SummaryRow]) -> list[list[str]]:
    """One list per unit in CSV_COLUMNS order (rates with 4 places, empty when undefined)."""
    return [
        [
            row.code,
            row.name,
            str(row.staff),
            str(row.staff_registered),
            str(row.staff_completed),
            rate_text(row.staff_rate),
            str(row.party),
            str(row.party_registered),
            str(row.party_completed),
            rate_text(row.party_rate),
            MEETS_VALUES[row.status],
        ]
        for row in rows
    ]


def compliance_csv(rows: Iterable[SummaryRow]) -> str:
    """The compliance table as CSV text with the fixed English header."""
    return csv_text(CSV_COLUMNS, csv_rows(rows))


# ---- Excel -------------------------------------------------------------------------------


def compliance_xlsx(
    total: SummaryRow,
    rows: Iterable[SummaryRow],
    sheets: Iterable[UnitSheet],
    full: bool = False,
    pace: PaceTables | None = None,
) -> bytes:
    """A summary sheet (totals, then one row per unit), the pace and the units at risk when
    given, and a sheet of missing people per unit."""
    workbook = Workbook()
    used: set[str] = set()
    _summary_sheet(workbook.active, total, rows, used)
    if pace is not None:
        _pace_sheets(workbook, pace, used)
    for sheet in sheets:
        title = _sheet_title(f"{sheet.unit_code} {sheet.unit_name}", used)
        _missing_sheet(workbook.create_sheet(title), sheet.people, full)
    return workbook_bytes(workbook)


def missing_xlsx(unit_name: str, people: Iterable[MissingRow], full: bool = False) -> bytes:
    """One unit's missing people (masked unless `full`) as a workbook to chase them with."""
    workbook = Workbook()
    workbook.active.title = _sheet_title(unit_name, set())
    _missing_sheet(workbook.active, people, full)
    return workbook_bytes(workbook)


def _summary_sheet(
    sheet: Worksheet, total: SummaryRow, rows: Iterable[SummaryRow], used: set[str]
) -> None:
    """The totals line (named for the whole subtree), then one line per unit."""
    sheet.title = _sheet_title(str(_l("Summary")), used)
    total_name = str(_l("%(name)s (all units, distinct people)", name=total.name))
    lines = [_summary_values(sheet, total, total_name)]
    lines += [_summary_values(sheet, row, row.name) for row in rows]
    widths = (14, chinese_width([line[1] for line in lines], 16), *SUMMARY_WIDTHS[2:])
    write_table(sheet, SUMMARY_HEADER, lines, widths)


def _summary_values(sheet: Worksheet, row: SummaryRow, name: str) -> list:
    return [
        row.code,
        name,
        row.staff,
        row.staff_registered,
        row.staff_completed,
        percent_cell(sheet, row.staff_rate),
        row.staff_needs,
        row.party,
        row.party_registered,
        row.party_completed,
        percent_cell(sheet, row.party_rate),
        row.party_needs,
        row.status_label,
    ]


def _pace_sheets(workbook: Workbook, pace: PaceTables, used: set[str]) -> None:
    """Every unit's pace (the subtree's first), then the units at risk, furthest behind first."""
    every = workbook.create_sheet(_sheet_title(str(_l("Pace")), used))
    pace_sheet(every, pace, total_named(pace))
    risky = workbook.create_sheet(_sheet_title(str(_l("Units at risk")), used))
    pace_sheet(risky, pace, pace.at_risk)


def _missing_sheet(sheet: Worksheet, people: Iterable[MissingRow], full: bool) -> None:
    header = list(MISSING_HEADER)
    if full:
        header[3:5] = FULL_NUMBER_HEADERS
    lines = [_missing_values(sheet, person) for person in people]
    write_table(sheet, header, lines, MISSING_WIDTHS)


def _missing_values(sheet: Worksheet, person: MissingRow) -> list:
    return [
        person.unit_code,
        person.unit_name,
        person.name,
        text_cell(sheet, person.id_number),
        text_cell(sheet, person.phone),
        person.position or "",
        str(_l("Yes")) if person.party else "",
        person.reason_label,
        person.volunteer_number or "",
        hours_cell(sheet, person.minutes),
    ]


def _sheet_title(text: str, used: set[str]) -> str:
    """A valid sheet title (31 characters, no []*?/\\:) not yet in `used`, then added to it."""
    title = re.sub(r"[\[\]\*\?/\\:]", "_", text)[:31] or "sheet"
    base, number = title, 2
    while title in used:
        suffix = f"~{number}"
        title = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(title)
    return title
