"""Reminder contact lists: one text message per person, in the columns SMS platforms import.

The first three columns are fixed and in Chinese whatever the reader's language,
because an SMS platform reads them, not a person: 手机号 (the number first, where
阿里云 群发助手 and 腾讯云 批量发送 read it), 姓名 (the first template variable on a
template platform), 短信内容 (the whole text, for platforms that take one text per
number). CSV is UTF-8 with a byte-order mark, so Excel opens the Chinese correctly.
Every value goes through the inert writers of `workbooks`.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook

from volunteer.documents.workbooks import chinese_width, csv_text, workbook_bytes, write_table

SMS_COLUMNS = ("手机号", "姓名", "短信内容")
CSV_ENCODING = "utf-8-sig"  # with the BOM, Excel on Windows reads UTF-8 instead of GBK
SHEET_TITLE_MAX = 31  # Excel's limit on a sheet name
MESSAGE_WIDTH = 80


@dataclass(frozen=True)
class ReminderRow:
    """One person to remind: the phone as it may be shown (masked or full), the finished text."""

    phone: str
    name: str
    message: str

    def cells(self) -> tuple[str, str, str]:
        """The row's values in SMS_COLUMNS order."""
        return (self.phone, self.name, self.message)


def reminders_csv(rows: Sequence[ReminderRow]) -> bytes:
    """The list as CSV bytes: UTF-8 with a BOM, the SMS columns, every field inert."""
    return csv_text(SMS_COLUMNS, [row.cells() for row in rows]).encode(CSV_ENCODING)


def reminders_xlsx(title: str, rows: Sequence[ReminderRow]) -> bytes:
    """The list as a one-sheet workbook named `title`: the SMS columns, every cell inert text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(title)
    widths = (
        16,
        chinese_width([row.name for row in rows], minimum=10),
        MESSAGE_WIDTH,
    )
    write_table(sheet, SMS_COLUMNS, [row.cells() for row in rows], widths)
    return workbook_bytes(workbook)


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: none of its forbidden characters, at most 31 long."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in title).strip("' ")
    return cleaned[:SHEET_TITLE_MAX] or "Sheet1"
