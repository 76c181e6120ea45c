"""The roster template (.xlsx) coordinators fill in."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from volunteer.services.rosters import (
    COL_ID_NUMBER,
    COL_ID_TYPE,
    COL_PHONE,
    COL_POLITICAL,
    COL_UNIT,
    ID_TYPE_CHINESE_NAMES,
    POLITICAL_CHINESE_NAMES,
    TEMPLATE_COLUMNS,
)

NOTES = (
    "填写说明",
    "1. 每行一人，第一行为列名，请勿修改列名。带 * 的列必填，职务可不填。",
    "2. 证件号码、手机号请按文本填写（本模板已设为文本格式），不要带空格。",
    "3. 证件类型留空视为居民身份证；政治面貌请从下拉列表中选择。",
    "4. 上传后系统先整体校验，有任何错误都不会导入，并列出出错的行、列和原因。",
    "5. 再次上传即替换本单位名册：名册中不再出现的人员标记为“已离开”，历史保留。",
    "6. 可另存为 CSV（UTF-8 或 GBK 编码）后上传。",
)


def roster_template_xlsx(multi_unit: bool = False, unit_code: str | None = None) -> bytes:
    """A workbook with the roster columns (and a 单位代码 column for many units at once)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名册"
    columns = ((COL_UNIT,) if multi_unit else ()) + TEMPLATE_COLUMNS
    required = set(columns) - {"职务"}
    sheet.append([f"{name}*" if name in required else name for name in columns])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDE2E1")
    widths = {COL_UNIT: 14, COL_ID_NUMBER: 24, COL_PHONE: 15, COL_ID_TYPE: 24, COL_POLITICAL: 16}
    for index, name in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = widths.get(name, 12)
        if name in (COL_ID_NUMBER, COL_PHONE, COL_UNIT):
            # Text format keeps 18-digit ID numbers from turning into 1.5E+17.
            for row in range(2, 5002):
                sheet.cell(row=row, column=index).number_format = "@"
    lists = workbook.create_sheet("选项")
    for row, name in enumerate(ID_TYPE_CHINESE_NAMES, start=1):
        lists.cell(row=row, column=1, value=name)
    for row, name in enumerate(POLITICAL_CHINESE_NAMES, start=1):
        lists.cell(row=row, column=2, value=name)
    for name, source in (
        (COL_ID_TYPE, f"选项!$A$1:$A${len(ID_TYPE_CHINESE_NAMES)}"),
        (COL_POLITICAL, f"选项!$B$1:$B${len(POLITICAL_CHINESE_NAMES)}"),
    ):
        letter = sheet.cell(row=1, column=columns.index(name) + 1).column_letter
        validation = DataValidation(type="list", formula1=source, allow_blank=True)
        validation.add(f"{letter}2:{letter}5001")
        sheet.add_data_validation(validation)
    if unit_code and multi_unit:
        sheet.cell(row=2, column=1, value=unit_code)
    notes = workbook.create_sheet("说明")
    for line in NOTES:
        notes.append([line])
    notes.column_dimensions["A"].width = 90
    notes["A1"].font = bold
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
