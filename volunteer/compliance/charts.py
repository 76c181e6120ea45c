"""Charts drawn on the server as SVG (no JavaScript, no CDN).

Each chart is drawn at its natural size in CSS pixels (width and height attributes), so a
label of 12 units is shown at 12 px; the large-text view (长辈版) scales everything by 4/3.
Each carries a <title> and a <desc> with its figures, for screen readers and text browsers.
"""

from collections.abc import Sequence
from datetime import date
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


# The bar chart's layout in CSS pixels: 338 wide, so it fits a 390 px phone unscaled.
BAR_LABEL_W, BAR_PLOT_W, BAR_H, BAR_GAP, BAR_TOP = 124, 170, 13, 8, 38


def units_by_rate_svg(rows: Sequence[UnitRow], targets: Targets, large: bool = False) -> Markup:
    """Horizontal bars: each unit's staff rate (green when it meets targets) and party rate,
    with dashed lines at the staff and party targets."""
    shown = _units_with_roster(rows)
    if not shown:
        return Markup("")
    height = BAR_TOP + len(shown) * (2 * BAR_H + BAR_GAP) + 8
    width = BAR_LABEL_W + BAR_PLOT_W + 44
    title, desc = _("Units by completion rate"), _rates_description(shown, targets)
    parts = [_svg_open((width, height), large, "rate", title, desc), _rate_grid(height)]
    parts += [_unit_bars(row, _bar_y(index)) for index, row in enumerate(shown)]
    parts += [_rate_target_lines(targets, height), "</svg>"]
    return Markup("".join(parts))


def _units_with_roster(rows: Sequence[UnitRow]) -> list[UnitRow]:
    """Units that have a roster, lowest staff rate first."""
    with_roster = (row for row in rows if row.status != Status.NO_ROSTER)
    return sorted(with_roster, key=lambda row: (row.figures.staff_rate or 0, row.name))


def _bar_y(index: int) -> float:
    return BAR_TOP + index * (2 * BAR_H + BAR_GAP)


def _rate_grid(height: float) -> str:
    """Vertical grid lines at 0, 50 and 100% with their labels."""
    parts = []
    for share, label in ((0, "0%"), (50, "50%"), (100, "100%")):
        x = BAR_LABEL_W + BAR_PLOT_W * share / 100
        parts.append(
            f'<line x1="{x}" y1="{BAR_TOP - 4}" x2="{x}" y2="{height - 6}" stroke="#dee2e6"/>'
            f'<text x="{x}" y="{BAR_TOP - 8}" text-anchor="middle">{label}</text>'
        )
    return "".join(parts)


def _rate_target_lines(targets: Targets, height: float) -> str:
    """Dashed lines at the staff and party targets, labelled above the plot."""
    lines = (
        (targets.staff_target, _("Staff target"), GOOD),
        (targets.party_target, _("Party target"), PARTY),
    )
    return "".join(_rate_target_line(*line, height) for line in lines)


def _rate_target_line(target: Decimal, label: str, color: str, height: float) -> str:
    x, figure = BAR_LABEL_W + BAR_PLOT_W * _pct(target) / 100, _pct_text(target, 0)
    return (
        f'<line x1="{x:.1f}" y1="{BAR_TOP - 4}" x2="{x:.1f}" y2="{height - 6}" stroke="{color}" '
        f'stroke-dasharray="4 3" stroke-width="1.5"><title>{escape(label)} {figure}</title></line>'
        f'<text x="{x:.1f}" y="{BAR_TOP - 24}" fill="{color}" text-anchor="middle">{figure}</text>'
    )


def _unit_bars(row: UnitRow, y: float) -> str:
    """One unit's name, staff bar with its figure, and party bar."""
    return _staff_bar(row, y) + (_party_bar(row, y) if row.figures.party_rate is not None else "")


def _staff_bar(row: UnitRow, y: float) -> str:
    """The unit's (shortened) name and its staff bar, green when it meets targets."""
    color = GOOD if row.status == Status.MEETS else BAD
    name = row.name if len(row.name) <= 9 else row.name[:8] + "…"
    staff_w = BAR_PLOT_W * _pct(row.figures.staff_rate) / 100
    staff = _pct_text(row.figures.staff_rate)
    return (
        f'<text x="{BAR_LABEL_W - 4}" y="{y + BAR_H}" text-anchor="end">{escape(name)}</text>'
        f'<rect x="{BAR_LABEL_W}" y="{y}" width="{staff_w:.1f}" height="{BAR_H}" fill="{color}">'
        f"<title>{escape(row.name)} {escape(_('Staff rate'))} {staff}</title></rect>"
        f'<text x="{BAR_LABEL_W + staff_w + 3:.1f}" y="{y + BAR_H - 2}">'
        f"{_pct_text(row.figures.staff_rate, 0)}</text>"
    )


def _party_bar(row: UnitRow, y: float) -> str:
    """The unit's party bar, under its staff bar."""
    party_w = BAR_PLOT_W * _pct(row.figures.party_rate) / 100
    return (
        f'<rect x="{BAR_LABEL_W}" y="{y + BAR_H}" width="{party_w:.1f}" height="{BAR_H - 3}" '
        f'fill="{PARTY}" opacity="0.7"><title>{escape(row.name)} '
        f"{escape(_('Party rate'))} {_pct_text(row.figures.party_rate)}</title></rect>"
    )


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


# The line chart's layout in CSS pixels: 340 wide, so it fits a 390 px phone unscaled.
LINE_LEFT, LINE_TOP, LINE_PLOT_W, LINE_PLOT_H, LEGEND_ROW = 40, 14, 284, 160, 18


def _history_series() -> tuple[tuple[str, str, str], ...]:
    """(attribute, colour, label) of each line."""
    return (
        ("staff_registration_rate", GRID, _("Staff registered")),
        ("staff_rate", GOOD, _("Staff completed")),
        ("party_rate", PARTY, _("Party completed")),
    )


def history_svg(
    points: Sequence[HistoryPoint],
    targets: Targets,
    large: bool = False,
    projected: Sequence[HistoryPoint] = (),
) -> Markup:
    """Lines of the subtree's registration rate, staff rate and party rate at each month end;
    dashed, the staff and party rates at the coming month ends at the current pace."""
    if not points:
        return Markup("")
    series = _history_series()
    width = LINE_LEFT + LINE_PLOT_W + 16
    legend_rows = len(series) + (1 if projected else 0)
    height = LINE_TOP + LINE_PLOT_H + 26 + LEGEND_ROW * legend_rows
    days = [point.day for point in [*points, *projected]]
    xs = _x_positions(days)
    title = _("Rates over time")
    desc = _history_description(points, series) + _projection_description(projected)
    parts = [_svg_open((width, height), large, "history", title, desc), _history_grid()]
    parts += [_history_targets(targets), _history_lines(points, series, xs)]
    parts += [_projection_lines(points[-1], projected, xs[len(points) - 1 :])]
    parts += [_month_labels(days, xs), _legend(series, LINE_LEFT, _plot_bottom() + 26)]
    if projected:
        parts.append(_projection_key(LINE_LEFT, _plot_bottom() + 26 + LEGEND_ROW * len(series)))
    return Markup("".join([*parts, "</svg>"]))


def computing_svg(large: bool = False) -> str:
    """The history chart's place while the worker computes it: one line saying so."""
    width, height = LINE_LEFT + LINE_PLOT_W + 16, 40
    text = _("Computing; the page refreshes by itself shortly.")
    return "".join(
        [
            _svg_open((width, height), large, "history", _("Rates over time"), text),
            f'<text x="{LINE_LEFT}" y="24" fill="{GRID}">{escape(text)}</text></svg>',
        ]
    )


def _x_positions(days: Sequence[date]) -> list[float]:
    """Where each day falls across the plot, by date: first at the left, last at the right."""
    span = max((days[-1] - days[0]).days, 1)
    return [LINE_LEFT + LINE_PLOT_W * (day - days[0]).days / span for day in days]


def _plot_bottom() -> float:
    return LINE_TOP + LINE_PLOT_H


def _y_of(value: Decimal | None) -> float:
    """The height of a rate on the line chart."""
    return _plot_bottom() - LINE_PLOT_H * _pct(value) / 100


def _history_grid() -> str:
    """Horizontal grid lines every 25% with their labels."""
    parts = []
    for share in (0, 25, 50, 75, 100):
        y = _plot_bottom() - LINE_PLOT_H * share / 100
        parts.append(
            f'<line x1="{LINE_LEFT}" y1="{y}" x2="{LINE_LEFT + LINE_PLOT_W}" y2="{y}" '
            f'stroke="#e9ecef"/><text x="{LINE_LEFT - 4}" y="{y + 4}" '
            f'text-anchor="end">{share}%</text>'
        )
    return "".join(parts)


def _history_targets(targets: Targets) -> str:
    """Dashed lines at the staff and party targets."""
    lines = ((targets.staff_target, GOOD), (targets.party_target, PARTY))
    return "".join(
        f'<line x1="{LINE_LEFT}" y1="{_y_of(target):.1f}" x2="{LINE_LEFT + LINE_PLOT_W}" '
        f'y2="{_y_of(target):.1f}" stroke="{color}" stroke-dasharray="4 3"/>'
        for target, color in lines
    )


def _history_lines(points: Sequence[HistoryPoint], series, xs: Sequence[float]) -> str:
    """One polyline per series through the month ends."""
    parts = []
    for attribute, color, label in series:
        coords = " ".join(
            f"{x:.1f},{_y_of(getattr(p, attribute)):.1f}" for p, x in zip(points, xs, strict=False)
        )
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2">'
            f"<title>{escape(label)}</title></polyline>"
        )
    return "".join(parts)


def _projection_lines(
    start: HistoryPoint, projected: Sequence[HistoryPoint], xs: Sequence[float]
) -> str:
    """Dashed lines from today's rates through the coming month ends, for the projected rates."""
    chain, parts, projection = [start, *projected], [], _("Projection at the current pace")
    for attribute, color, label in _history_series():
        if not projected or any(getattr(point, attribute) is None for point in chain):
            continue  # registrations are not projected; no party members, no party line
        coords = " ".join(
            f"{x:.1f},{_y_of(getattr(p, attribute)):.1f}" for p, x in zip(chain, xs, strict=True)
        )
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2" '
            f'stroke-dasharray="6 4" class="projection">'
            f"<title>{escape(label)} · {escape(projection)}</title></polyline>"
        )
    return "".join(parts)


def _month_labels(days: Sequence[date], xs: Sequence[float]) -> str:
    """Dates under the plot, skipping any closer than a label's width to the last one shown."""
    parts, shown_at = [], None
    for day, x in zip(days, xs, strict=True):
        if shown_at is not None and x - shown_at < 38:  # a "12/31" label needs about 38 units
            continue
        shown_at = x
        parts.append(
            f'<text x="{x:.1f}" y="{_plot_bottom() + 18}" text-anchor="middle">'
            f"{day.month}/{day.day}</text>"
        )
    return "".join(parts)


def _legend(series, x: float, y: float) -> str:
    """One line per series, one under the other, so long names never collide."""
    return "".join(
        f'<rect x="{x}" y="{y + row * LEGEND_ROW + 3}" width="14" height="8" fill="{color}"/>'
        f'<text x="{x + 20}" y="{y + row * LEGEND_ROW + 12}">{escape(label)}</text>'
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


def _projection_key(x: float, y: float) -> str:
    """The legend's line for the dashed projection."""
    label = _("Dashed: at the current pace")
    return (
        f'<line x1="{x}" y1="{y + 7}" x2="{x + 14}" y2="{y + 7}" stroke="{GRID}" '
        f'stroke-width="2" stroke-dasharray="4 2"/>'
        f'<text x="{x + 20}" y="{y + 12}">{escape(label)}</text>'
    )


def _projection_description(projected: Sequence[HistoryPoint]) -> str:
    """The projection's end in words (empty without one)."""
    if not projected:
        return ""
    last = projected[-1]
    return " " + _(
        "At the current pace on %(day)s: staff %(staff)s, party members %(party)s.",
        day=last.day.isoformat(),
        staff=_pct_text(last.staff_rate),
        party=_pct_text(last.party_rate),
    )
