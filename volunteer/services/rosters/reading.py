"""Reading an uploaded roster file into rows of cells, refusing what is not a spreadsheet."""

import csv
import io
import zipfile
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


class RosterFileError(ServiceError):
    """The file as a whole cannot be read as a roster (type, size, encoding, columns)."""


def read_table(data: bytes, filename: str) -> list[tuple[int, list]]:
    """The spreadsheet's rows as (row number, cell values); refuses files that are not one."""
    _refuse_too_large(data)
    if not data.strip():
        raise RosterFileError(_l("The file is empty."))
    suffix = Path(filename or "").suffix.lower()
    if data.startswith(OLE2_SIGNATURE):
        raise RosterFileError(
            _l("Old Excel .xls files are not accepted: save the sheet as .xlsx or .csv.")
        )
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data)
    if suffix in (".csv", ".txt"):
        return _read_csv(data)
    raise RosterFileError(NOT_A_SPREADSHEET)


def _refuse_too_large(data: bytes) -> None:
    max_bytes = current_app.config["ROSTER_MAX_UPLOAD_BYTES"]
    if len(data) > max_bytes:
        raise RosterFileError(
            _l(
                "The file is larger than %(limit)s MB. Split the roster or remove other sheets.",
                limit=f"{max_bytes / (1024 * 1024):g}",
            )
        )


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RosterFileError(NOT_A_SPREADSHEET)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign zip
        raise RosterFileError(
            _l("The file could not be opened as an Excel workbook; save it again as .xlsx.")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, list(values))
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [(number, row) for number, row in enumerate(reader, start=1)]
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
