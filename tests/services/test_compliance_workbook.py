"""The whole-tree compliance workbook streamed (issue 15): same sheets, names and order as when
every missing person was held at once, written a unit at a time."""

import io
import os

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet import _writer

from tests import factories as f
from volunteer.documents import compliance as documents
from volunteer.documents.compliance import MissingRow, SummaryRow, UnitSheet
from volunteer.extensions import db
from volunteer.models import Unit, UnitKind
from volunteer.services import compliance as c
from volunteer.services import periods

PERIOD = periods.year_period(2025)
LONG = "X" * 31  # a code this long leaves no room for the name in a 31-character sheet title


def unit_with_id(unit_id: int, code: str, name: str, parent: Unit) -> Unit:
    """A unit under `parent` with a chosen id, so that ids of different lengths are siblings."""
    unit = Unit(
        id=unit_id,
        code=code,
        name=name,
        kind=UnitKind.TOWN,
        parent=parent,
        assessed=True,
        path=f"{parent.path}{unit_id}/",
        depth=parent.depth + 1,
    )
    db.session.add(unit)
    db.session.flush()
    return unit


@pytest.fixture
def crossed_tree(app):
    """Siblings 99998, 99999 and 100000: as text "/…/100000/" sorts first, in the tree last."""
    root = f.make_unit("WS", "乌审旗")
    first = unit_with_id(99_998, LONG + "1", "甲", root)
    second = unit_with_id(99_999, "B2", "乙", root)
    last = unit_with_id(100_000, LONG + "2", "丙", root)
    child = f.make_unit("C1", "子", parent=first, kind=UnitKind.VILLAGE)
    for unit in (first, child, second, last):
        for name in ("王二", "李一"):
            f.make_roster_entry(unit, name=f"{name}{unit.code[-1]}")
    db.session.commit()
    return root


def workbook_of(root: Unit, full: bool = False):
    report = c.compliance_report(root, PERIOD)
    out = io.BytesIO()
    missing = c.stream_missing_people(root, PERIOD, report.targets, subtree=True)
    c.report_xlsx(out, report, missing, full)
    return load_workbook(io.BytesIO(out.getvalue()))


def test_unit_sheets_keep_the_reports_order_and_names_whatever_order_people_stream_in(
    crossed_tree,
):
    workbook = workbook_of(crossed_tree)
    # In report (tree) order; the later of two titles cut to the same 31 characters gets ~2.
    assert workbook.sheetnames[1:] == [LONG, "C1 子", "B2 乙", LONG[:29] + "~2"]
    people = {
        sheet.title: [(row[0], row[2]) for row in sheet.iter_rows(min_row=2, values_only=True)]
        for sheet in workbook.worksheets[1:]
    }
    assert people[LONG] == [(LONG + "1", "李一1"), (LONG + "1", "王二1")]
    assert people["C1 子"] == [("C1", "李一1"), ("C1", "王二1")]
    assert people[LONG[:29] + "~2"] == [(LONG + "2", "李一2"), (LONG + "2", "王二2")]
    summary = [row[0] for row in workbook.worksheets[0].iter_rows(min_row=3, values_only=True)]
    assert summary == ["WS", LONG + "1", "C1", "B2", LONG + "2"]


def test_streamed_people_are_the_listed_people_in_the_same_order(crossed_tree):
    listed = c.missing_people(crossed_tree, PERIOD, subtree=True)
    streamed = c.stream_missing_people(crossed_tree, PERIOD, subtree=True)
    assert iter(streamed) is streamed  # an iterator read as it goes, not a list
    assert list(streamed) == listed
    assert [person.unit_code for person in listed][::2] == [LONG + "2", LONG + "1", "C1", "B2"]


def test_the_masked_and_full_workbooks_differ_only_in_the_numbers(crossed_tree):
    masked, full = workbook_of(crossed_tree), workbook_of(crossed_tree, full=True)
    assert masked.sheetnames == full.sheetnames
    masked_cells = list(masked[LONG].iter_rows(values_only=True))
    full_cells = list(full[LONG].iter_rows(values_only=True))
    assert masked_cells[0][3] == str(documents.MISSING_HEADER[3])
    assert full_cells[0][3] == str(documents.FULL_NUMBER_HEADERS[0])
    assert "*" in masked_cells[1][3] and "*" not in full_cells[1][3]


# ---- the document: one sheet at a time, never reading ahead -------------------------------


def summary_row(code: str) -> SummaryRow:
    return SummaryRow(code, code, 1, 0, 0, None, 1, 0, 0, 0, None, None, "below", "未达标")


def person(code: str, name: str) -> MissingRow:
    return MissingRow(code, code, name, "1501**********0011", "", None, False, "未注册", None, 0)


def test_the_document_reads_each_units_people_once_and_one_unit_at_a_time(app):
    events: list[str] = []

    def people(code: str):
        events.append(f"start {code}")
        for name in ("甲", "乙"):
            yield person(code, name)
        events.append(f"end {code}")

    def sheets():
        for position, code in ((1, "B"), (0, "A")):
            events.append(f"sheet {code}")
            yield UnitSheet(code, code, people(code), position)

    out = io.BytesIO()
    rows = [summary_row("A"), summary_row("B")]
    documents.compliance_xlsx(out, summary_row("R"), rows, sheets())
    assert events == ["sheet B", "start B", "end B", "sheet A", "start A", "end A"]
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    assert workbook.sheetnames[1:] == ["A A", "B B"]  # placed by position
    assert [row[2] for row in workbook["A A"].iter_rows(min_row=2, values_only=True)] == [
        "甲",
        "乙",
    ]
    assert workbook["B B"].freeze_panes == "A2" and workbook["B B"].auto_filter.ref == "A1:J3"


def test_a_workbook_that_fails_half_way_leaves_no_scratch_files(app):
    def people():
        yield person("A", "甲")
        raise RuntimeError("the database went away")

    before = list(_writer.ALL_TEMP_FILES)
    with pytest.raises(RuntimeError):
        documents.compliance_xlsx(
            io.BytesIO(), summary_row("R"), [], [UnitSheet("A", "A", people())]
        )
    assert before == _writer.ALL_TEMP_FILES
    assert all(os.path.exists(path) for path in before)
