"""Compliance exports: the CSV the office reports upward, and Excel workbooks.

The functions take plain rows defined here (figures already counted, personal
data already masked, labels already in the reader's language) and return text
or bytes, or write the file into a stream; they know nothing of the database.

The workbooks are written in openpyxl's write-only mode: each sheet's rows go to a scratch
file as they come and the whole is zipped into the stream at the end, so a province's
missing people are never all in memory at once (issue 15).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from volunteer import rounding
from volunteer.documents.compliance_pace import PaceTables, pace_sheet, total_named
from volunteer.documents.workbooks import (
    chinese_width,
    csv_text,
    discard_scratch_files,
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
    """One unit's missing people, given a sheet of their own in the workbook.

    `people` may be a one-pass iterator: it is read once, while the sheet is written.
    `position` places the sheet among the others (the unit's place in the summary)."""

    unit_code: str
    unit_name: str
    people: Iterable[MissingRow]
    position: int = 0


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
    out: BinaryIO,
    total: SummaryRow,
    rows: Iterable[SummaryRow],
    sheets: Iterable[UnitSheet],
    full: bool = False,
    pace: PaceTables | None = None,
) -> None:
    """Write into `out` a summary sheet (totals, then one row per unit), the pace and the
    units at risk when given, and a sheet of missing people per unit.

    The unit sheets may arrive in any order (each is written as it comes, one at a time);
    they are put, and named, in the order of their `position`."""
    workbook = Workbook(write_only=True)
    try:
        used: set[str] = set()
        _summary_sheet(workbook, total, rows, used)
        if pace is not None:
            _pace_sheets(workbook, pace, used)
        written = [(sheet, _unit_sheet(workbook, sheet, full)) for sheet in sheets]
        _place_unit_sheets(workbook, written, used)
        workbook.save(out)
    except BaseException:
        discard_scratch_files(workbook)
        raise


def missing_xlsx(unit_name: str, people: Iterable[MissingRow], full: bool = False) -> bytes:
    """One unit's missing people (masked unless `full`) as a workbook to chase them with."""
    workbook = Workbook(write_only=True)
    _missing_sheet(workbook.create_sheet(_sheet_title(unit_name, set())), people, full)
    return workbook_bytes(workbook)


def _summary_sheet(
    workbook: Workbook, total: SummaryRow, rows: Iterable[SummaryRow], used: set[str]
) -> None:
    """The totals line (named for the whole subtree), then one line per unit."""
    sheet = workbook.create_sheet(_sheet_title(str(_l("Summary")), used))
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


def _unit_sheet(workbook: Workbook, sheet: UnitSheet, full: bool) -> Worksheet:
    """A unit's missing people written out and closed (its scratch file is then released);
    the sheet is named when it is placed."""
    written = workbook.create_sheet(f"#{len(workbook.worksheets)}")
    _missing_sheet(written, sheet.people, full)
    written.close()
    return written


def _place_unit_sheets(
    workbook: Workbook, written: list[tuple[UnitSheet, Worksheet]], used: set[str]
) -> None:
    """Put the unit sheets in the order of their positions and name them in that order, as
    the workbook named them when it held every unit's people at once."""
    unit_sheets = {id(sheet) for _unit, sheet in written}
    # Taken out of the workbook while renamed, so that a final name never meets a
    # provisional one (openpyxl would then change it).
    workbook._sheets = [sheet for sheet in workbook._sheets if id(sheet) not in unit_sheets]
    for unit, sheet in sorted(written, key=lambda pair: pair[0].position):
        sheet.title = _sheet_title(f"{unit.unit_code} {unit.unit_name}", used)
        workbook._sheets.append(sheet)


def _missing_sheet(sheet: Worksheet, people: Iterable[MissingRow], full: bool) -> None:
    header = list(MISSING_HEADER)
    if full:
        header[3:5] = FULL_NUMBER_HEADERS
    lines = (_missing_values(sheet, person) for person in people)
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
