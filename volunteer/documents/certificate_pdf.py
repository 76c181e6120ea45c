"""The certificate PDF (志愿服务记录证明): a pure function of the certificate's frozen content.

`render_certificate(content, verify_url, seal)` returns the same bytes for the same input:
reportlab runs in invariant mode (no creation date, a document ID derived from the content),
and nothing here reads the clock, the database or the request. Page 1 is the certificate;
the following page(s) list the records (date, activity, organization, hours).

The printed wording is Chinese on purpose: it is an official document in the format of
民发〔2015〕149号, not part of the user interface, so it does not follow the UI language.

Chinese text uses reportlab's built-in CID font STSong-Light (no font file; PDF readers
supply the glyphs, and text extraction keeps the characters), or a TrueType font given as
`font_path` (config CERTIFICATE_FONT_PATH), which is embedded (subset) instead.
"""

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from volunteer import rounding
from volunteer.documents.qr import qr_code

# Binary streams instead of ASCII85 text: PDFs are served as bytes, and the pure-Python
# ASCII85 encoder was a fifth of the rendering time (and made files a quarter larger).
rl_config.useA85 = 0

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
CID_FONT = "STSong-Light"
RED = colors.HexColor("#b3261e")
DARK = colors.HexColor("#222222")
GREY = colors.HexColor("#666666")
STAR_NAMES = {1: "一星级", 2: "二星级", 3: "三星级", 4: "四星级", 5: "五星级"}
TABLE_HEAD = colors.HexColor("#f6eeee")
# Table style commands besides the font, which each table sets first.
SUMMARY_TABLE_STYLE = (
    ("TOPPADDING", (0, 0), (-1, -1), 4),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ("GRID", (0, 0), (-1, -1), 0.5, GREY),
    ("BACKGROUND", (0, 0), (0, -1), TABLE_HEAD),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
)
RECORDS_TABLE_STYLE = (
    ("GRID", (0, 0), (-1, -1), 0.4, GREY),
    ("BACKGROUND", (0, 0), (-1, 0), TABLE_HEAD),
    ("ALIGN", (-1, 0), (-1, -1), "RIGHT"),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
)
PERIOD_KIND_NAMES = {"year": "年度", "range": "指定期间", "all": "全部", "activity": "活动"}

Content = dict[str, Any]  # a certificate's frozen content (services/certificates/content.py)
Styles = dict[str, ParagraphStyle]  # the paragraph styles of one font, by use
Size = tuple[float, float]  # width, height


@lru_cache(maxsize=8)
def register_font(font_path: str | None = None) -> str:
    """Register the font once per process and return its reportlab name."""
    if font_path:
        name = "CertTTF-" + Path(font_path).stem
        pdfmetrics.registerFont(TTFont(name, font_path))
        return name
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def set_pen(canvas: Canvas, font: str, size: float, color: colors.Color = DARK) -> None:
    """Write what follows in `font` at `size` points, in `color`."""
    canvas.setFillColor(color)
    canvas.setFont(font, size)


def hours_text(minutes: int) -> str:
    """Minutes as hours with one decimal, floored, as everywhere in the system."""
    return rounding.hours_text(minutes)


def chinese_date(iso_day: str | None) -> str:
    """2026-03-05 -> 2026年3月5日."""
    if not iso_day:
        return ""
    year, month, day = (int(part) for part in iso_day.split("-"))
    return f"{year}年{month}月{day}日"


def period_text(content: Content) -> str:
    """The covered period as printed."""
    end = chinese_date(content["period_end"])
    if not content.get("period_start"):
        return f"截至{end}（全部记录）"
    return f"{chinese_date(content['period_start'])}至{end}"


def stars_text(level: int) -> str:
    """★★☆☆☆ 二星级志愿者, or 未达星级 below the first threshold."""
    if level <= 0:
        return "未达星级"
    return "★" * level + "☆" * (5 - level) + f" {STAR_NAMES.get(level, '')}志愿者"


def qr_image(url: str) -> ImageReader:
    """The verification QR code as an image reportlab can place."""
    # A fixed mask pattern: every mask gives a valid code, and trying all eight to pick the
    # "best" one is most of the cost of making the code.
    code = qr_code(url, box_size=4, border=2, mask_pattern=0)
    return ImageReader(code.make_image().get_image().convert("1"))


def render_certificate(
    content: Content,
    verify_url: str,
    seal: bytes | None = None,
    font_path: str | None = None,
) -> bytes:
    """The certificate as PDF bytes: page 1 the certificate, then the record list."""
    font = register_font(font_path)
    canvas = invariant_canvas()
    _set_metadata(canvas, content)
    _draw_certificate_page(canvas, content, verify_url, seal, font)
    canvas.showPage()
    _draw_record_pages(canvas, content, font)
    return canvas.getpdfdata()


def invariant_canvas(pagesize: tuple[float, float] = A4) -> Canvas:
    """A canvas whose PDF (`getpdfdata()`) has the same bytes whenever the drawing is the same."""
    return Canvas(io.BytesIO(), pagesize=pagesize, invariant=1, pageCompression=1)


def _set_metadata(canvas: Canvas, content: Content) -> None:
    """The document's title, author (the issuer) and producing program."""
    canvas.setTitle(f"志愿服务记录证明 {content['serial']}")
    canvas.setAuthor(content["issuer"].get("organization") or "")
    canvas.setCreator("volunteer service-hours system")
    canvas.setProducer("volunteer service-hours system")


# ---- page 1 ----


def _styles(font: str) -> Styles:
    return {
        "body": ParagraphStyle(
            "body", fontName=font, fontSize=13, leading=24, wordWrap="CJK", firstLineIndent=26
        ),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=11, leading=15, wordWrap="CJK"),
        "record": ParagraphStyle("record", fontName=font, fontSize=10, leading=13, wordWrap="CJK"),
        "small": ParagraphStyle(
            "small", fontName=font, fontSize=9, leading=12, wordWrap="CJK", textColor=GREY
        ),
        "title": ParagraphStyle(
            "title", fontName=font, fontSize=26, leading=32, alignment=TA_CENTER, textColor=RED
        ),
    }


def _draw_certificate_page(
    canvas: Canvas, content: Content, verify_url: str, seal: bytes | None, font: str
) -> None:
    styles = _styles(font)
    _draw_frame(canvas)
    _draw_title(canvas, content, font)
    width = PAGE_WIDTH - 2 * MARGIN - 10 * mm
    top = PAGE_HEIGHT - 65 * mm
    statement_bottom = _draw_statement(canvas, content, styles, width, top)
    _draw_summary_table(canvas, content, styles, font, width, statement_bottom - 8 * mm)
    _draw_issuer_block(canvas, content, seal, font)
    _draw_remarks(canvas, content["issuer"], styles)
    _draw_verification(canvas, verify_url, font)


def _draw_frame(canvas: Canvas) -> None:
    """A double red border."""
    canvas.setStrokeColor(RED)
    for line_width, inset in ((2.5, 12 * mm), (0.8, 14.5 * mm)):
        canvas.setLineWidth(line_width)
        canvas.rect(inset, inset, PAGE_WIDTH - 2 * inset, PAGE_HEIGHT - 2 * inset)


def _draw_title(canvas: Canvas, content: Content, font: str) -> None:
    """The title, and the serial number under it on the right."""
    set_pen(canvas, font, 28, RED)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 45 * mm, "志愿服务记录证明")
    set_pen(canvas, font, 11)
    canvas.drawRightString(
        PAGE_WIDTH - MARGIN - 4 * mm, PAGE_HEIGHT - 55 * mm, f"编号：{content['serial']}"
    )


def statement_text(content: Content) -> str:
    """The certifying sentence (兹证明……), as paragraph markup."""
    scope = content.get("scope") or {}
    where = ""
    if scope.get("organization_name"):
        where = f"在{scope['organization_name']}组织的志愿服务活动中"
    return (
        f"兹证明 <b>{_escape(content['name'])}</b> 同志（{content['id_type_name']}："
        f"{content['id_number_masked']}，志愿者编号：{content['volunteer_number'] or '—'}）"
        f"于{period_text(content)}期间{_escape(where)}参加志愿服务 {content['record_count']} 次，"
        f"累计服务时长 <b>{hours_text(content['total_minutes'])}</b> 小时。"
        "服务内容详见附页《志愿服务记录明细》。特此证明。"
    )


def _draw_statement(
    canvas: Canvas, content: Content, styles: Styles, width: float, top: float
) -> float:
    """The certifying sentence below `top`; returns where it ends."""
    body = Paragraph(statement_text(content), styles["body"])
    return _hang(canvas, body, MARGIN + 5 * mm, top, (width, 200 * mm))


def summary_rows(content: Content) -> list[tuple[str, str]]:
    """The (label, value) rows of the summary table on page 1."""
    rows = [
        ("姓名", content["name"]),
        ("证件类型", content["id_type_name"]),
        ("证件号码", content["id_number_masked"]),
        ("志愿者编号", content["volunteer_number"] or "—"),
        ("服务期间", period_text(content)),
        ("服务时长", f"{hours_text(content['total_minutes'])} 小时"),
        ("累计服务时长", f"{hours_text(content['cumulative_minutes'])} 小时"),
        ("星级", stars_text(content["star_level"])),
    ]
    scope = content.get("scope") or {}
    if scope.get("organization_name"):
        rows.append(("记录范围", f"{scope['organization_name']}组织的活动"))
    return rows


def _draw_summary_table(
    canvas: Canvas, content: Content, styles: Styles, font: str, width: float, table_top: float
) -> None:
    """The summary table (name, ID, period, hours, star level) from `table_top` down."""
    value_width = width - 35 * mm
    rows = [
        [label, _cell(value, value_width, styles["cell"])] for label, value in summary_rows(content)
    ]
    table = Table(rows, colWidths=[35 * mm, value_width])
    table.setStyle(_table_style(font, 11, SUMMARY_TABLE_STYLE))
    _hang(canvas, table, MARGIN + 5 * mm, table_top, (width, 200 * mm))


def _draw_issuer_block(canvas: Canvas, content: Content, seal: bytes | None, font: str) -> None:
    """Issuer block, bottom right, with the seal over the issuing organization's name."""
    x = PAGE_WIDTH / 2 + 5 * mm
    y = 95 * mm
    canvas.setFont(font, 12)
    for label, value in _issuer_lines(content):
        canvas.drawString(x, y, f"{label}：{value or '—'}")
        y -= 8 * mm
    if seal:
        _draw_seal(canvas, seal, x + 15 * mm, 95 * mm)


def _issuer_lines(content: Content) -> list[tuple[str, str | None]]:
    """The issuer block's (label, value) lines."""
    issuer = content["issuer"]
    return [
        ("出具单位", issuer.get("organization")),
        ("负责人", issuer.get("person_in_charge")),
        ("经办人", issuer.get("handling_officer")),
        ("联系方式", issuer.get("contact")),
        ("出具日期", chinese_date(content["issue_date"])),
    ]


def _draw_seal(canvas: Canvas, seal: bytes, x: float, name_y: float) -> None:
    """The seal image, its centre a little below the issuing organization's line."""
    size = 42 * mm
    canvas.drawImage(
        ImageReader(io.BytesIO(seal)),
        x,
        name_y - size / 2 - 6 * mm,
        width=size,
        height=size,
        mask="auto",
        preserveAspectRatio=True,
        anchor="c",
    )


def _draw_remarks(canvas: Canvas, issuer: dict[str, Any], styles: Styles) -> None:
    """Remarks, bottom left above the QR code."""
    if not issuer.get("remarks"):
        return
    remarks = Paragraph("备注：" + _escape(issuer["remarks"]), styles["small"])
    _hang(canvas, remarks, MARGIN + 5 * mm, 100 * mm, (PAGE_WIDTH / 2 - MARGIN - 5 * mm, 40 * mm))


def _draw_verification(canvas: Canvas, verify_url: str, font: str) -> None:
    """Verification QR code to this system's own public page, and the legal footer."""
    qr_size = 32 * mm
    canvas.drawImage(qr_image(verify_url), MARGIN + 5 * mm, 40 * mm, qr_size, qr_size)
    set_pen(canvas, font, 9, GREY)
    canvas.drawString(MARGIN + 5 * mm, 36 * mm, "扫码核验本证明真伪")
    canvas.drawString(MARGIN + 5 * mm, 31 * mm, verify_url)
    canvas.drawCentredString(
        PAGE_WIDTH / 2,
        20 * mm,
        "本证明依据《志愿服务条例》及《志愿服务记录与证明出具办法（试行）》免费出具。",
    )
    canvas.setFillColor(DARK)


# ---- record pages ----


def _draw_record_pages(canvas: Canvas, content: Content, font: str) -> None:
    width = PAGE_WIDTH - 2 * MARGIN
    top = PAGE_HEIGHT - MARGIN - 18 * mm
    available = top - MARGIN - 10 * mm
    remaining: Table | None = _records_table(content, font, width)
    page = 2
    while remaining is not None:
        # Table.split gives the rows that fit this page and the rest (header row repeated).
        parts = remaining.split(width, available) or [remaining]
        _record_page_header(canvas, content, font, page)
        _hang(canvas, parts[0], MARGIN, top, (width, available))
        canvas.showPage()
        page += 1
        remaining = parts[1] if len(parts) > 1 else None


def _records_table(content: Content, font: str, width: float) -> Table:
    """Every record (date, activity, organization, hours) and the total, header repeated."""
    style = _styles(font)["record"]
    col_widths = [26 * mm, width - 26 * mm - 60 * mm - 22 * mm, 60 * mm, 22 * mm]
    data = [
        ["日期", "活动", "组织", "时长（小时）"],
        *(_record_row(record, col_widths, style) for record in content["records"]),
        ["", "合计", "", hours_text(content["total_minutes"])],
    ]
    table = Table(data, colWidths=col_widths, repeatRows=1)
    table.setStyle(_table_style(font, 10, RECORDS_TABLE_STYLE))
    return table


def _record_row(record: list[Any], col_widths: list[float], style: ParagraphStyle) -> list[Any]:
    """One record's row: date, activity, organization (wrapped if long) and hours."""
    day, title, organization, minutes = record
    return [
        day,
        _cell(title, col_widths[1], style),
        _cell(organization, col_widths[2], style),
        hours_text(minutes),
    ]


def _table_style(font: str, size: int, commands: tuple[tuple, ...]) -> TableStyle:
    """A table style: the font in every cell, then the given commands."""
    return TableStyle([("FONT", (0, 0), (-1, -1), font, size), *commands])


def _record_page_header(canvas: Canvas, content: Content, font: str, page: int) -> None:
    set_pen(canvas, font, 15)
    canvas.drawString(MARGIN, PAGE_HEIGHT - MARGIN - 4 * mm, "附页：志愿服务记录明细")
    canvas.setFont(font, 10)
    canvas.drawString(
        MARGIN,
        PAGE_HEIGHT - MARGIN - 11 * mm,
        f"{content['name']}（志愿者编号：{content['volunteer_number'] or '—'}）"
        f"  服务期间：{period_text(content)}",
    )
    _draw_page_footer(canvas, content["serial"], font, page)


def _draw_page_footer(canvas: Canvas, serial: str, font: str, page: int) -> None:
    """The serial number and page number, bottom right."""
    set_pen(canvas, font, 9, GREY)
    canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN - 6 * mm, f"编号：{serial}  第 {page} 页")
    canvas.setFillColor(DARK)


def _hang(canvas: Canvas, flowable: Flowable, x: float, top: float, room: Size) -> float:
    """Lay out a paragraph or table in `room` and draw it hanging from `top`; where it ends."""
    _, height = flowable.wrap(*room)
    flowable.drawOn(canvas, x, top - height)
    return top - height


def _cell(text: str, width: float, style: ParagraphStyle) -> str | Paragraph:
    # Wrapping paragraphs are slow to lay out; most titles fit on one line as plain text.
    if pdfmetrics.stringWidth(text, style.fontName, style.fontSize) <= width - 8:
        return text
    return Paragraph(_escape(text), style)


def _escape(text: str | None) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
