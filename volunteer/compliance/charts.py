"""Charts drawn on the server as SVG (no JavaScript, no CDN).

Each chart is drawn at its natural size in CSS pixels (width and height attributes), so a
label of 12 units is shown at 12 px; the large-text view (长辈版) scales everything by 4/3.
Each carries a <title> and a <desc> with its figures, for screen readers and text browsers.
"""

import math
from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup, escape

from volunteer import rounding
from volunteer.i18n import gettext as _
from volunteer.services.compliance import HistoryPoint, Status, Targets, UnitRow

GOOD, BAD, PARTY, GRID = "#198754", "#c4540a", "#0d6efd", "#6c757d"
LABEL_PX = 12  # the smallest label in the standard view
LARGE_SCALE = 4 / 3  # 16 px labels in the large-text view


def _pct(value: Decimal | None) -> float:
    return float(value or 0) * 100


def _pct_text(value: Decimal | None, places: int = 1) -> str:
    """A rate as a percentage, floored to `places` (never rounded up across a target)."""
    return rounding.percent_text(value, places)


def _svg_open(size: tuple[float, float], large: bool, chart_id: str, title: str, desc: str) -> str:
    """The root element at natural size, named by its <title> and described by its <desc>."""
    width, height = size
    scale = LARGE_SCALE if large else 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{round(width * scale)}" height="{round(height * scale)}" class="chart" '
        f'role="img" font-size="{LABEL_PX}" aria-labelledby="{chart_id}-title" '
        f'aria-describedby="{chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )


def units_by_rate_svg(rows: Sequence[UnitRow], targets: Targets, large: bool = False) -> Markup:
    """Horizontal bars: each unit's staff rate (green when it meets targets) and party rate,
    with dashed lines at the staff and party targets."""
    shown = sorted(
        (row for row in rows if row.status != Status.NO_ROSTER),
        key=lambda row: (row.figures.staff_rate or 0, row.name),
    )
    if not shown:
        return Markup("")
    label_w, plot_w, bar_h, gap, top = 124, 170, 13, 8, 38
    height = top + len(shown) * (2 * bar_h + gap) + 8
    width = label_w + plot_w + 44
    parts = [
        _svg_open(
            (width, height),
            large,
            "rate",
            _("Units by completion rate"),
            _rates_description(shown, targets),
        ),
    ]
    for share, label in ((0, "0%"), (50, "50%"), (100, "100%")):
        x = label_w + plot_w * share / 100
        parts.append(
            f'<line x1="{x}" y1="{top - 4}" x2="{x}" y2="{height - 6}" stroke="#dee2e6"/>'
            f'<text x="{x}" y="{top - 8}" text-anchor="middle">{label}</text>'
        )
    for index, row in enumerate(shown):
        parts.append(_unit_bars(row, top + index * (2 * bar_h + gap), label_w, plot_w, bar_h))
    for target, label, color in (
        (targets.staff_target, _("Staff target"), GOOD),
        (targets.party_target, _("Party target"), PARTY),
    ):
        x = label_w + plot_w * _pct(target) / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 6}" stroke="{color}" '
            f'stroke-dasharray="4 3" stroke-width="1.5"><title>{escape(label)} '
            f"{_pct_text(target, 0)}</title></line>"
            f'<text x="{x:.1f}" y="{top - 24}" fill="{color}" '
            f'text-anchor="middle">{_pct_text(target, 0)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _unit_bars(row: UnitRow, y: float, label_w: float, plot_w: float, bar_h: float) -> str:
    """One unit's name, staff bar with its figure, and party bar."""
    color = GOOD if row.status == Status.MEETS else BAD
    name = row.name if len(row.name) <= 9 else row.name[:8] + "…"
    staff_w = plot_w * _pct(row.figures.staff_rate) / 100
    staff = _pct_text(row.figures.staff_rate)
    part = (
        f'<text x="{label_w - 4}" y="{y + bar_h}" text-anchor="end">{escape(name)}</text>'
        f'<rect x="{label_w}" y="{y}" width="{staff_w:.1f}" height="{bar_h}" fill="{color}">'
        f"<title>{escape(row.name)} {escape(_('Staff rate'))} {staff}</title></rect>"
        f'<text x="{label_w + staff_w + 3:.1f}" y="{y + bar_h - 2}">'
        f"{_pct_text(row.figures.staff_rate, 0)}</text>"
    )
    if row.figures.party_rate is not None:
        party_w = plot_w * _pct(row.figures.party_rate) / 100
        part += (
            f'<rect x="{label_w}" y="{y + bar_h}" width="{party_w:.1f}" height="{bar_h - 3}" '
            f'fill="{PARTY}" opacity="0.7"><title>{escape(row.name)} '
            f"{escape(_('Party rate'))} {_pct_text(row.figures.party_rate)}</title></rect>"
        )
    return part


def _rates_description(shown: Sequence[UnitRow], targets: Targets) -> str:
    """The bar chart's figures in words: targets, then each unit's rates."""
    lines = [
        _(
            "Targets: staff %(staff)s, party members %(party)s.",
            staff=_pct_text(targets.staff_target),
            party=_pct_text(targets.party_target),
        )
    ]
    for row in shown:
        lines.append(
            _(
                "%(unit)s: staff rate %(staff)s, party rate %(party)s.",
                unit=row.name,
                staff=_pct_text(row.figures.staff_rate),
                party=_pct_text(row.figures.party_rate),
            )
        )
    return " ".join(lines)


def history_svg(points: Sequence[HistoryPoint], targets: Targets, large: bool = False) -> Markup:
    """Lines of the subtree's registration rate, staff rate and party rate at each month end."""
    if not points:
        return Markup("")
    left, top, plot_w, plot_h, legend_row = 40, 14, 284, 160, 18
    series = (
        ("staff_registration_rate", GRID, _("Staff registered")),
        ("staff_rate", GOOD, _("Staff completed")),
        ("party_rate", PARTY, _("Party completed")),
    )
    width = left + plot_w + 16
    height = top + plot_h + 26 + legend_row * len(series)
    step = plot_w / max(len(points) - 1, 1)

    def xy(index: int, value: Decimal | None) -> str:
        return f"{left + index * step:.1f},{top + plot_h - plot_h * _pct(value) / 100:.1f}"

    parts = [
        _svg_open(
            (width, height),
            large,
            "history",
            _("Rates over time"),
            _history_description(points, series),
        ),
    ]
    for share in (0, 25, 50, 75, 100):
        y = top + plot_h - plot_h * share / 100
        parts.append(
            f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="#e9ecef"/>'
            f'<text x="{left - 4}" y="{y + 4}" text-anchor="end">{share}%</text>'
        )
    for target, color in ((targets.staff_target, GOOD), (targets.party_target, PARTY)):
        y = top + plot_h - plot_h * _pct(target) / 100
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{color}" '
            f'stroke-dasharray="4 3"/>'
        )
    for attribute, color, label in series:
        coords = " ".join(xy(i, getattr(p, attribute)) for i, p in enumerate(points))
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2">'
            f"<title>{escape(label)}</title></polyline>"
        )
    every = max(1, math.ceil(38 / step))  # a "12/31" label needs about 38 units
    for index, point in enumerate(points):
        if index % every == 0:
            parts.append(
                f'<text x="{left + index * step:.1f}" y="{top + plot_h + 18}" '
                f'text-anchor="middle">{point.day.month}/{point.day.day}</text>'
            )
    parts.append(_legend(series, left, top + plot_h + 26, legend_row))
    parts.append("</svg>")
    return Markup("".join(parts))


def _legend(series, x: float, y: float, row_height: float) -> str:
    """One line per series, one under the other, so long names never collide."""
    return "".join(
        f'<rect x="{x}" y="{y + row * row_height + 3}" width="14" height="8" fill="{color}"/>'
        f'<text x="{x + 20}" y="{y + row * row_height + 12}">{escape(label)}</text>'
        for row, (_attribute, color, label) in enumerate(series)
    )


def _history_description(points: Sequence[HistoryPoint], series) -> str:
    """The line chart's figures in words: each month end's three rates."""
    lines = []
    for point in points:
        figures = ", ".join(
            f"{label} {_pct_text(getattr(point, attribute))}" for attribute, _color, label in series
        )
        lines.append(f"{point.day.isoformat()}: {figures}.")
    return " ".join(lines)
