"""The coverage board as an Excel workbook: summary by sub-unit, gaps, idle organizations.

Takes plain rows defined here (labels already in the reader's language) and returns bytes.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook

from volunteer.documents.workbooks import (
    append_bold_header,
    append_inert,
    set_column_widths,
    workbook_bytes,
)


@dataclass(frozen=True)
class CoverageSheetRow:
    """One unit of the summary: its subtree's counts in the board's column order."""

    code: str
    name: str
    kind_label: str
    counts: tuple[int, ...]


@dataclass(frozen=True)
class GapRow:
    """A unit missing an expected organization."""

    code: str
    name: str
    kind_label: str
    missing_label: str


@dataclass(frozen=True)
class IdleRow:
    """An organization without activity in the window."""

    name: str
    kind_label: str
    unit_name: str
    last_activity: str


@dataclass(frozen=True)
class CoverageWorkbook:
    """Everything the workbook holds, with its sheet titles and headers."""

    titles: tuple[str, str, str]
    summary_header: tuple[str, ...]
    summary: Sequence[CoverageSheetRow]
    gap_header: tuple[str, ...]
    gaps: Sequence[GapRow]
    idle_header: tuple[str, ...]
    idle: Sequence[IdleRow]


def coverage_xlsx(book: CoverageWorkbook) -> bytes:
    """The workbook's bytes: three sheets with a bold header row each."""
    workbook = Workbook()
    summary = [(r.code, r.name, r.kind_label, *r.counts) for r in book.summary]
    gaps = [(r.code, r.name, r.kind_label, r.missing_label) for r in book.gaps]
    idle = [(r.name, r.kind_label, r.unit_name, r.last_activity) for r in book.idle]
    sheets = zip(
        book.titles,
        (book.summary_header, book.gap_header, book.idle_header),
        (summary, gaps, idle),
        strict=True,
    )
    for index, (title, header, rows) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        _fill(sheet, title, header, rows)
    return workbook_bytes(workbook)


def _fill(sheet, title: str, header: Sequence[str], rows: Sequence[Sequence]) -> None:
    sheet.title = title[:31]
    append_bold_header(sheet, header)
    for row in rows:
        append_inert(sheet, row)  # unit and team names are typed by people: never formulas
    set_column_widths(sheet, [16, 28, 20] + [14] * max(len(header) - 3, 1))
