"""Checking a roster file whole: every row, every error, before anything is imported."""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from volunteer.documents.rosters import (
    COL_ID_NUMBER,
    COL_ID_TYPE,
    COL_NAME,
    COL_PHONE,
    COL_POLITICAL,
    COL_POSITION,
    COL_UNIT,
    HEADER_ALIASES,
    ID_TYPE_CHINESE_NAMES,
    POLITICAL_CHINESE_NAMES,
    REQUIRED_COLUMNS,
)
from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import IdType, PoliticalStatus, Unit
from volunteer.services import identity
from volunteer.services.rosters.reading import RosterFileError, clean_filename, read_table

ID_TYPE_BY_CHINESE_NAME = {
    "居民身份证": IdType.RESIDENT_ID,
    "身份证": IdType.RESIDENT_ID,
    "护照": IdType.PASSPORT,
    "港澳居民来往内地通行证": IdType.HK_MACAU_PERMIT,
    "港澳通行证": IdType.HK_MACAU_PERMIT,
    "台湾居民来往大陆通行证": IdType.TAIWAN_PERMIT,
    "台胞证": IdType.TAIWAN_PERMIT,
    "外国人永久居留身份证": IdType.FOREIGNER_RESIDENCE,
    "港澳台居民居住证": IdType.HMT_RESIDENCE,
}
# The header is looked for among the first rows (titles above it are common).
HEADER_SEARCH_ROWS = 10
MAX_TEXT_LENGTH = 50


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: the spreadsheet row number, the column and why."""

    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class RosterRow:
    """A checked, normalized roster row."""

    row: int
    unit_id: int
    name: str
    id_type: str
    id_number: str
    phone: str
    political_status: str
    position: str | None

    def values(self) -> dict:
        """The row as RosterEntry attributes (all but unit and ID number, which identify it)."""
        return {
            "name": self.name,
            "id_type": IdType(self.id_type),
            "phone": self.phone,
            "political_status": PoliticalStatus(self.political_status),
            "position": self.position,
        }


@dataclass
class CheckedRoster:
    """The outcome of checking a file: rows when valid, else every error."""

    filename: str
    unit_ids: list[int]
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    multi_unit: bool = False

    @property
    def ok(self) -> bool:
        """Whether no row has an error."""
        return not self.errors


@dataclass
class _FileContext:
    """What checking one row needs from the whole file: columns, units, ID numbers seen."""

    columns: dict[str, int]
    unit: Unit | None
    units_by_code: dict[str, Unit]
    may_upload_for: Callable[[Unit], bool]
    seen: dict[tuple[int, str], int] = field(default_factory=dict)


class _Row:
    """One body row being checked: its cells by column name and the errors found in it."""

    def __init__(self, number: int, cells: list, columns: dict[str, int]):
        self.number, self._cells, self._columns = number, cells, columns
        self.errors: list[RowError] = []

    def text(self, column: str) -> str:
        """The cell's value as trimmed text ('' when the column or cell is absent)."""
        return _text(self.cell(column))

    def cell(self, column: str):
        """The cell's raw value, or None."""
        index = self._columns.get(column)
        return self._cells[index] if index is not None and index < len(self._cells) else None

    def fail(self, column: str, reason) -> None:
        """Note a problem in this row's `column`."""
        self.errors.append(RowError(self.number, column, str(reason)))


def check_roster(
    data: bytes,
    filename: str,
    *,
    unit: Unit | None,
    may_upload_for: Callable[[Unit], bool],
) -> CheckedRoster:
    """Read and check a roster file for one unit, or (unit None) a workbook naming units
    in a 单位代码 column. Returns every row error; raises RosterFileError for the file."""
    if unit is not None and not unit.active:
        raise RosterFileError(_l("This unit is inactive; its roster cannot be replaced."))
    filename = clean_filename(filename)
    table = read_table(data, filename)
    header_at = _header_row_index(table)
    columns = _columns(table[header_at][1], multi_unit=unit is None)
    body = _people_rows(table[header_at + 1 :])
    units_by_code = _units_by_code(body, columns[COL_UNIT]) if unit is None else {}
    context = _FileContext(columns, unit, units_by_code, may_upload_for)
    checked = CheckedRoster(filename=filename, unit_ids=[], multi_unit=unit is None)
    for number, cells in body:
        row, errors = _check_row(context, number, cells)
        checked.errors.extend(errors)
        if row is not None:
            checked.rows.append(row)
    checked.unit_ids = (
        [unit.id] if unit is not None else list(dict.fromkeys(r.unit_id for r in checked.rows))
    )
    if checked.errors:
        checked.rows = []
    return checked


# ---- the file's shape ----------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_map(header: list) -> dict[str, int]:
    """Which cell index holds each known column, by its label or one of its aliases."""
    found = {}
    for index, cell in enumerate(header):
        label = _text(cell).replace("*", "").replace(" ", "").replace("（选填）", "")
        for column, aliases in HEADER_ALIASES.items():
            if label in aliases and column not in found:
                found[column] = index
    return found


def _header_row_index(table: list[tuple[int, list]]) -> int:
    """The index of the first row naming the 姓名 column; refuses a file without one."""
    for index, (_number, cells) in enumerate(table[:HEADER_SEARCH_ROWS]):
        if COL_NAME in _header_map(cells):
            return index
    raise RosterFileError(
        _l(
            "No header row found: the first row must name the columns %(columns)s."
            " If the file is a CSV whose text looks garbled, save it as UTF-8 or GBK.",
            columns="、".join(REQUIRED_COLUMNS),
        )
    )


def _columns(header: list, multi_unit: bool) -> dict[str, int]:
    """Where each column is; refuses a header without every required column."""
    columns = _header_map(header)
    required = ((COL_UNIT,) if multi_unit else ()) + REQUIRED_COLUMNS
    missing = [name for name in required if name not in columns]
    if missing:
        raise RosterFileError(
            _l("Required columns are missing: %(columns)s.", columns="、".join(missing))
        )
    return columns


def _people_rows(rows: list[tuple[int, list]]) -> list[tuple[int, list]]:
    """The non-blank rows below the header; refuses none, or more than ROSTER_MAX_ROWS."""
    body = [(number, cells) for number, cells in rows if any(_text(cell) for cell in cells)]
    if not body:
        raise RosterFileError(_l("The file has a header row but no people in it."))
    max_rows = current_app.config["ROSTER_MAX_ROWS"]
    if len(body) > max_rows:
        raise RosterFileError(
            _l(
                "The file has %(count)s rows; at most %(limit)s are accepted at once.",
                count=len(body),
                limit=max_rows,
            )
        )
    return body


def _units_by_code(body: list[tuple[int, list]], index: int) -> dict[str, Unit]:
    """The units named in the 单位代码 column (one query), by their code."""
    codes = {
        _text(cells[index]).upper()
        for _number, cells in body
        if index < len(cells) and _text(cells[index])
    }
    if not codes:
        return {}
    return {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(codes)))}


# ---- one row -------------------------------------------------------------------------------


def _check_row(
    context: _FileContext, number: int, cells: list
) -> tuple[RosterRow | None, list[RowError]]:
    """The checked row (None if it has errors or no unit) and its errors, in column order."""
    row = _Row(number, cells, context.columns)
    target = _target_unit(row, context)
    name = _name(row)
    id_type = _id_type(row)
    id_number = _id_number(row, id_type)
    phone = _phone(row)
    political = _political_status(row)
    position = _position(row)
    if target is not None and id_number:
        _check_listed_once(row, context.seen, target, id_number)
    if row.errors or target is None:
        return None, row.errors
    checked = RosterRow(
        row=number,
        unit_id=target.id,
        name=name,
        id_type=id_type.value,
        id_number=id_number,
        phone=phone,
        political_status=political.value,
        position=position,
    )
    return checked, []


def _target_unit(row: _Row, context: _FileContext) -> Unit | None:
    """The unit this row belongs to: the page's unit, or the one its 单位代码 names."""
    if context.unit is not None:
        return context.unit
    code = row.text(COL_UNIT).upper()
    target = context.units_by_code.get(code)
    if not code:
        row.fail(COL_UNIT, _l("Enter the unit code."))
    elif target is None or not target.active:
        row.fail(COL_UNIT, _l("No active unit has the code %(code)s.", code=code))
    elif not context.may_upload_for(target):
        row.fail(COL_UNIT, _l("Unit %(code)s is not one of your units.", code=code))
        return None
    return target


def _name(row: _Row) -> str:
    name = row.text(COL_NAME)
    if not name:
        row.fail(COL_NAME, _l("Enter the name."))
    elif len(name) > MAX_TEXT_LENGTH:
        row.fail(COL_NAME, _l("The name is longer than 50 characters."))
    return name


def _id_type(row: _Row) -> IdType | None:
    """The document type; a blank cell means a resident ID card."""
    id_type = ID_TYPE_BY_CHINESE_NAME.get(row.text(COL_ID_TYPE) or "居民身份证")
    if id_type is None:
        row.fail(
            COL_ID_TYPE,
            _l(
                "Unknown document type; use one of: %(types)s.",
                types="、".join(ID_TYPE_CHINESE_NAMES),
            ),
        )
    return id_type


def _id_number(row: _Row, id_type: IdType | None) -> str:
    raw = row.cell(COL_ID_NUMBER)
    id_number = identity.normalize_id_number(_text(raw))
    if isinstance(raw, float | int) and len(id_number) > 15:
        # Excel keeps 15 significant digits: an 18-digit number typed as a number is lost.
        row.fail(
            COL_ID_NUMBER,
            _l(
                "Excel stored the ID number as a number and lost its last digits;"
                " format the column as text and type the numbers again."
            ),
        )
    elif id_type is not None and (error := identity.id_number_error(id_type, id_number)):
        row.fail(COL_ID_NUMBER, error)
    return id_number


def _phone(row: _Row) -> str:
    phone = identity.normalize_phone(row.text(COL_PHONE))
    if not phone:
        row.fail(COL_PHONE, _l("Enter the mobile number."))
    elif error := identity.phone_error(phone):
        row.fail(COL_PHONE, error)
    return phone


def _political_status(row: _Row) -> PoliticalStatus | None:
    """The political status by its Chinese name or its two-digit code (01 中共党员 …)."""
    text = row.text(COL_POLITICAL)
    political = identity.POLITICAL_STATUS_BY_CHINESE_NAME.get(text)
    if political is None and text.zfill(2) in {s.value for s in PoliticalStatus}:
        political = PoliticalStatus(text.zfill(2))
    if not text:
        row.fail(COL_POLITICAL, _l("Enter the political status."))
    elif political is None:
        row.fail(
            COL_POLITICAL,
            _l(
                "Unknown political status; use one of: %(names)s.",
                names="、".join(POLITICAL_CHINESE_NAMES),
            ),
        )
    return political


def _position(row: _Row) -> str | None:
    position = row.text(COL_POSITION) or None
    if position and len(position) > MAX_TEXT_LENGTH:
        row.fail(COL_POSITION, _l("The position is longer than 50 characters."))
    return position


def _check_listed_once(
    row: _Row, seen: dict[tuple[int, str], int], target: Unit, id_number: str
) -> None:
    """Refuse an ID number listed twice for the same unit (remembering where it was first)."""
    key = (target.id, id_number)
    if key in seen:
        row.fail(
            COL_ID_NUMBER,
            _l(
                "This ID number is already listed in row %(row)s for the same unit.",
                row=seen[key],
            ),
        )
    else:
        seen[key] = row.number
