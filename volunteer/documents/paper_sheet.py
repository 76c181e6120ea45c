"""A checked paper sign-in sheet as CSV: each row, who it matched and what was wrong."""

from collections.abc import Iterable
from dataclasses import astuple, dataclass

from volunteer.documents.workbooks import csv_text

HEADER = ("行号", "姓名", "编号或手机号", "匹配志愿者编号", "签到", "签退", "结果")


@dataclass(frozen=True)
class SheetResultRow:
    """One checked line, times as Beijing text."""

    line: int
    name: str
    identifier: str
    volunteer_number: str
    check_in: str
    check_out: str
    result: str


def sheet_results_csv(rows: Iterable[SheetResultRow]) -> str:
    """The checked rows as CSV text (every value inert), with a byte-order mark for Excel."""
    return "\ufeff" + csv_text(HEADER, (astuple(row) for row in rows))
