"""Build roster files (CSV bytes, .xlsx bytes) for tests."""

import io

from openpyxl import Workbook

HEADER = ["姓名", "证件类型", "证件号码", "手机号", "政治面貌", "职务"]


def person(name: str, id_number: str, phone: str, status: str = "群众", position: str = "科员"):
    return [name, "居民身份证", id_number, phone, status, position]


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    lines = [",".join(header)] + [",".join(str(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
