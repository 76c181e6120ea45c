"""Steps every .xlsx document shares: column widths and saving to bytes."""

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook saved as .xlsx bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def set_column_widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    """Give the sheet's columns these widths, from column A on."""
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
