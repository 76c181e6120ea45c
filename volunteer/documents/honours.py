"""Honour documents: the printable honour roll and the honour certificate (荣誉证书).

Pure functions of plain rows returning PDF bytes (reportlab in invariant mode). The
printed wording is Chinese: they are official documents, not the user interface.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from volunteer.documents.certificate_pdf import (
    DARK,
    GREY,
    RED,
    chinese_date,
    invariant_canvas,
    qr_image,
    register_font,
    set_pen,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
LINE = 7 * mm


@dataclass(frozen=True)
class RollLine:
    """One honoured name on the roll."""

    name: str
    unit_name: str


@dataclass(frozen=True)
class RollSection:
    """A category of the roll (优秀志愿者 …) with its names."""

    title: str
    lines: Sequence[RollLine]


def render_honour_roll(
    year: int, sections: Sequence[RollSection], issuer: str, font_path: str | None = None
) -> bytes:
    """The year's honour roll as PDF bytes, one section per category, continuing on new pages."""
    font = register_font(font_path)
    canvas = invariant_canvas()
    canvas.setTitle(f"{year}年度志愿服务光荣榜")
    y = _roll_heading(canvas, font, year, issuer)
    for section in sections:
        y = _roll_section(canvas, font, section, y)
    canvas.showPage()
    return canvas.getpdfdata()


def _roll_heading(canvas: Canvas, font: str, year: int, issuer: str) -> float:
    set_pen(canvas, font, 24, RED)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 30 * mm, f"{year}年度志愿服务光荣榜")
    set_pen(canvas, font, 11, GREY)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 38 * mm, issuer)
    return PAGE_HEIGHT - 52 * mm


def _roll_section(canvas: Canvas, font: str, section: RollSection, y: float) -> float:
    y = _room(canvas, font, y, 3)
    set_pen(canvas, font, 15, RED)
    canvas.drawString(20 * mm, y, section.title)
    y -= LINE * 1.3
    canvas.setFillColor(DARK)
    for line in section.lines:
        y = _room(canvas, font, y, 1)
        canvas.setFont(font, 12)
        canvas.drawString(26 * mm, y, line.name)
        canvas.setFillColor(GREY)
        canvas.drawString(100 * mm, y, line.unit_name)
        canvas.setFillColor(DARK)
        y -= LINE
    return y - LINE / 2


def _room(canvas: Canvas, font: str, y: float, lines: int) -> float:
    """Start a new page when fewer than `lines` lines fit below `y`."""
    if y - lines * LINE > 20 * mm:
        return y
    canvas.showPage()
    return PAGE_HEIGHT - 25 * mm


def render_honour_certificate(
    content: dict[str, Any], verify_url: str, font_path: str | None = None
) -> bytes:
    """An honour certificate (landscape A4) with its serial and a QR code to its check page."""
    font = register_font(font_path)
    width, height = landscape(A4)
    canvas = invariant_canvas((width, height))
    canvas.setTitle(f"荣誉证书 {content['serial']}")
    _frame(canvas, width, height)
    _certificate_text(canvas, font, content, width, height)
    canvas.drawImage(qr_image(verify_url), width - 62 * mm, 22 * mm, 34 * mm, 34 * mm)
    set_pen(canvas, font, 9, GREY)
    canvas.drawCentredString(width - 45 * mm, 18 * mm, "扫码核验")
    canvas.showPage()
    return canvas.getpdfdata()


def _frame(canvas: Canvas, width: float, height: float) -> None:
    canvas.setStrokeColor(RED)
    for line_width, inset in ((3, 10 * mm), (1, 13 * mm)):
        canvas.setLineWidth(line_width)
        canvas.rect(inset, inset, width - 2 * inset, height - 2 * inset)


def _certificate_text(
    canvas: Canvas, font: str, content: dict[str, Any], width: float, height: float
) -> None:
    set_pen(canvas, font, 40, RED)
    canvas.drawCentredString(width / 2, height - 50 * mm, "荣 誉 证 书")
    set_pen(canvas, font, 18)
    canvas.drawString(40 * mm, height - 80 * mm, f"{content['name']}：")
    canvas.drawString(
        50 * mm, height - 95 * mm, f"被评为{content['year']}年度{content['title']}，特发此证。"
    )
    canvas.setFont(font, 14)
    canvas.drawRightString(width - 75 * mm, 50 * mm, content["issuer"])
    canvas.drawRightString(width - 75 * mm, 40 * mm, chinese_date(content["issue_date"]))
    canvas.setFont(font, 10)
    canvas.drawString(25 * mm, 22 * mm, f"编号：{content['serial']}")
