"""Steps every spreadsheet document shares: inert values, tables, widths and saving to bytes.

Every value a user typed (a name, a title, a unit, a roster field) reaches a
spreadsheet through here as inert text, following the OWASP CSV-injection advice:
in CSV a value starting with = + - @ tab or CR gets a leading single quote, and in
.xlsx every string is a string cell (data type "s"), never a formula.
"""

import contextlib
import csv
import io
import os
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from volunteer import rounding

# Characters that make a spreadsheet program read a CSV field as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PERCENT_FORMAT = "0.0%"
HOURS_FORMAT = "0.0"
TEXT_FORMAT = "@"


def inert_csv_value(value: object) -> str:
    """A CSV field that no spreadsheet program evaluates: a formula start gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document (header, then rows), every field inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([inert_csv_value(label) for label in header])
    writer.writerows([inert_csv_value(value) for value in row] for row in rows)
    return buffer.getvalue()


def inert_cell(sheet: Worksheet, value: object, number_format: str | None = None) -> Cell:
    """A cell for `sheet` holding `value`; a string is always a string cell, never a formula."""
    cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value=_cell_value(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    return cell


def append_inert(sheet: Worksheet, values: Iterable[object]) -> None:
    """Append one row to `sheet` (normal or write-only), every string inert."""
    sheet.append([inert_cell(sheet, value) for value in values])


def put_inert_row(sheet: Worksheet, row: int, values: Iterable[object]) -> None:
    """Write `values` into row `row` of a normal sheet, from column A, every string inert."""
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=_cell_value(value))
        if isinstance(value, str):
            cell.data_type = "s"


def percent_cell(sheet: Worksheet, rate: Decimal | None) -> Cell:
    """A rate as a number shown as a percentage floored to one decimal (0.699 -> 69.9%)."""
    # Three places of the fraction are one place of the percentage: Excel then has
    # nothing to round up across a target.
    value = None if rate is None else float(rounding.floor_decimal(rate, 3))
    return inert_cell(sheet, value, PERCENT_FORMAT)


def hours_cell(sheet: Worksheet, minutes: int | None) -> Cell:
    """Minutes as hours, a number floored to one decimal."""
    return inert_cell(sheet, float(rounding.hours_value(minutes)), HOURS_FORMAT)


def text_cell(sheet: Worksheet, value: str | None) -> Cell:
    """A string kept as text in Excel too (ID numbers never turn into 1.5E+17)."""
    return inert_cell(sheet, value or "", TEXT_FORMAT)


def write_table(
    sheet: Worksheet, header: Sequence[object], lines: Iterable[Iterable[object]], widths
) -> None:
    """A bold, frozen, filterable header, one inert row per line, and the column widths.

    Works on a write-only sheet too: the widths and the frozen row go before the first row,
    and the filter's range is counted, not read back from the sheet."""
    set_column_widths(sheet, widths)
    sheet.freeze_panes = "A2"
    append_bold_header(sheet, header)
    last_row = 1
    for line in lines:
        append_inert(sheet, line)
        last_row += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last_row}"


def append_bold_header(sheet: Worksheet, header: Iterable[object]) -> None:
    """The next row: the column labels, bold, each a plain string cell."""
    cells = [inert_cell(sheet, str(label)) for label in header]
    for cell in cells:
        cell.font = Font(bold=True)
    sheet.append(cells)


def first_sheet(workbook: Workbook, title: str) -> Worksheet:
    """The workbook's first sheet, titled `title` (cut to the 31 characters Excel allows)."""
    sheet = workbook.active
    sheet.title = title[:31]
    return sheet


def workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook (normal or write-only) saved as .xlsx bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def set_column_widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    """Give the sheet's columns these widths, from column A on."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def chinese_width(texts: Iterable[object], minimum: int = 8, maximum: int = 40) -> int:
    """A column width fitting these texts, a Chinese character counting as two."""
    longest = max((_display_width(str(text)) for text in texts if text is not None), default=0)
    return max(minimum, min(maximum, longest + 2))


def _display_width(text: str) -> int:
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _cell_value(value: object) -> object:
    """Decimals as floats (openpyxl writes numbers), other values unchanged."""
    return float(value) if isinstance(value, Decimal) else value


def discard_scratch_files(workbook: Workbook) -> None:
    """Remove the scratch files of a write-only workbook that will not be saved (saving
    removes them; a failure half-way would leave them until the process ends)."""
    for sheet in workbook.worksheets:
        if getattr(sheet, "_writer", None) is None:
            continue
        if not sheet.closed:
            with contextlib.suppress(Exception):  # a sheet cut off half-way may not close
                sheet.close()
        if os.path.exists(sheet._writer.out):
            sheet._writer.cleanup()
