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
from openpyxl.cell import WriteOnlyCell

from volunteer.documents.workbooks import set_column_widths, workbook_bytes

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
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(_cells(sheet, row))
    return workbook_bytes(workbook)


def _cells(sheet, row: NationalRow) -> list:
    """One record's cells, in the order of HEADERS."""
    return [
        row.name,
        row.id_type_name,
        _text(sheet, row.id_number),
        _text(sheet, row.phone),
        row.activity,
        _formatted(sheet, row.day, "yyyy-mm-dd"),
        _formatted(sheet, row.start, "hh:mm"),
        _formatted(sheet, row.end, "hh:mm") if row.end else "",
        _formatted(sheet, row.hours, "0.00"),
        row.organization,
    ]


def _text(sheet, value: str) -> WriteOnlyCell:
    return _formatted(sheet, value or "", "@")


def _formatted(sheet, value, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell
