"""Charts drawn on the server as inline SVG (no JavaScript, no CDN)."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from volunteer.i18n import gettext as _
from volunteer.services.compliance import HistoryPoint, Status, Targets, UnitRow

GOOD, BAD, PARTY, GRID = "#198754", "#fd7e14", "#0d6efd", "#adb5bd"


def _pct(value: Decimal | None) -> float:
    return float(value or 0) * 100


def _svg_open(width: float, height: float, label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" '
        f'role="img" aria-label="{escape(label)}">'
    )


# ---- units by rate ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Bars:
    """Geometry of the bar chart: a label column, then two bars (staff, party) per unit."""

    count: int
    label_w: int = 150
    plot_w: int = 300
    bar_h: int = 9
    gap: int = 6
    top: int = 28

    @property
    def height(self) -> int:
        return self.top + self.count * (2 * self.bar_h + self.gap) + 10

    @property
    def width(self) -> int:
        return self.label_w + self.plot_w + 50

    def x(self, percent: float) -> float:
        """The x of a share given in percent."""
        return self.label_w + self.plot_w * percent / 100


def units_by_rate_svg(rows: Sequence[UnitRow], targets: Targets) -> Markup:
    """Horizontal bars: each unit's staff rate (green when it meets targets) and party rate,
    with dashed lines at the staff and party targets."""
    shown = sorted(
        (row for row in rows if row.status != Status.NO_ROSTER),
        key=lambda row: (row.figures.staff_rate or 0, row.name),
    )
    if not shown:
        return Markup("")
    bars = _Bars(len(shown))
    parts = [_svg_open(bars.width, bars.height, _("Units by completion rate"))]
    parts += [_bar_grid_line(bars, share) for share in (0, 50, 100)]
    parts += [_unit_bars(bars, index, row) for index, row in enumerate(shown)]
    parts.append(_bar_target(bars, targets.staff_target, _("Staff target"), GOOD))
    parts.append(_bar_target(bars, targets.party_target, _("Party target"), PARTY))
    parts.append("</svg>")
    return Markup("".join(parts))


def _bar_grid_line(bars: _Bars, share: int) -> str:
    x = bars.x(share)
    return (
        f'<line x1="{x}" y1="{bars.top - 4}" x2="{x}" y2="{bars.height - 6}" stroke="#dee2e6"/>'
        f'<text x="{x}" y="{bars.top - 8}" font-size="9" text-anchor="middle">{share}%</text>'
    )


def _unit_bars(bars: _Bars, index: int, row: UnitRow) -> str:
    """The unit's name, its staff bar with the rate, and its party bar when it has members."""
    y = bars.top + index * (2 * bars.bar_h + bars.gap)
    color = GOOD if row.status == Status.MEETS else BAD
    name = row.name if len(row.name) <= 11 else row.name[:10] + "…"
    staff_rate = _pct(row.figures.staff_rate)
    staff_w = bars.plot_w * staff_rate / 100
    svg = (
        f'<text x="{bars.label_w - 4}" y="{y + bars.bar_h + 3}" font-size="10" '
        f'text-anchor="end">{escape(name)}</text>'
        f'<rect x="{bars.label_w}" y="{y}" width="{staff_w:.1f}" height="{bars.bar_h}" '
        f'fill="{color}"><title>{escape(row.name)} {escape(_("Staff rate"))} '
        f"{staff_rate:.1f}%</title></rect>"
        f'<text x="{bars.label_w + staff_w + 3:.1f}" y="{y + bars.bar_h - 1}" font-size="8">'
        f"{staff_rate:.0f}%</text>"
    )
    return svg if row.figures.party_rate is None else svg + _party_bar(bars, y, row)


def _party_bar(bars: _Bars, y: float, row: UnitRow) -> str:
    """The unit's party-member rate, under its staff bar."""
    party_rate = _pct(row.figures.party_rate)
    return (
        f'<rect x="{bars.label_w}" y="{y + bars.bar_h}" '
        f'width="{bars.plot_w * party_rate / 100:.1f}" height="{bars.bar_h - 2}" '
        f'fill="{PARTY}" opacity="0.7"><title>{escape(row.name)} '
        f"{escape(_('Party rate'))} {party_rate:.1f}%</title></rect>"
    )


def _bar_target(bars: _Bars, target: Decimal, label: str, color: str) -> str:
    """A dashed vertical line at the target, with its percent above the plot."""
    x = bars.x(_pct(target))
    return (
        f'<line x1="{x:.1f}" y1="{bars.top - 4}" x2="{x:.1f}" y2="{bars.height - 6}" '
        f'stroke="{color}" stroke-dasharray="4 3" stroke-width="1.5"><title>{escape(label)} '
        f"{_pct(target):.0f}%</title></line>"
        f'<text x="{x:.1f}" y="{bars.top - 18}" font-size="9" fill="{color}" '
        f'text-anchor="middle">{_pct(target):.0f}%</text>'
    )


# ---- rates over time -------------------------------------------------------------------


@dataclass(frozen=True)
class _Plot:
    """Geometry of the line chart: one x step per month end, 0-100% up the y axis."""

    count: int
    left: int = 36
    top: int = 14
    plot_w: int = 440
    plot_h: int = 180

    @property
    def width(self) -> int:
        return self.left + self.plot_w + 16

    @property
    def height(self) -> int:
        return self.top + self.plot_h + 34

    @property
    def step(self) -> float:
        return self.plot_w / max(self.count - 1, 1)

    def x(self, index: int) -> float:
        """The x of the index-th month end."""
        return self.left + index * self.step

    def y(self, percent: float) -> float:
        """The y of a share given in percent."""
        return self.top + self.plot_h - self.plot_h * percent / 100


def history_svg(points: Sequence[HistoryPoint], targets: Targets) -> Markup:
    """Lines of the subtree's registration rate, staff rate and party rate at each month end."""
    if not points:
        return Markup("")
    plot = _Plot(len(points))
    series = (
        ("staff_registration_rate", GRID, _("Staff registered")),
        ("staff_rate", GOOD, _("Staff completed")),
        ("party_rate", PARTY, _("Party completed")),
    )
    parts = [_svg_open(plot.width, plot.height, _("Rates over time"))]
    parts += [_plot_grid_line(plot, share) for share in (0, 25, 50, 75, 100)]
    parts += [_plot_target(plot, targets.staff_target, GOOD)]
    parts += [_plot_target(plot, targets.party_target, PARTY)]
    parts += [_series_line(plot, points, *line) for line in series]
    parts += [_month_label(plot, index, point) for index, point in enumerate(points)]
    parts += [
        _legend_entry(plot, index, color, label) for index, (_a, color, label) in enumerate(series)
    ]
    parts.append("</svg>")
    return Markup("".join(parts))


def _plot_grid_line(plot: _Plot, share: int) -> str:
    y = plot.y(share)
    return (
        f'<line x1="{plot.left}" y1="{y}" x2="{plot.left + plot.plot_w}" y2="{y}" '
        f'stroke="#e9ecef"/>'
        f'<text x="{plot.left - 4}" y="{y + 3}" font-size="9" text-anchor="end">{share}%</text>'
    )


def _plot_target(plot: _Plot, target: Decimal, color: str) -> str:
    y = plot.y(_pct(target))
    return (
        f'<line x1="{plot.left}" y1="{y:.1f}" x2="{plot.left + plot.plot_w}" y2="{y:.1f}" '
        f'stroke="{color}" stroke-dasharray="4 3"/>'
    )


def _series_line(
    plot: _Plot, points: Sequence[HistoryPoint], attribute: str, color: str, label: str
) -> str:
    """One rate (an attribute of the points) as a polyline."""
    coords = " ".join(
        f"{plot.x(index):.1f},{plot.y(_pct(getattr(point, attribute))):.1f}"
        for index, point in enumerate(points)
    )
    return (
        f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2">'
        f"<title>{escape(label)}</title></polyline>"
    )


def _month_label(plot: _Plot, index: int, point: HistoryPoint) -> str:
    """The month end under the x axis (every other one when there are more than 12)."""
    if plot.count > 12 and index % 2:
        return ""
    return (
        f'<text x="{plot.x(index):.1f}" y="{plot.top + plot.plot_h + 14}" font-size="9" '
        f'text-anchor="middle">{point.day.month}/{point.day.day}</text>'
    )


def _legend_entry(plot: _Plot, index: int, color: str, label: str) -> str:
    x = plot.left + 110 * index
    return (
        f'<rect x="{x}" y="{plot.height - 10}" width="10" height="6" fill="{color}"/>'
        f'<text x="{x + 13}" y="{plot.height - 4}" font-size="9">{escape(label)}</text>'
    )
