"""Charts drawn on the server as inline SVG (no JavaScript, no CDN)."""

from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup, escape

from volunteer.i18n import gettext as _
from volunteer.services.compliance import HistoryPoint, Status, Targets, UnitRow

GOOD, BAD, PARTY, GRID = "#198754", "#fd7e14", "#0d6efd", "#adb5bd"


def _pct(value: Decimal | None) -> float:
    return float(value or 0) * 100


def units_by_rate_svg(rows: Sequence[UnitRow], targets: Targets) -> Markup:
    """Horizontal bars: each unit's staff rate (green when it meets targets) and party rate,
    with dashed lines at the staff and party targets."""
    shown = sorted(
        (row for row in rows if row.status != Status.NO_ROSTER),
        key=lambda row: (row.figures.staff_rate or 0, row.name),
    )
    if not shown:
        return Markup("")
    label_w, plot_w, bar_h, gap, top = 150, 300, 9, 6, 28
    height = top + len(shown) * (2 * bar_h + gap) + 10
    width = label_w + plot_w + 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart" role="img" aria-label="{escape(_("Units by completion rate"))}">'
    ]
    for share, label in ((0, "0%"), (50, "50%"), (100, "100%")):
        x = label_w + plot_w * share / 100
        parts.append(
            f'<line x1="{x}" y1="{top - 4}" x2="{x}" y2="{height - 6}" stroke="#dee2e6"/>'
            f'<text x="{x}" y="{top - 8}" font-size="9" text-anchor="middle">{label}</text>'
        )
    for index, row in enumerate(shown):
        y = top + index * (2 * bar_h + gap)
        color = GOOD if row.status == Status.MEETS else BAD
        name = row.name if len(row.name) <= 11 else row.name[:10] + "…"
        staff_w = plot_w * _pct(row.figures.staff_rate) / 100
        parts.append(
            f'<text x="{label_w - 4}" y="{y + bar_h + 3}" font-size="10" text-anchor="end">'
            f"{escape(name)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{staff_w:.1f}" height="{bar_h}" fill="{color}">'
            f"<title>{escape(row.name)} {escape(_('Staff rate'))} "
            f"{_pct(row.figures.staff_rate):.1f}%</title></rect>"
            f'<text x="{label_w + staff_w + 3:.1f}" y="{y + bar_h - 1}" font-size="8">'
            f"{_pct(row.figures.staff_rate):.0f}%</text>"
        )
        if row.figures.party_rate is not None:
            party_w = plot_w * _pct(row.figures.party_rate) / 100
            parts.append(
                f'<rect x="{label_w}" y="{y + bar_h}" width="{party_w:.1f}" height="{bar_h - 2}" '
                f'fill="{PARTY}" opacity="0.7"><title>{escape(row.name)} '
                f"{escape(_('Party rate'))} {_pct(row.figures.party_rate):.1f}%</title></rect>"
            )
    for target, label, color in (
        (targets.staff_target, _("Staff target"), GOOD),
        (targets.party_target, _("Party target"), PARTY),
    ):
        x = label_w + plot_w * _pct(target) / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 6}" stroke="{color}" '
            f'stroke-dasharray="4 3" stroke-width="1.5"><title>{escape(label)} '
            f"{_pct(target):.0f}%</title></line>"
            f'<text x="{x:.1f}" y="{top - 18}" font-size="9" fill="{color}" '
            f'text-anchor="middle">{_pct(target):.0f}%</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def history_svg(points: Sequence[HistoryPoint], targets: Targets) -> Markup:
    """Lines of the subtree's registration rate, staff rate and party rate at each month end."""
    if not points:
        return Markup("")
    left, top, plot_w, plot_h = 36, 14, 440, 180
    width, height = left + plot_w + 16, top + plot_h + 34
    step = plot_w / max(len(points) - 1, 1)

    def xy(index: int, value: Decimal | None) -> str:
        return f"{left + index * step:.1f},{top + plot_h - plot_h * _pct(value) / 100:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" '
        f'role="img" aria-label="{escape(_("Rates over time"))}">'
    ]
    for share in (0, 25, 50, 75, 100):
        y = top + plot_h - plot_h * share / 100
        parts.append(
            f'<line x1="{left}" y1="{y}" x2="{left + plot_w}" y2="{y}" stroke="#e9ecef"/>'
            f'<text x="{left - 4}" y="{y + 3}" font-size="9" text-anchor="end">{share}%</text>'
        )
    for target, color in ((targets.staff_target, GOOD), (targets.party_target, PARTY)):
        y = top + plot_h - plot_h * _pct(target) / 100
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{color}" '
            f'stroke-dasharray="4 3"/>'
        )
    series = (
        ("staff_registration_rate", GRID, _("Staff registered")),
        ("staff_rate", GOOD, _("Staff completed")),
        ("party_rate", PARTY, _("Party completed")),
    )
    for attribute, color, label in series:
        coords = " ".join(xy(i, getattr(p, attribute)) for i, p in enumerate(points))
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2">'
            f"<title>{escape(label)}</title></polyline>"
        )
    for index, point in enumerate(points):
        if len(points) <= 12 or index % 2 == 0:
            parts.append(
                f'<text x="{left + index * step:.1f}" y="{top + plot_h + 14}" font-size="9" '
                f'text-anchor="middle">{point.day.month}/{point.day.day}</text>'
            )
    legend_x = left
    for _attribute, color, label in series:
        parts.append(
            f'<rect x="{legend_x}" y="{height - 10}" width="10" height="6" fill="{color}"/>'
            f'<text x="{legend_x + 13}" y="{height - 4}" font-size="9">{escape(label)}</text>'
        )
        legend_x += 110
    parts.append("</svg>")
    return Markup("".join(parts))
