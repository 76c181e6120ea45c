"""The pace sheets of the compliance workbook: every unit's projection, and the units at risk.

Plain rows in (figures already projected, outlooks already in the reader's language where
they are words), cells out; the workbook itself is put together by documents/compliance.py.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from openpyxl.worksheet.worksheet import Worksheet

from volunteer.documents.workbooks import (
    append_inert,
    chinese_width,
    inert_cell,
    percent_cell,
    write_table,
)
from volunteer.i18n import lazy_gettext as _l

PACE_HEADER = (
    _l("Unit code"),
    _l("Unit"),
    _l("Staff completed per week"),
    _l("Staff needs"),
    _l("Staff: projected date"),
    _l("Staff needed per week"),
    _l("Party completed per week"),
    _l("Party needs"),
    _l("Party: projected date"),
    _l("Party needed per week"),
    _l("New registrations per week"),
    _l("Short at the period's end at this pace"),
    _l("Below target at the period's end"),
    _l("At risk"),
)
PACE_WIDTHS = (14, 28, 12, 10, 22, 12, 12, 10, 22, 12, 12, 14, 14, 8)
PER_WEEK_FORMAT = "0.0"
DATE_FORMAT = "yyyy-mm-dd"


@dataclass(frozen=True)
class PaceRow:
    """One unit's (or the subtree's) rates at the observed pace."""

    code: str
    name: str
    staff_per_week: Decimal | None
    staff_short: int
    staff_outlook: date | str  # the projected date, or why there is none
    staff_needed_per_week: Decimal | None
    party_per_week: Decimal | None  # the party columns are None without party members
    party_short: int | None
    party_outlook: date | str
    party_needed_per_week: Decimal | None
    joined_per_week: Decimal | None
    shortfall: int  # people still missing at the period's end at this pace
    behind: Decimal  # how far the rate then falls short of its target (the worse rate)
    at_risk: bool


@dataclass(frozen=True)
class PaceTables:
    """The pace of a report: the subtree's line, every unit's, the units at risk, the window."""

    total: PaceRow | None
    rows: Sequence[PaceRow]
    at_risk: Sequence[PaceRow]
    first: date
    last: date
    deadline: date


def pace_sheet(sheet: Worksheet, pace: PaceTables, rows: Iterable[PaceRow]) -> None:
    """A table of pace rows, then a line saying which days the pace was read from."""
    lines = [_values(sheet, row) for row in rows]
    widths = (14, chinese_width([line[1] for line in lines], 16), *PACE_WIDTHS[2:])
    write_table(sheet, PACE_HEADER, lines, widths)
    append_inert(sheet, [])
    note = _l(
        "Pace of %(first)s to %(last)s, continued to %(deadline)s.",
        first=pace.first.isoformat(),
        last=pace.last.isoformat(),
        deadline=pace.deadline.isoformat(),
    )
    append_inert(sheet, [str(note)])


def total_named(pace: PaceTables) -> list[PaceRow]:
    """The subtree's line (named for all units) before the units' own, when there is one."""
    if pace.total is None:
        return list(pace.rows)
    name = str(_l("%(name)s (all units, distinct people)", name=pace.total.name))
    return [replace(pace.total, name=name), *pace.rows]


def _values(sheet: Worksheet, row: PaceRow) -> list:
    return [
        row.code,
        row.name,
        _per_week(sheet, row.staff_per_week),
        row.staff_short,
        _outlook(sheet, row.staff_outlook),
        _per_week(sheet, row.staff_needed_per_week),
        _per_week(sheet, row.party_per_week),
        row.party_short,
        _outlook(sheet, row.party_outlook),
        _per_week(sheet, row.party_needed_per_week),
        _per_week(sheet, row.joined_per_week),
        row.shortfall,
        percent_cell(sheet, row.behind),
        str(_l("Yes")) if row.at_risk else "",
    ]


def _per_week(sheet: Worksheet, value: Decimal | None):
    return inert_cell(sheet, value, PER_WEEK_FORMAT)


def _outlook(sheet: Worksheet, value: date | str):
    """A projected date as a date cell; a reason as inert text."""
    return inert_cell(sheet, value, DATE_FORMAT if isinstance(value, date) else None)
