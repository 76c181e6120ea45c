"""Reading an uploaded roster file into rows of cells, refusing what is not a spreadsheet.

Every budget (bytes, zip members, uncompressed size, compression ratio, rows, columns,
cells, characters per cell) is checked before and while reading, against what the file
holds rather than what it declares: an .xlsx of 2 KB may declare a million rows, and a
4 MB zip may inflate to gigabytes. The zip directory is inspected before openpyxl opens
anything, the sheet XML is streamed (read-only mode) with its declared dimension ignored,
and reading stops at the first budget passed.
"""

import csv
import io
import struct
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from volunteer.i18n import lazy_gettext as _l
from volunteer.services.errors import ServiceError

NOT_A_SPREADSHEET = _l("This is not a spreadsheet: upload the roster as .xlsx or .csv.")
UNSUPPORTED_ENCODING = _l(
    "The file's text encoding is not supported: save it as CSV in UTF-8 or GBK"
    " (Excel: “CSV UTF-8” or “CSV (comma delimited)”)."
)
# Legacy .xls files are OLE2 compound documents; this is their signature.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0"
# Rows read beyond ROSTER_MAX_ROWS for title lines above the header and blank lines.
SPARE_ROWS = 100
# A zip's end-of-central-directory record: signature, then the entry count at offset 10.
END_OF_DIRECTORY = b"PK\x05\x06"
END_OF_DIRECTORY_SEARCH = 22 + 65535  # the record plus the longest comment


class RosterFileError(ServiceError):
    """The file as a whole cannot be read as a roster (type, size, encoding, columns)."""


@dataclass(frozen=True)
class ReadBudget:
    """How much one upload may hold, from the ROSTER_MAX_* settings."""

    upload_bytes: int
    zip_members: int
    uncompressed_bytes: int
    compression_ratio: int
    rows: int
    columns: int
    cells: int
    cell_chars: int

    @classmethod
    def from_config(cls) -> "ReadBudget":
        """The budget the app is configured with."""
        config = current_app.config
        return cls(
            upload_bytes=config["ROSTER_MAX_UPLOAD_BYTES"],
            zip_members=config["ROSTER_MAX_ZIP_MEMBERS"],
            uncompressed_bytes=config["ROSTER_MAX_UNCOMPRESSED_BYTES"],
            compression_ratio=config["ROSTER_MAX_COMPRESSION_RATIO"],
            rows=config["ROSTER_MAX_ROWS"] + SPARE_ROWS,
            columns=config["ROSTER_MAX_COLUMNS"],
            cells=config["ROSTER_MAX_CELLS"],
            cell_chars=config["ROSTER_MAX_CELL_CHARS"],
        )


def read_table(data: bytes, filename: str) -> list[tuple[int, list]]:
    """The spreadsheet's rows as (row number, cell values); refuses files that are not one."""
    budget = ReadBudget.from_config()
    _refuse_too_large(data, budget)
    if not data.strip():
        raise RosterFileError(_l("The file is empty."))
    suffix = Path(filename or "").suffix.lower()
    if data.startswith(OLE2_SIGNATURE):
        raise RosterFileError(
            _l("Old Excel .xls files are not accepted: save the sheet as .xlsx or .csv.")
        )
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, budget)
    if suffix in (".csv", ".txt"):
        return _read_csv(data, budget)
    raise RosterFileError(NOT_A_SPREADSHEET)


def clean_filename(filename: str | None) -> str:
    """The upload's name without control characters (a NUL cannot be stored), at most 255."""
    return "".join(ch for ch in (filename or "") if ch.isprintable())[:255]


def refuse_too_large(data: bytes) -> None:
    """Refuse a file over the upload budget (before it is kept for its check job)."""
    _refuse_too_large(data, ReadBudget.from_config())


def _refuse_too_large(data: bytes, budget: ReadBudget) -> None:
    if len(data) > budget.upload_bytes:
        raise RosterFileError(
            _l(
                "The file is larger than %(limit)s MB. Split the roster or remove other sheets.",
                limit=f"{budget.upload_bytes / (1024 * 1024):g}",
            )
        )


def _too_big_inside(what) -> RosterFileError:
    return RosterFileError(
        _l(
            "The file holds far more data than a roster needs (%(what)s). Copy the roster"
            " alone into a new sheet and save it as .xlsx or .csv.",
            what=what,
        )
    )


# ---- .xlsx ---------------------------------------------------------------------------------


def _read_xlsx(data: bytes, budget: ReadBudget) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    _inspect_zip(data, budget)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign zip
        raise RosterFileError(
            _l("The file could not be opened as an Excel workbook; save it again as .xlsx.")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        # The declared dimension (<dimension ref="A1:XFD1048576"/>) would make openpyxl pad
        # every row to it; forgetting it leaves each row as long as its own last cell.
        sheet.reset_dimensions()
        return _within_budget(sheet.iter_rows(values_only=True), budget)
    except zipfile.BadZipFile as error:  # a member whose data does not match its header
        raise RosterFileError(NOT_A_SPREADSHEET) from error
    finally:
        workbook.close()


def _inspect_zip(data: bytes, budget: ReadBudget) -> None:
    """Refuse a zip whose directory promises more than the budget, before inflating any of it.
    zipfile stops every member at its declared size (and fails its CRC beyond), so the
    declared sizes bound what openpyxl can read."""
    _refuse_many_members(data, budget)
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise RosterFileError(NOT_A_SPREADSHEET) from error
    total = sum(member.file_size for member in members)
    if total > budget.uncompressed_bytes:
        raise _too_big_inside(_l("%(size)s MB unpacked", size=total // (1024 * 1024)))
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > budget.compression_ratio:
            raise _too_big_inside(_l("a part packed %(ratio)s to 1", ratio=int(ratio)))


def _refuse_many_members(data: bytes, budget: ReadBudget) -> None:
    """Count the zip's entries from its end record (zipfile would build them all first)."""
    at = data.rfind(END_OF_DIRECTORY, max(0, len(data) - END_OF_DIRECTORY_SEARCH))
    if at < 0 or len(data) < at + 22:
        raise RosterFileError(NOT_A_SPREADSHEET)
    (entries,) = struct.unpack_from("<H", data, at + 10)
    if entries > budget.zip_members:  # 0xFFFF (zip64) too: no roster needs that many parts
        raise _too_big_inside(_l("%(count)s parts", count=entries))


# ---- .csv ----------------------------------------------------------------------------------


def _read_csv(data: bytes, budget: ReadBudget) -> list[tuple[int, list]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return _within_budget(reader, budget)
    except csv.Error as error:
        raise RosterFileError(
            _l("The CSV file is malformed: %(reason)s", reason=str(error))
        ) from error


def _decode(data: bytes) -> str:
    """The CSV's text: UTF-8 (with or without BOM) or GBK, as Excel saves it in China."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise RosterFileError(UNSUPPORTED_ENCODING)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterFileError(UNSUPPORTED_ENCODING)


# ---- the budget while reading --------------------------------------------------------------


def _within_budget(rows: Iterable[Iterable], budget: ReadBudget) -> list[tuple[int, list]]:
    """Rows numbered from 1, read one at a time; stops at the first budget passed."""
    return list(_bounded_rows(rows, budget))


def _bounded_rows(rows: Iterable[Iterable], budget: ReadBudget) -> Iterator[tuple[int, list]]:
    cells = 0
    for number, values in enumerate(rows, start=1):
        if number > budget.rows:
            raise RosterFileError(
                _l(
                    "The sheet goes on past row %(limit)s; a roster has at most %(people)s"
                    " people. Delete the rows below the roster (including blank-looking ones).",
                    limit=budget.rows,
                    people=budget.rows - SPARE_ROWS,
                )
            )
        row = _trimmed(values)
        _check_row_budget(number, row, budget)
        cells += len(row)
        if cells > budget.cells:
            raise _too_big_inside(_l("more than %(count)s cells", count=budget.cells))
        yield number, row


def _trimmed(values: Iterable) -> list:
    row = list(values)
    while row and row[-1] in (None, ""):
        row.pop()
    return row


def _check_row_budget(number: int, row: list, budget: ReadBudget) -> None:
    if len(row) > budget.columns:
        raise RosterFileError(
            _l(
                "Row %(row)s has cells beyond column %(limit)s; a roster needs only a few"
                " columns. Delete the cells on the right.",
                row=number,
                limit=budget.columns,
            )
        )
    for value in row:
        if isinstance(value, str) and len(value) > budget.cell_chars:
            raise RosterFileError(
                _l(
                    "A cell in row %(row)s holds more than %(limit)s characters.",
                    row=number,
                    limit=budget.cell_chars,
                )
            )
