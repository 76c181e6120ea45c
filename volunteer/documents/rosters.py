"""The roster spreadsheet: its columns (what uploads are read by) and the .xlsx template.

The column spec lives here, with the template coordinators fill in, so that the
template and the reader of uploads cannot drift apart; the roster service reads
uploads by these names.
"""

from collections.abc import Sequence
from dataclasses import astuple, dataclass

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from volunteer.documents.workbooks import put_inert_row, workbook_bytes

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
# The choices offered in the template's drop-down lists.
ID_TYPE_CHINESE_NAMES = (
    "居民身份证",
    "护照",
    "港澳居民来往内地通行证",
    "台湾居民来往大陆通行证",
    "外国人永久居留身份证",
    "港澳台居民居住证",
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

NOTES = (
    "填写说明",
    "1. 每行一人，第一行为列名，请勿修改列名。带 * 的列必填，职务可不填。",
    "2. 证件号码、手机号请按文本填写（本模板已设为文本格式），不要带空格。",
    "3. 证件类型留空视为居民身份证；政治面貌请从下拉列表中选择。",
    "4. 上传后系统先整体校验，有任何错误都不会导入，并列出出错的行、列和原因。",
    "5. 默认“新增或更新”：文件中的人员新增或更新，其他人员不变；选择“替换整个名册”时，"
    "名册中不再出现的人员标记为“已离开”，历史保留。",
    "6. 可另存为 CSV（UTF-8 或 GBK 编码）后上传。",
)
COLUMN_WIDTHS = {COL_UNIT: 14, COL_ID_NUMBER: 24, COL_PHONE: 15, COL_ID_TYPE: 24, COL_POLITICAL: 16}
TEXT_COLUMNS = (COL_ID_NUMBER, COL_PHONE, COL_UNIT)
TEMPLATE_ROWS = 5000
# Columns chosen from a list, and the choices (kept on the 选项 sheet, one column each).
DROP_DOWN_LISTS = ((COL_ID_TYPE, ID_TYPE_CHINESE_NAMES), (COL_POLITICAL, POLITICAL_CHINESE_NAMES))


@dataclass(frozen=True)
class TemplateRow:
    """One person of the current roster, in the template's columns (Chinese names of codes)."""

    name: str
    id_type: str
    id_number: str
    phone: str
    political_status: str
    position: str


def roster_template_xlsx(
    multi_unit: bool = False, unit_code: str | None = None, rows: Sequence[TemplateRow] = ()
) -> bytes:
    """The roster columns (a 单位代码 column for many units), filled with `rows` if given."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名册"
    columns = ((COL_UNIT,) if multi_unit else ()) + TEMPLATE_COLUMNS
    _write_header(sheet, columns)
    _add_drop_down_lists(workbook, sheet, columns)
    if unit_code and multi_unit:
        sheet.cell(row=2, column=1, value=unit_code)
    _write_rows(sheet, rows)
    _add_notes(workbook)
    sheet.freeze_panes = "A2"
    return workbook_bytes(workbook)


def _write_header(sheet: Worksheet, columns: tuple[str, ...]) -> None:
    """The bold header (required columns starred), widths, and text format where it matters."""
    required = set(columns) - {COL_POSITION}
    sheet.append([f"{name}*" if name in required else name for name in columns])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDE2E1")
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        sheet.column_dimensions[cell.column_letter].width = COLUMN_WIDTHS.get(name, 12)
        if name in TEXT_COLUMNS:
            _format_as_text(sheet, index)


def _write_rows(sheet: Worksheet, rows: Sequence[TemplateRow]) -> None:
    """The people under the header, every value inert (the number columns are text already)."""
    # Rows are put by number: the text format already created the template's empty rows.
    for number, row in enumerate(rows, start=2):
        put_inert_row(sheet, number, astuple(row))


def _format_as_text(sheet: Worksheet, column: int) -> None:
    """Every template row's cell in `column` formatted as text."""
    # Text format keeps 18-digit ID numbers from turning into 1.5E+17.
    for row in range(2, TEMPLATE_ROWS + 2):
        sheet.cell(row=row, column=column).number_format = "@"


def _add_drop_down_lists(workbook: Workbook, sheet: Worksheet, columns: tuple[str, ...]) -> None:
    """Document types and political statuses chosen from lists kept on an 选项 sheet."""
    lists = workbook.create_sheet("选项")
    for list_column, (name, choices) in enumerate(DROP_DOWN_LISTS, start=1):
        for row, choice in enumerate(choices, start=1):
            lists.cell(row=row, column=list_column, value=choice)
        letter = get_column_letter(list_column)
        source = f"选项!${letter}$1:${letter}${len(choices)}"
        _add_drop_down(sheet, columns.index(name) + 1, source)


def _add_drop_down(sheet: Worksheet, column: int, source: str) -> None:
    """A list to choose from (the cells `source`) on `column` of every template row."""
    letter = get_column_letter(column)
    validation = DataValidation(type="list", formula1=source, allow_blank=True)
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(validation)


def _add_notes(workbook: Workbook) -> None:
    """The 说明 sheet: how to fill in the template."""
    notes = workbook.create_sheet("说明")
    for line in NOTES:
        notes.append([line])
    notes.column_dimensions["A"].width = 90
    notes["A1"].font = Font(bold=True)
