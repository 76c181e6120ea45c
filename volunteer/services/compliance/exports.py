"""The compliance report and missing people as the documents' plain rows, and the files.

Personal data is masked here, before it reaches a document; labels are put in
the reader's language here too, so the documents only lay out what they get.
"""

from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import attrgetter
from typing import BinaryIO

from volunteer.documents import compliance as documents
from volunteer.documents.compliance import MissingRow, SummaryRow, UnitSheet
from volunteer.services.compliance.figures import STATUS_LABELS, Figures, Report, UnitRow
from volunteer.services.compliance.missing import MISSING_LABELS, MissingPerson
from volunteer.services.compliance.pace import Pace
from volunteer.services.compliance.pace_export import pace_tables
from volunteer.services.privacy import mask_id_number, mask_phone


def report_csv(report: Report) -> str:
    """The compliance table as CSV (the columns the office reports upward)."""
    return documents.compliance_csv(summary_rows(report))


def report_xlsx(
    out: BinaryIO,
    report: Report,
    missing: Iterable[MissingPerson],
    full: bool = False,
    pace: Pace | None = None,
) -> None:
    """Write into `out` the compliance table, the pace and units at risk (when given) and every
    unit's missing people (masked unless `full`) as a workbook.

    `missing` is read once, a unit at a time: it must come grouped by unit, as
    `missing_people` and `stream_missing_people` give it."""
    sheets = _sheets(report, missing, full)
    tables = None if pace is None else pace_tables(report, pace)
    documents.compliance_xlsx(out, total_row(report), summary_rows(report), sheets, full, tables)


def missing_xlsx(unit_name: str, missing: list[MissingPerson], full: bool = False) -> bytes:
    """One unit's missing people (masked unless `full`: an entitled coordinator asked) as xlsx."""
    rows = [missing_row(person, full) for person in missing]
    return documents.missing_xlsx(unit_name, rows, full)


def summary_rows(report: Report) -> list[SummaryRow]:
    """One summary row per unit of the report, in report order."""
    return [_summary_row(row) for row in report.rows]


def total_row(report: Report) -> SummaryRow:
    """The subtree's distinct-people totals as a summary row under the root's code and name."""
    total, targets = report.total, report.targets
    return _figures_row(
        report.root.code,
        report.root.name,
        total,
        total.staff_needs(targets),
        total.party_needs(targets),
    )


def missing_row(person: MissingPerson, full: bool = False) -> MissingRow:
    """A missing person, ID number and phone masked unless `full`, the reason as text."""
    return MissingRow(
        unit_code=person.unit_code,
        unit_name=person.unit_name,
        name=person.name,
        id_number=(person.id_number or "") if full else mask_id_number(person.id_number),
        phone=(person.phone or "") if full else mask_phone(person.phone),
        position=person.position,
        party=person.party,
        reason_label=str(MISSING_LABELS[person.reason]),
        volunteer_number=person.volunteer_number,
        minutes=person.minutes,
    )


def _summary_row(row: UnitRow) -> SummaryRow:
    return _figures_row(
        row.code,
        row.name,
        row.figures,
        row.staff_needs,
        row.party_needs,
        status=row.status.value,
        status_label=str(STATUS_LABELS[row.status]),
    )


def _figures_row(
    code: str,
    name: str,
    figures: Figures,
    staff_needs: int | None,
    party_needs: int | None,
    status: str = "",
    status_label: str = "",
) -> SummaryRow:
    return SummaryRow(
        code=code,
        name=name,
        staff=figures.staff,
        staff_registered=figures.staff_registered,
        staff_completed=figures.staff_completed,
        staff_rate=figures.staff_rate,
        staff_needs=staff_needs,
        party=figures.party,
        party_registered=figures.party_registered,
        party_completed=figures.party_completed,
        party_rate=figures.party_rate,
        party_needs=party_needs,
        status=status,
        status_label=status_label,
    )


def _sheets(report: Report, missing: Iterable[MissingPerson], full: bool) -> Iterator[UnitSheet]:
    """A sheet per unit of the report with missing people, in the order the people come;
    each sheet's position is its unit's place in the report."""
    places = {row.unit_id: (position, row) for position, row in enumerate(report.rows)}
    for unit_id, people in groupby(missing, key=attrgetter("unit_id")):
        if unit_id in places:
            position, row = places[unit_id]
            rows = (missing_row(person, full) for person in people)
            yield UnitSheet(row.code, row.name, rows, position)
