"""The audit log (a filtered view) as a workbook, every value inert."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook

from volunteer.documents.workbooks import first_sheet, inert_cell, workbook_bytes, write_table

WIDTHS = (20, 14, 24, 12, 28, 60)


@dataclass(frozen=True)
class AuditRow:
    """One entry as read: Beijing time (naive), who, action, object, details as text."""

    at: datetime
    who: str
    action: str
    target_type: str
    target_name: str
    details: str


def audit_xlsx(header: Sequence[str], rows: Iterable[AuditRow], title: str) -> bytes:
    """A sheet with a frozen, filterable header and one line per entry."""
    workbook = Workbook()
    sheet = first_sheet(workbook, title)
    write_table(sheet, header, (_values(sheet, row) for row in rows), WIDTHS)
    return workbook_bytes(workbook)


def _values(sheet, row: AuditRow) -> list:
    at = inert_cell(sheet, row.at, "yyyy-mm-dd hh:mm:ss")
    return [at, row.who, row.action, row.target_type, row.target_name, row.details]
