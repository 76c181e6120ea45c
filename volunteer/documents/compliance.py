"""Compliance exports: the CSV the office reports upward, and Excel workbooks."""

import csv
import io
import re
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font

from volunteer.i18n import lazy_gettext as _l
from volunteer.services.compliance import (
    MISSING_LABELS,
    STATUS_LABELS,
    MissingPerson,
    Report,
    Status,
    UnitRow,
)
from volunteer.services.privacy import mask_id_number, mask_phone

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
MEETS_VALUES = {Status.MEETS: "yes", Status.BELOW: "no", Status.NO_ROSTER: "no_roster"}


def rate_text(value) -> str:
    return "" if value is None else f"{value:.4f}"


def csv_rows(rows: Iterable[UnitRow]) -> list[list[str]]:
    """One list per unit in CSV_COLUMNS order (rates with 4 places, empty when undefined)."""
    out = []
    for row in rows:
        f = row.figures
        out.append(
            [
                row.code,
                row.name,
                str(f.staff),
                str(f.staff_registered),
                str(f.staff_completed),
                rate_text(f.staff_rate),
                str(f.party),
                str(f.party_registered),
                str(f.party_completed),
                rate_text(f.party_rate),
                MEETS_VALUES[row.status],
            ]
        )
    return out


def compliance_csv(report: Report) -> str:
    """The compliance table as CSV text with the fixed English header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(report.rows))
    return buffer.getvalue()


def _sheet_title(text: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]\*\?/\\:]", "_", text)[:31] or "sheet"
    base, number = title, 2
    while title in used:
        suffix = f"~{number}"
        title = base[: 31 - len(suffix)] + suffix
        number += 1
    used.add(title)
    return title


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


def _missing_row(person: MissingPerson) -> list:
    return [
        person.unit_code,
        person.unit_name,
        person.name,
        mask_id_number(person.id_number),
        mask_phone(person.phone),
        person.position or "",
        str(_l("Yes")) if person.party else "",
        str(MISSING_LABELS[person.reason]),
        person.volunteer_number or "",
        round(person.minutes / 60, 1),
    ]


def _bold_header(sheet, header) -> None:
    sheet.append([str(label) for label in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def compliance_xlsx(report: Report, missing: list[MissingPerson]) -> bytes:
    """A summary sheet (totals first, then one row per unit) and one sheet per unit
    listing its missing people, masked."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = _sheet_title(str(_l("Summary")), set())
    used = {summary.title}
    header = (
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
    _bold_header(summary, header)
    total = report.total
    summary.append(
        [
            report.root.code,
            str(_l("%(name)s (all units, distinct people)", name=report.root.name)),
            total.staff,
            total.staff_registered,
            total.staff_completed,
            _percent(total.staff_rate),
            total.staff_needs(report.targets),
            total.party,
            total.party_registered,
            total.party_completed,
            _percent(total.party_rate),
            total.party_needs(report.targets),
            "",
        ]
    )
    for row in report.rows:
        f = row.figures
        summary.append(
            [
                row.code,
                row.name,
                f.staff,
                f.staff_registered,
                f.staff_completed,
                _percent(f.staff_rate),
                row.staff_needs,
                f.party,
                f.party_registered,
                f.party_completed,
                _percent(f.party_rate),
                row.party_needs,
                str(STATUS_LABELS[row.status]),
            ]
        )
    for letter, width in zip("ABCDEFGHIJKLM", (14, 28) + (12,) * 11, strict=True):
        summary.column_dimensions[letter].width = width
    by_unit: dict[int, list[MissingPerson]] = {}
    for person in missing:
        by_unit.setdefault(person.unit_id, []).append(person)
    for row in report.rows:
        people = by_unit.get(row.unit_id)
        if not people:
            continue
        sheet = workbook.create_sheet(_sheet_title(f"{row.code} {row.name}", used))
        _bold_header(sheet, MISSING_HEADER)
        for person in people:
            sheet.append(_missing_row(person))
        _widths(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def missing_xlsx(unit_name: str, missing: list[MissingPerson]) -> bytes:
    """One unit's missing people (masked) as a workbook to chase them with."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(unit_name, set())
    _bold_header(sheet, MISSING_HEADER)
    for person in missing:
        sheet.append(_missing_row(person))
    _widths(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _widths(sheet) -> None:
    for letter, width in zip("ABCDEFGHIJ", (12, 20, 10, 22, 14, 12, 8, 22, 14, 10), strict=True):
        sheet.column_dimensions[letter].width = width


def _percent(value) -> str:
    return "" if value is None else f"{value * 100:.1f}%"
