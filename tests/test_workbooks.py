"""The one spreadsheet writer: user values are inert text, numbers stay numbers."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from volunteer.documents import workbooks


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_csv_value_that_starts_a_formula_gets_a_quote(value):
    assert workbooks.inert_csv_value(value) == "'" + value


@pytest.mark.parametrize("value", ["乌云", "1+1", "a=b", "", None, 3])
def test_other_csv_values_are_unchanged(value):
    assert workbooks.inert_csv_value(value) == ("" if value is None else str(value))


@pytest.mark.parametrize("write_only", [False, True])
def test_strings_are_string_cells_and_numbers_numbers(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("s") if write_only else workbook.active
    workbooks.append_inert(
        sheet, ['=HYPERLINK("http://x","y")', 3, workbooks.percent_cell(sheet, Decimal("0.6999"))]
    )
    saved = load_workbook(io.BytesIO(workbooks.workbook_bytes(workbook)))
    formula, number, rate = next(saved.active.iter_rows())
    assert formula.data_type == "s" and formula.value.startswith("=HYPERLINK")
    assert number.value == 3 and number.data_type == "n"
    assert rate.value == pytest.approx(0.699) and rate.number_format == "0.0%"  # shown 69.9%
