"""The registration poster (志愿者注册海报): one A4 page per unit, a pure function of plain rows.

Each page names the unit, carries a QR code to registration with that unit preselected and
says how many people on the unit's roster are still to register, as of the printing day.
Like the certificate, the printed wording is Chinese (it hangs on a wall in the county, it
is not the user interface) and reportlab runs in invariant mode: same rows, same bytes.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from volunteer.documents.certificate_pdf import DARK, GREY, RED, register_font
from volunteer.documents.qr import qr_grey_image

PAGE_WIDTH, PAGE_HEIGHT = A4
BAND_HEIGHT = 52 * mm
QR_SIZE = 115 * mm
TEXT_WIDTH = PAGE_WIDTH - 40 * mm
PALE_RED = colors.HexColor("#fbeaea")
# Pixels per QR module: enough that a printer scaling the image up keeps the edges sharp.
QR_BOX = 12


@dataclass(frozen=True)
class PosterRow:
    """What one unit's poster shows; `unregistered` is None for a unit without a roster."""

    unit_name: str
    register_url: str
    unregistered: int | None
    as_of: date


def render_posters(rows: Sequence[PosterRow], font_path: str | None = None) -> bytes:
    """The posters as one PDF, one A4 page per row, in the order given."""
    font = register_font(font_path)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(_title(rows))
    canvas.setCreator("volunteer service-hours system")
    for row in rows:
        _draw_poster(canvas, row, font)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _title(rows: Sequence[PosterRow]) -> str:
    if len(rows) == 1:
        return f"志愿者注册海报 {rows[0].unit_name}"
    return f"志愿者注册海报（{len(rows)}个单位）"


def gap_text(unregistered: int | None) -> str | None:
    """The line under the unit's name: how many are still to register (None: no roster)."""
    if unregistered is None:
        return None
    if unregistered == 0:
        return "本单位在册人员已全部完成注册"
    return f"本单位还差 {unregistered} 人完成注册"


def _draw_poster(canvas: Canvas, row: PosterRow, font: str) -> None:
    _draw_band(canvas, font)
    name_bottom = _draw_unit_name(canvas, row.unit_name, font, PAGE_HEIGHT - BAND_HEIGHT - 14 * mm)
    _draw_gap(canvas, row.unregistered, font, name_bottom - 14 * mm)
    qr_bottom = _draw_qr(canvas, row.register_url, name_bottom - 24 * mm)
    _draw_instructions(canvas, font, qr_bottom - 10 * mm)
    _draw_footer(canvas, row, font)


def _draw_band(canvas: Canvas, font: str) -> None:
    """The red heading band with the call to register."""
    canvas.setFillColor(RED)
    canvas.rect(0, PAGE_HEIGHT - BAND_HEIGHT, PAGE_WIDTH, BAND_HEIGHT, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    canvas.setFont(font, 40)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 27 * mm, "志愿者实名注册")
    canvas.setFont(font, 15)
    canvas.drawCentredString(
        PAGE_WIDTH / 2, PAGE_HEIGHT - 41 * mm, "人人争做志愿者　共创全国文明城市"
    )


def _draw_unit_name(canvas: Canvas, name: str, font: str, top: float) -> float:
    """The unit's name, centred, wrapped when long; returns where it ends."""
    size = 30 if len(name) <= 14 else 22
    style = ParagraphStyle(
        "unit", fontName=font, fontSize=size, leading=size * 1.3, alignment=TA_CENTER,
        wordWrap="CJK", textColor=DARK,
    )  # fmt: skip
    paragraph = Paragraph(_escape(name), style)
    _, height = paragraph.wrap(TEXT_WIDTH, 60 * mm)
    paragraph.drawOn(canvas, (PAGE_WIDTH - TEXT_WIDTH) / 2, top - height)
    return top - height


def _draw_gap(canvas: Canvas, unregistered: int | None, font: str, baseline: float) -> None:
    """The count still to register, on a pale band so it reads from across a room."""
    if (text := gap_text(unregistered)) is None:
        return  # without a roster there is nothing to count
    canvas.setFillColor(PALE_RED)
    canvas.roundRect(20 * mm, baseline - 4 * mm, PAGE_WIDTH - 40 * mm, 13 * mm, 3 * mm, 0, 1)
    canvas.setFillColor(RED)
    canvas.setFont(font, 22)
    canvas.drawCentredString(PAGE_WIDTH / 2, baseline, text)


def _draw_qr(canvas: Canvas, url: str, top: float) -> float:
    """The registration QR code, centred below `top`; returns its bottom edge."""
    bottom = top - QR_SIZE
    image = ImageReader(qr_grey_image(url, QR_BOX))
    canvas.drawImage(image, (PAGE_WIDTH - QR_SIZE) / 2, bottom, QR_SIZE, QR_SIZE)
    return bottom


def _draw_instructions(canvas: Canvas, font: str, baseline: float) -> None:
    """What scanning does, in three short steps."""
    canvas.setFillColor(DARK)
    canvas.setFont(font, 17)
    canvas.drawCentredString(PAGE_WIDTH / 2, baseline, "微信或手机相机扫码，注册即登记到本单位")
    canvas.setFillColor(GREY)
    canvas.setFont(font, 12)
    canvas.drawCentredString(
        PAGE_WIDTH / 2,
        baseline - 9 * mm,
        "① 扫描二维码  ② 填写姓名、证件号码和手机号  ③ 提交，完成实名注册",
    )


def _draw_footer(canvas: Canvas, row: PosterRow, font: str) -> None:
    """When the count was taken, and the link for those who type it."""
    canvas.setFillColor(GREY)
    canvas.setFont(font, 10)
    day = row.as_of
    canvas.drawCentredString(
        PAGE_WIDTH / 2, 22 * mm, f"人数统计截至{day.year}年{day.month}月{day.day}日"
    )
    canvas.drawCentredString(PAGE_WIDTH / 2, 16 * mm, row.register_url)
    canvas.setFillColor(DARK)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
