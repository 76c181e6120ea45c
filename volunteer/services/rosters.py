"""Roster uploads: read a spreadsheet, check it whole, preview the change, replace the roster.

The flow is read -> validate (every row; any error means nothing is imported)
-> preview (added / unchanged / changed / leaving per unit) -> confirm. Between
the preview request and the confirm request the checked rows wait in a JSON
file under instance/roster_pending/, named by a random token; the caller keeps
the SHA-256 of that file (in the signed session cookie), so the confirm step
only accepts the exact rows that were previewed, by the person who previewed
them. The file is deleted on confirm and expires after PENDING_MAX_AGE.

Replacing a unit's roster never deletes: people no longer listed become
inactive (history kept), returning people are reactivated.
"""

import csv
import hashlib
import io
import json
import secrets
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import IdType, PoliticalStatus, RosterEntry, RosterUpload, Unit, User, utcnow
from volunteer.services import identity
from volunteer.services.audit import record_audit
from volunteer.services.errors import ServiceError

PENDING_MAX_AGE_SECONDS = 3600

# The template's columns; uploads may use the listed other spellings.
COL_UNIT = "单位代码"
COL_NAME = "姓名"
COL_ID_TYPE = "证件类型"
COL_ID_NUMBER = "证件号码"
COL_PHONE = "手机号"
COL_POLITICAL = "政治面貌"
COL_POSITION = "职务"
TEMPLATE_COLUMNS = (COL_NAME, COL_ID_TYPE, COL_ID_NUMBER, COL_PHONE, COL_POLITICAL, COL_POSITION)
REQUIRED_COLUMNS = (COL_NAME, COL_ID_TYPE, COL_ID_NUMBER, COL_PHONE, COL_POLITICAL)
HEADER_ALIASES = {
    COL_UNIT: ("单位代码", "单位编码", "unit_code"),
    COL_NAME: ("姓名", "名字", "name"),
    COL_ID_TYPE: ("证件类型", "id_type"),
    COL_ID_NUMBER: ("证件号码", "身份证号", "身份证号码", "公民身份号码", "id_number"),
    COL_PHONE: ("手机号", "手机号码", "手机", "联系电话", "phone"),
    COL_POLITICAL: ("政治面貌", "political_status"),
    COL_POSITION: ("职务", "职务职级", "岗位", "position"),
}
ID_TYPE_BY_CHINESE_NAME = {
    "居民身份证": IdType.RESIDENT_ID,
    "身份证": IdType.RESIDENT_ID,
    "护照": IdType.PASSPORT,
    "港澳居民来往内地通行证": IdType.HK_MACAU_PERMIT,
    "港澳通行证": IdType.HK_MACAU_PERMIT,
    "台湾居民来往大陆通行证": IdType.TAIWAN_PERMIT,
    "台胞证": IdType.TAIWAN_PERMIT,
    "外国人永久居留身份证": IdType.FOREIGNER_RESIDENCE,
}
ID_TYPE_CHINESE_NAMES = (
    "居民身份证",
    "护照",
    "港澳居民来往内地通行证",
    "台湾居民来往大陆通行证",
    "外国人永久居留身份证",
)
POLITICAL_CHINESE_NAMES = (
    "中共党员",
    "中共预备党员",
    "共青团员",
    "民革会员",
    "民盟盟员",
    "民建会员",
    "民进会员",
    "农工党党员",
    "致公党党员",
    "九三学社社员",
    "台盟盟员",
    "无党派人士",
    "群众",
)
COMPARED_FIELDS = ("name", "id_type", "phone", "political_status", "position")


class RosterFileError(ServiceError):
    """The file as a whole cannot be read as a roster (type, size, encoding, columns)."""


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
        return not self.errors


# ---- reading the file ----------------------------------------------------------------------


def read_table(data: bytes, filename: str) -> list[tuple[int, list]]:
    """The spreadsheet's rows as (row number, cell values); refuses files that are not one."""
    max_bytes = current_app.config["ROSTER_MAX_UPLOAD_BYTES"]
    if len(data) > max_bytes:
        raise RosterFileError(
            _l(
                "The file is larger than %(limit)s MB. Split the roster or remove other sheets.",
                limit=f"{max_bytes / (1024 * 1024):g}",
            )
        )
    if not data.strip():
        raise RosterFileError(_l("The file is empty."))
    suffix = Path(filename or "").suffix.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterFileError(
            _l("Old Excel .xls files are not accepted: save the sheet as .xlsx or .csv.")
        )
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data)
    if suffix in (".csv", ".txt"):
        return _read_csv(data)
    raise RosterFileError(_l("This is not a spreadsheet: upload the roster as .xlsx or .csv."))


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RosterFileError(_l("This is not a spreadsheet: upload the roster as .xlsx or .csv."))
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
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise RosterFileError(
            _l(
                "The file's text encoding is not supported: save it as CSV in UTF-8 or GBK"
                " (Excel: “CSV UTF-8” or “CSV (comma delimited)”)."
            )
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError(
            _l(
                "The file's text encoding is not supported: save it as CSV in UTF-8 or GBK"
                " (Excel: “CSV UTF-8” or “CSV (comma delimited)”)."
            )
        )
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [(number, row) for number, row in enumerate(reader, start=1)]
    except csv.Error as error:
        raise RosterFileError(
            _l("The CSV file is malformed: %(reason)s", reason=str(error))
        ) from error


# ---- checking ------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_map(header: list) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(header):
        label = _text(cell).replace("*", "").replace(" ", "").replace("（选填）", "")
        for column, aliases in HEADER_ALIASES.items():
            if label in aliases and column not in found:
                found[column] = index
    return found


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
    table = read_table(data, filename)
    header_at = next(
        (
            i
            for i, (_n, cells) in enumerate(table[:10])
            if _header_map(cells).get(COL_NAME) is not None
        ),
        None,
    )
    if header_at is None:
        raise RosterFileError(
            _l(
                "No header row found: the first row must name the columns %(columns)s."
                " If the file is a CSV whose text looks garbled, save it as UTF-8 or GBK.",
                columns="、".join(REQUIRED_COLUMNS),
            )
        )
    columns = _header_map(table[header_at][1])
    required = ((COL_UNIT,) if unit is None else ()) + REQUIRED_COLUMNS
    missing = [name for name in required if name not in columns]
    if missing:
        raise RosterFileError(
            _l("Required columns are missing: %(columns)s.", columns="、".join(missing))
        )
    body = [
        (number, cells)
        for number, cells in table[header_at + 1 :]
        if any(_text(cell) for cell in cells)
    ]
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
    checked = CheckedRoster(filename=filename, unit_ids=[], multi_unit=unit is None)
    units_by_code = _units_by_code(table, header_at, columns) if unit is None else {}
    seen: dict[tuple[int, str], int] = {}
    unit_ids: dict[int, None] = {}
    for number, cells in body:

        def cell(column: str, cells=cells):
            index = columns.get(column)
            return cells[index] if index is not None and index < len(cells) else None

        errors_before = len(checked.errors)

        def fail(column: str, reason, number=number):
            checked.errors.append(RowError(number, column, str(reason)))

        target = unit
        if unit is None:
            code = _text(cell(COL_UNIT)).upper()
            target = units_by_code.get(code)
            if not code:
                fail(COL_UNIT, _l("Enter the unit code."))
            elif target is None or not target.active:
                fail(COL_UNIT, _l("No active unit has the code %(code)s.", code=code))
            elif not may_upload_for(target):
                fail(COL_UNIT, _l("Unit %(code)s is not one of your units.", code=code))
                target = None
        name = _text(cell(COL_NAME))
        if not name:
            fail(COL_NAME, _l("Enter the name."))
        elif len(name) > 50:
            fail(COL_NAME, _l("The name is longer than 50 characters."))
        id_type_text = _text(cell(COL_ID_TYPE)) or "居民身份证"
        id_type = ID_TYPE_BY_CHINESE_NAME.get(id_type_text)
        if id_type is None:
            fail(
                COL_ID_TYPE,
                _l(
                    "Unknown document type; use one of: %(types)s.",
                    types="、".join(ID_TYPE_CHINESE_NAMES),
                ),
            )
        raw_id = cell(COL_ID_NUMBER)
        id_number = identity.normalize_id_number(_text(raw_id))
        if isinstance(raw_id, float | int) and len(id_number) > 15:
            fail(
                COL_ID_NUMBER,
                _l(
                    "Excel stored the ID number as a number and lost its last digits;"
                    " format the column as text and type the numbers again."
                ),
            )
        elif id_type is not None and (error := identity.id_number_error(id_type, id_number)):
            fail(COL_ID_NUMBER, error)
        phone = identity.normalize_phone(_text(cell(COL_PHONE)))
        if not phone:
            fail(COL_PHONE, _l("Enter the mobile number."))
        elif error := identity.phone_error(phone):
            fail(COL_PHONE, error)
        political_text = _text(cell(COL_POLITICAL))
        political = identity.POLITICAL_STATUS_BY_CHINESE_NAME.get(political_text)
        if political is None and political_text.zfill(2) in {s.value for s in PoliticalStatus}:
            political = PoliticalStatus(political_text.zfill(2))
        if not political_text:
            fail(COL_POLITICAL, _l("Enter the political status."))
        elif political is None:
            fail(
                COL_POLITICAL,
                _l(
                    "Unknown political status; use one of: %(names)s.",
                    names="、".join(POLITICAL_CHINESE_NAMES),
                ),
            )
        position = _text(cell(COL_POSITION)) or None
        if position and len(position) > 50:
            fail(COL_POSITION, _l("The position is longer than 50 characters."))
        if target is not None and id_number:
            key = (target.id, id_number)
            if key in seen:
                fail(
                    COL_ID_NUMBER,
                    _l(
                        "This ID number is already listed in row %(row)s for the same unit.",
                        row=seen[key],
                    ),
                )
            else:
                seen[key] = number
        if len(checked.errors) == errors_before and target is not None:
            unit_ids[target.id] = None
            checked.rows.append(
                RosterRow(
                    row=number,
                    unit_id=target.id,
                    name=name,
                    id_type=id_type.value,
                    id_number=id_number,
                    phone=phone,
                    political_status=political.value,
                    position=position,
                )
            )
    checked.unit_ids = list(unit_ids) if unit is None else [unit.id]
    if checked.errors:
        checked.rows = []
    return checked


def _units_by_code(table, header_at: int, columns: dict[str, int]) -> dict[str, Unit]:
    index = columns[COL_UNIT]
    codes = {
        _text(cells[index]).upper()
        for _n, cells in table[header_at + 1 :]
        if index < len(cells) and _text(cells[index])
    }
    if not codes:
        return {}
    return {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(codes)))}


# ---- preview and apply ---------------------------------------------------------------------


@dataclass
class UnitPlan:
    """What confirming would do to one unit's roster."""

    unit: Unit
    added: list[RosterRow] = field(default_factory=list)
    unchanged: list[RosterRow] = field(default_factory=list)
    changed: list[tuple[RosterRow, RosterEntry, list[str]]] = field(default_factory=list)
    leaving: list[RosterEntry] = field(default_factory=list)
    reactivated: int = 0


def plan_roster(checked: CheckedRoster) -> list[UnitPlan]:
    """Compare the checked rows with each named unit's current roster (one query)."""
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(checked.unit_ids)))}
    existing: dict[int, dict[str, RosterEntry]] = {unit_id: {} for unit_id in units}
    for entry in db.session.scalars(
        select(RosterEntry).where(RosterEntry.unit_id.in_(list(units)))
    ):
        existing[entry.unit_id][entry.id_number] = entry
    plans = {unit_id: UnitPlan(unit=unit) for unit_id, unit in units.items()}
    listed: dict[int, set[str]] = {unit_id: set() for unit_id in units}
    for row in checked.rows:
        plan = plans[row.unit_id]
        listed[row.unit_id].add(row.id_number)
        entry = existing[row.unit_id].get(row.id_number)
        if entry is None or not entry.active:
            plan.added.append(row)
            plan.reactivated += entry is not None
            continue
        differences = [
            name for name, value in row.values().items() if getattr(entry, name) != value
        ]
        if differences:
            plan.changed.append((row, entry, differences))
        else:
            plan.unchanged.append(row)
    for unit_id, entries in existing.items():
        plans[unit_id].leaving = sorted(
            (e for e in entries.values() if e.active and e.id_number not in listed[unit_id]),
            key=lambda e: e.name,
        )
    return [plans[unit_id] for unit_id in checked.unit_ids if unit_id in plans]


def apply_roster(checked: CheckedRoster, actor: User | None) -> RosterUpload:
    """Replace the roster of every unit in the file: add, update, reactivate, deactivate."""
    if not checked.ok or not checked.rows:
        raise ServiceError(_l("Nothing to import: the file has errors."))
    plans = plan_roster(checked)
    now = utcnow()
    upload = RosterUpload(
        unit_id=None if checked.multi_unit else checked.unit_ids[0],
        uploaded_by_id=actor.id if actor is not None else None,
        filename=checked.filename[:255],
    )
    db.session.add(upload)
    db.session.flush()
    existing = {
        (e.unit_id, e.id_number): e
        for e in db.session.scalars(
            select(RosterEntry).where(RosterEntry.unit_id.in_(checked.unit_ids))
        )
    }
    for plan in plans:
        for row in plan.added:
            entry = existing.get((row.unit_id, row.id_number))
            if entry is None:
                db.session.add(
                    RosterEntry(
                        unit_id=row.unit_id,
                        id_number=row.id_number,
                        upload_id=upload.id,
                        active=True,
                        **row.values(),
                    )
                )
            else:  # someone who left and is listed again
                for name, value in row.values().items():
                    setattr(entry, name, value)
                entry.active, entry.deactivated_at, entry.upload_id = True, None, upload.id
        for row, entry, _differences in plan.changed:
            for name, value in row.values().items():
                setattr(entry, name, value)
            entry.upload_id = upload.id
        for entry in plan.leaving:
            entry.active, entry.deactivated_at = False, now
        upload.added += len(plan.added)
        upload.changed += len(plan.changed)
        upload.unchanged += len(plan.unchanged)
        upload.deactivated += len(plan.leaving)
    db.session.flush()
    record_audit(
        actor,
        "roster.upload",
        upload,
        filename=checked.filename,
        units=[plan.unit.code for plan in plans],
        added=upload.added,
        changed=upload.changed,
        unchanged=upload.unchanged,
        deactivated=upload.deactivated,
    )
    return upload


# ---- the wait between preview and confirm --------------------------------------------------


def _pending_dir() -> Path:
    # Under instance/ (shared by the workers of one host); tests point it elsewhere.
    configured = current_app.config.get("ROSTER_PENDING_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "roster_pending"
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_pending(checked: CheckedRoster, owner: User) -> tuple[str, str]:
    """Keep checked rows for the confirm step; returns (token, sha256 of the saved file)."""
    directory = _pending_dir()
    cutoff = time.time() - PENDING_MAX_AGE_SECONDS
    for old in directory.glob("*.json"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    payload = json.dumps(
        {
            "owner_id": owner.id,
            "created": datetime.now().timestamp(),
            "filename": checked.filename,
            "unit_ids": checked.unit_ids,
            "multi_unit": checked.multi_unit,
            "rows": [asdict(row) for row in checked.rows],
        },
        ensure_ascii=False,
    ).encode("utf-8")
    (directory / f"{token}.json").write_bytes(payload)
    return token, hashlib.sha256(payload).hexdigest()


def load_pending(token: str, digest: str | None, owner: User) -> CheckedRoster:
    """The rows saved by `save_pending`, if the token, hash and owner all match."""
    expired = ServiceError(_l("This preview has expired or was already imported; upload again."))
    if not token or not digest or not token.replace("-", "").replace("_", "").isalnum():
        raise expired
    path = _pending_dir() / f"{token}.json"
    if not path.is_file() or path.stat().st_mtime < time.time() - PENDING_MAX_AGE_SECONDS:
        raise expired
    payload = path.read_bytes()
    if not secrets.compare_digest(hashlib.sha256(payload).hexdigest(), digest):
        raise expired
    data = json.loads(payload)
    if data["owner_id"] != owner.id:
        raise expired
    return CheckedRoster(
        filename=data["filename"],
        unit_ids=data["unit_ids"],
        multi_unit=data["multi_unit"],
        rows=[RosterRow(**row) for row in data["rows"]],
    )


def discard_pending(token: str) -> None:
    """Remove a pending upload once imported (or abandoned)."""
    if token and token.replace("-", "").replace("_", "").isalnum():
        (_pending_dir() / f"{token}.json").unlink(missing_ok=True)


def roster_entries(unit: Unit, include_inactive: bool = False) -> list[RosterEntry]:
    """A unit's roster, active people first."""
    query = select(RosterEntry).where(RosterEntry.unit_id == unit.id)
    if not include_inactive:
        query = query.where(RosterEntry.active.is_(True))
    return list(db.session.scalars(query.order_by(RosterEntry.active.desc(), RosterEntry.name)))


def recent_uploads(unit_ids: list[int], limit: int = 10) -> list[RosterUpload]:
    """The latest imports touching these units (multi-unit workbooks included)."""
    unit_entries = select(RosterEntry.upload_id).where(RosterEntry.unit_id.in_(unit_ids))
    return list(
        db.session.scalars(
            select(RosterUpload)
            .where(RosterUpload.unit_id.in_(unit_ids) | RosterUpload.id.in_(unit_entries))
            .order_by(RosterUpload.created_at.desc())
            .limit(limit)
        )
    )
