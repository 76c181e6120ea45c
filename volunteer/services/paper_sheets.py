"""Paper sign-in sheets in bulk: read the lines, match the people, then add every row or none.

Each line is 姓名, 志愿者编号或手机号, 签到, 签退 (tab, comma or spaces between; a time
alone is on the activity's Beijing day). Every row becomes a record through the same
service as a single manual entry (`records.add_manual_record`), so the same rules hold;
one refused row refuses the whole sheet.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from volunteer.documents.paper_sheet import SheetResultRow
from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Activity, ServiceRecord, User, Volunteer
from volunteer.services import records
from volunteer.services.audit import record_audit
from volunteer.services.errors import ServiceError
from volunteer.services.periods import aware_to_beijing_naive, beijing_to_aware, local_date
from volunteer.services.rosters.reading import read_table

MAX_ROWS = 500
MAX_FILE_BYTES = 1024 * 1024
SEPARATORS = re.compile(r"[\t,，;；\s]+")
DATE_TOKEN = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}$")
HEADER_WORDS = {"姓名", "name", "名字"}


@dataclass
class SheetRow:
    """One line of the sheet: what it says, who it matched and what is wrong with it."""

    line: int
    name: str
    identifier: str
    check_in: datetime | None = None
    check_out: datetime | None = None
    volunteer: Volunteer | None = None
    error: str = ""


@dataclass
class Sheet:
    """The checked sheet: every row, matched or not."""

    rows: list[SheetRow] = field(default_factory=list)

    @property
    def errors(self) -> list[SheetRow]:
        """The rows that cannot be added."""
        return [row for row in self.rows if row.error]

    @property
    def ok(self) -> bool:
        """Whether every row can be added (and there is at least one)."""
        return bool(self.rows) and not self.errors


class SheetRefused(ServiceError):
    """A row was refused while adding: nothing was added; the rows say why."""

    code = "sheet_refused"

    def __init__(self, sheet: Sheet):
        super().__init__(_l("Nothing was added: correct the rows marked below."))
        self.sheet = sheet


def check_sheet(text: str, activity: Activity) -> Sheet:
    """Read and match every line; rows with problems carry an error message."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if lines and _cells(lines[0][1])[0].lower() in HEADER_WORDS:
        lines = lines[1:]
    if len(lines) > MAX_ROWS:
        raise ServiceError(_l("A sheet holds at most %(count)s rows.", count=MAX_ROWS), "text")
    day = local_date(activity.starts_at)
    return Sheet([_checked_row(number, line, day) for number, line in lines])


def add_sheet(
    activity: Activity, sheet: Sheet, note: str, actor: User, now: datetime
) -> list[ServiceRecord]:
    """Add a record per row through the manual-entry rules; any refusal refuses the sheet."""
    if not sheet.ok:
        raise SheetRefused(sheet)
    # The audit row is written first so the rows' savepoints nest inside an open
    # transaction (SQLite's driver would otherwise let the first savepoint commit).
    record_audit(actor, "record.paper_sheet", activity, rows=len(sheet.rows), note=note)
    db.session.flush()
    added = [_added(activity, row, note, actor, now) for row in sheet.rows]
    if sheet.errors:
        raise SheetRefused(sheet)
    return added


def _added(
    activity: Activity, row: SheetRow, note: str, actor: User, now: datetime
) -> ServiceRecord | None:
    """One row through the single-entry service, in a savepoint so later rows are still checked."""
    try:
        with db.session.begin_nested():
            return records.add_manual_record(
                activity, row.volunteer, row.check_in, row.check_out, note, actor, now
            )
    except ServiceError as error:
        row.error = error.message
        return None


def _checked_row(number: int, line: str, day: date) -> SheetRow:
    cells = _cells(line)
    if len(cells) < 4:
        problem = _l("Give 4 columns: name, number or phone, check-in, check-out.")
        return SheetRow(number, line.strip()[:50], "", error=str(problem))
    row = SheetRow(number, cells[0], cells[1])
    row.check_in, row.check_out = _moment(cells[2], day), _moment(cells[3], day)
    row.error = _problem(row)
    return row


def _problem(row: SheetRow) -> str:
    """What is wrong with a row (empty when it can be added); finds the volunteer too."""
    if row.check_in is None or row.check_out is None:
        return str(_l("Write times as 08:30 or 2026-05-04 08:30."))
    # One look-up needing both identifiers, and one message whichever failed (as for a single
    # manual entry), so a sheet cannot be used to probe numbers or names.
    row.volunteer = records.find_volunteer(row.identifier, _plain(row.name))
    if row.volunteer is None:
        return str(records.NO_MATCH)
    return ""


def _cells(line: str) -> list[str]:
    """The line's cells; a date followed by a time is one cell."""
    cells: list[str] = []
    for token in SEPARATORS.split(line.replace("：", ":").strip()):
        if token and cells and DATE_TOKEN.match(cells[-1]) and ":" in token:
            cells[-1] = f"{cells[-1]} {token}"
        elif token:
            cells.append(token)
    return cells


def _moment(text: str, day: date) -> datetime | None:
    """A Beijing time typed on the sheet as aware; a bare time is on the activity's day."""
    for pattern in ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%H:%M"):
        try:
            moment = datetime.strptime(text, pattern)
        except ValueError:
            continue
        if pattern == "%H:%M":
            moment = datetime.combine(day, moment.time())
        return beijing_to_aware(moment)
    return None


def _plain(name: str) -> str:
    return re.sub(r"\s+", "", name or "")


def sheet_text(text: str | None, upload) -> str:
    """The sheet's lines: the uploaded file's rows (tab-separated) if a file came, else `text`."""
    if upload is None or not getattr(upload, "filename", ""):
        return text or ""
    try:
        data = upload.read(MAX_FILE_BYTES + 1)
    finally:
        upload.close()
    if len(data) > MAX_FILE_BYTES:
        raise ServiceError(_l("The file is too large for a sign-in sheet."), "file")
    rows = read_table(data, upload.filename)
    return "\n".join("\t".join(_cell_text(value) for value in values) for _n, values in rows)


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person would have typed."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return "" if value is None else str(value).strip()


def sheet_results(sheet: Sheet, ready: str) -> list[SheetResultRow]:
    """The checked rows for the results file; `ready` is the word for a row without problems."""
    return [
        SheetResultRow(
            line=row.line,
            name=row.name,
            identifier=row.identifier,
            volunteer_number=row.volunteer.volunteer_number if row.volunteer else "",
            check_in=_local_text(row.check_in),
            check_out=_local_text(row.check_out),
            result=row.error or ready,
        )
        for row in sheet.rows
    ]


def _local_text(moment: datetime | None) -> str:
    return aware_to_beijing_naive(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
