"""The .xlsx laid out for batch upload to the national volunteer information system.

One row per service record, headers in Chinese as the national system's import template
names them. Rows are streamed into a write-only workbook, so large exports do not build
the whole sheet in memory; ID numbers and phones are written as text so spreadsheet
programs never turn an 18-digit number into 1.52627E+17.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from openpyxl import Workbook

from volunteer.documents.workbooks import (
    append_inert,
    inert_cell,
    set_column_widths,
    text_cell,
    workbook_bytes,
)

HEADERS = (
    "姓名",
    "证件类型",
    "证件号码",
    "手机号码",
    "活动名称",
    "服务日期",
    "开始时间",
    "结束时间",
    "服务时长（小时）",
    "组织名称",
)
COLUMN_WIDTHS = (12, 22, 22, 14, 36, 12, 10, 10, 16, 30)
SHEET_TITLE = "志愿服务记录"


@dataclass(frozen=True)
class NationalRow:
    """One record as the national system imports it (local dates and times)."""

    name: str
    id_type_name: str
    id_number: str
    phone: str
    activity: str
    day: date
    start: time
    end: time | None
    hours: float
    organization: str


def national_export_xlsx(rows: Iterable[NationalRow]) -> bytes:
    """The workbook as bytes; `rows` may be a generator streaming from the database."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    set_column_widths(sheet, COLUMN_WIDTHS)
    sheet.freeze_panes = "A2"
    append_inert(sheet, HEADERS)
    for row in rows:
        append_inert(sheet, _cells(sheet, row))
    return workbook_bytes(workbook)


def _cells(sheet, row: NationalRow) -> list:
    """One record's cells, in the order of HEADERS."""
    return [
        row.name,
        row.id_type_name,
        text_cell(sheet, row.id_number),
        text_cell(sheet, row.phone),
        row.activity,
        inert_cell(sheet, row.day, "yyyy-mm-dd"),
        inert_cell(sheet, row.start, "hh:mm"),
        inert_cell(sheet, row.end, "hh:mm") if row.end else "",
        inert_cell(sheet, row.hours, "0.00"),
        row.organization,
    ]
