"""The campaign report (创建行动志愿服务工作进展): one A4 page for the office's report upward.

A pure function of plain rows returning PDF bytes: reportlab in invariant mode with the
certificate's font handling (`certificate_pdf.register_font`). The wording is Chinese:
it is a report to the leadership, not part of the user interface. At most ten years and
a name of at most 100 characters, so the page never runs over.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from volunteer import rounding
from volunteer.documents.certificate_pdf import DARK, GREY, RED, TABLE_HEAD, register_font

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN
STATE_NAMES = {
    "met": "已达成",
    "not_met": "未达成",
    "in_progress": "进行中",
    "not_started": "未开始",
}
HEADER = (
    "年度",
    "权重",
    "目标（干部职工/党员）",
    "参与考核单位",
    "达标单位",
    "达标占比",
    "阶段目标",
    "完成情况",
    "加权得分",
)
COLUMN_MM = (22, 13, 28, 19, 18, 17, 15, 17, 21)
FORMULA = (
    "计算方法：加权进度 = Σ 年度权重 × 达成度；达成度 = 达标单位占比 ÷ 阶段目标，"
    "最高计 1。"
    "达标单位指参与考核的单位中干部职工完成率、党员完成率均达到当年目标的单位"
    "（无党员的单位只看干部职工）；未上传名册的参与考核单位计为未达标。"
    "未开始的年度计 0；当年按截至打印日期的数据计算；"
    "阶段目标后标 * 的年度未设阶段目标，按 100% 计。"
    "占比与得分均向下取整，不跨过标准线。"
)
TABLE_STYLE = (
    ("GRID", (0, 0), (-1, -1), 0.5, GREY),
    ("BACKGROUND", (0, 0), (-1, 0), TABLE_HEAD),
    ("BACKGROUND", (0, -1), (-1, -1), TABLE_HEAD),
    ("SPAN", (0, -1), (-2, -1)),
    ("ALIGN", (0, -1), (-2, -1), "RIGHT"),
    ("ALIGN", (1, 1), (-1, -1), "CENTER"),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("TOPPADDING", (0, 0), (-1, -1), 4),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
)


@dataclass(frozen=True)
class CampaignYearLine:
    """One year of the campaign as printed; counts are None before the year begins."""

    year: int
    ordinal: int
    weight: Decimal
    staff_target: Decimal
    party_target: Decimal
    milestone: Decimal
    milestone_set: bool
    state: str  # met, not_met, in_progress, not_started
    units_assessed: int | None
    units_meeting: int | None
    share: Decimal | None
    contribution: Decimal


@dataclass(frozen=True)
class CampaignSheet:
    """Everything the page prints: the campaign, the unit it covers, the day, the years."""

    campaign_name: str
    unit_name: str
    printed_on: date
    years: Sequence[CampaignYearLine]
    weighted_progress: Decimal
    issuer: str = ""


def render_campaign_report(sheet: CampaignSheet, font_path: str | None = None) -> bytes:
    """The campaign's per-year table and weighted progress on one A4 page, as PDF bytes."""
    font = register_font(font_path)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(f"{sheet.campaign_name} 志愿服务工作进展")
    canvas.setAuthor(sheet.issuer or sheet.unit_name)
    styles = _styles(font)
    y = _draw_heading(canvas, sheet, styles, PAGE_HEIGHT - MARGIN)
    y = _draw_flowable(canvas, _years_table(sheet, styles, font), y - 6 * mm)
    y = _draw_total(canvas, sheet, font, y - 12 * mm)
    _draw_flowable(canvas, Paragraph(FORMULA, styles["small"]), y - 6 * mm)
    _draw_footer(canvas, sheet, font)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = {"fontName": font, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle(
            "title", fontSize=20, leading=26, alignment=TA_CENTER, textColor=RED, **base
        ),
        "subtitle": ParagraphStyle(
            "subtitle", fontSize=13, leading=18, alignment=TA_CENTER, **base
        ),
        "head": ParagraphStyle("head", fontSize=9, leading=11, alignment=TA_CENTER, **base),
        "cell": ParagraphStyle("cell", fontSize=9.5, leading=12, **base),
        "small": ParagraphStyle("small", fontSize=9, leading=14, textColor=GREY, **base),
    }


def _draw_heading(canvas: Canvas, sheet: CampaignSheet, styles: dict, top: float) -> float:
    """Title, subtitle and the scope line from `top` down; returns where they end."""
    y = _draw_flowable(canvas, Paragraph(_escape(sheet.campaign_name), styles["title"]), top)
    subtitle = f"志愿服务工作进展报告（{_escape(sheet.unit_name)}）"
    y = _draw_flowable(canvas, Paragraph(subtitle, styles["subtitle"]), y - 3 * mm)
    scope = (
        f"统计范围：{_escape(sheet.unit_name)}及其下属参与考核单位"
        f"　　打印日期：{_chinese_date(sheet.printed_on)}"
    )
    return _draw_flowable(canvas, Paragraph(scope, styles["small"]), y - 4 * mm)


def _years_table(sheet: CampaignSheet, styles: dict, font: str) -> Table:
    """The header, one row per year, and the weighted total."""
    data = [
        [Paragraph(text, styles["head"]) for text in HEADER],
        *(_year_row(line, styles) for line in sheet.years),
        ["合计：加权进度", *[""] * (len(HEADER) - 2), _percent(sheet.weighted_progress)],
    ]
    table = Table(data, colWidths=[width * mm for width in COLUMN_MM])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 9.5), *TABLE_STYLE]))
    return table


def _year_row(line: CampaignYearLine, styles: dict) -> list:
    """One year's cells; a year not yet begun shows dashes for its counts."""
    milestone = _exact_percent(line.milestone) + ("" if line.milestone_set else "*")
    return [
        Paragraph(f"第{line.ordinal}年<br/>{line.year}年", styles["cell"]),
        _exact_percent(line.weight),
        f"{_percent(line.staff_target)} / {_percent(line.party_target)}",
        _count(line.units_assessed),
        _count(line.units_meeting),
        _percent(line.share),
        milestone,
        STATE_NAMES.get(line.state, line.state),
        _percent(line.contribution),
    ]


def _draw_total(canvas: Canvas, sheet: CampaignSheet, font: str, y: float) -> float:
    """The weighted progress, large, under the table."""
    canvas.setFillColor(RED)
    canvas.setFont(font, 18)
    canvas.drawString(MARGIN, y, f"加权进度：{_percent(sheet.weighted_progress)}")
    canvas.setFillColor(DARK)
    return y - 4 * mm


def _draw_footer(canvas: Canvas, sheet: CampaignSheet, font: str) -> None:
    canvas.setFont(font, 11)
    canvas.setFillColor(DARK)
    if sheet.issuer:
        canvas.drawRightString(PAGE_WIDTH - MARGIN, 38 * mm, sheet.issuer)
    canvas.drawRightString(PAGE_WIDTH - MARGIN, 30 * mm, _chinese_date(sheet.printed_on))


def _draw_flowable(canvas: Canvas, flowable, top: float) -> float:
    """Draw a paragraph or table with its top at `top`; returns its bottom."""
    _, height = flowable.wrap(WIDTH, top - MARGIN)
    flowable.drawOn(canvas, MARGIN, top - height)
    return top - height


def _percent(value: Decimal | None) -> str:
    return rounding.percent_text(value)


def _exact_percent(value: Decimal) -> str:
    """A configured share as typed (15%, 16.66%), not a measured one."""
    return f"{(Decimal(value) * 100).normalize():f}%"


def _count(value: int | None) -> str:
    return "—" if value is None else str(value)


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
