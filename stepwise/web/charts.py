"""Small server-rendered SVG charts: no script, so they pass the CSP and print well.

Each chart has a <title> and <desc> for screen readers, and pages show the same
figures in a table beside it (GOV.UK details), because a chart alone is not accessible.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
# Series colours from GOV.UK Frontend's palette, distinguishable for colour-blind readers
# together with the dash patterns below.
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "4 4")
MOST_X_LABELS = 8  # more would run into each other at the chart's width
# A tier's or band's tag colour (as packs name them) as a line: a red tag, a red line.
TAG_LINES = {
    "blue": "#1d70b8", "red": "#d4351c", "green": "#00703c", "orange": "#f47738",
    "purple": "#4c2c92", "grey": "#505a5f", "yellow": "#b58800", "teal": "#28a197",
    "magenta": "#d53880",
}  # fmt: skip


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    colour: str = ""  # a TAG_LINES name; else the next of COLOURS


def _scale(top: float) -> float:
    """Return the axis top: the next of 1, 2, 4, 6, 8 or 10 times a power of ten at or above
    `top`, so its four gridlines read 0, 200, 400, 600, 800 and not 174, 348, 522, 696."""
    if top <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(top))
    return next(m * power for m in (1, 2, 4, 6, 8, 10) if top <= m * power * (1 + 1e-9))


def _frame(title: str, description: str, body: str, y_max: float, unit: str) -> SafeString:
    plot_h = HEIGHT - TOP - BOTTOM
    ticks = []
    for k in range(5):
        value = y_max * k / 4
        y = TOP + plot_h - plot_h * k / 4
        ticks.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'class="sw-chart__grid"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="sw-chart__tick">'
            f"{value:.3g}{escape(unit)}</text>"
        )
    return mark_safe(
        f'<svg class="sw-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{_id(title)}-t {_id(title)}-d" focusable="false">'
        f'<title id="{_id(title)}-t">{escape(title)}</title>'
        f'<desc id="{_id(title)}-d">{escape(description)}</desc>' + "".join(ticks) + body + "</svg>"
    )


def _id(title: str) -> str:
    return "chart-" + "".join(c if c.isalnum() else "-" for c in title.lower())[:40]


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    unit: str = "",
    description: str = "",
) -> SafeString:
    """Return an SVG bar chart of one value per label."""
    y_max = _scale(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(values))
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / y_max
        x = LEFT + i * slot + slot * 0.15
        bars.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" class="sw-chart__bar">'
                "<title>{}: {}{}</title></rect>"
                '<text x="{}" y="{}" text-anchor="middle" class="sw-chart__label">{}</text>',
                f"{x:.1f}",
                f"{TOP + plot_h - h:.1f}",
                f"{slot * 0.7:.1f}",
                f"{h:.1f}",
                label,
                f"{value:g}",
                unit,
                f"{x + slot * 0.35:.1f}",
                HEIGHT - BOTTOM + 18,
                label,
            )
        )
    return _frame(title, description or title, "".join(bars), y_max, unit)


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    unit: str = "",
    y_max: float | None = None,
    target: float | None = None,
    description: str = "",
) -> SafeString:
    """Return an SVG line chart with a legend and an optional dashed target line."""
    values = [v for s in series for v in s.values if v is not None]
    top = _scale(y_max if y_max is not None else max([*values, target or 0], default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(x_labels) - 1)
    parts = []
    last = len(x_labels) - 1
    stride = math.ceil(len(x_labels) / MOST_X_LABELS)  # counted back from the latest
    for i, label in enumerate(x_labels):
        if (last - i) % stride == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="{}" class="sw-chart__label">{}</text>',
                    f"{LEFT + i * step:.1f}",
                    HEIGHT - BOTTOM + 18,
                    "end" if i == last and last > 0 else "middle",  # the last stays on the chart
                    label,
                )
            )
    if target is not None:
        y = TOP + plot_h - plot_h * target / top
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="sw-chart__target"/>'
                '<text x="{}" y="{}" text-anchor="end" class="sw-chart__tick">Target {}{}</text>',
                LEFT,
                WIDTH - RIGHT,
                f"{y:.1f}",
                f"{y:.1f}",
                WIDTH - RIGHT,
                f"{y - 4:.1f}",
                f"{target:g}",
                unit,
            )
        )
    for n, s in enumerate(series):
        points = [
            f"{LEFT + i * step:.1f},{TOP + plot_h - plot_h * v / top:.1f}"
            for i, v in enumerate(s.values)
            if v is not None
        ]
        colour = TAG_LINES.get(s.colour) or COLOURS[n % len(COLOURS)]
        dash = DASHES[n % len(DASHES)]
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="3" '
                'stroke-dasharray="{}">'
                "<title>{}</title></polyline>",
                " ".join(points),
                colour,
                dash,
                s.label,
            )
        )
        # A marker on every point, so a series with a single value still shows.
        for point in points:
            cx, cy = point.split(",")
            parts.append(format_html('<circle cx="{}" cy="{}" r="4" fill="{}"/>', cx, cy, colour))
        legend_x = LEFT + 8 + n * 150
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="3" '
                'stroke-dasharray="{}"/>'
                '<text x="{}" y="{}" class="sw-chart__label">{}</text>',
                legend_x,
                legend_x + 24,
                TOP + 4,
                TOP + 4,
                colour,
                dash,
                legend_x + 30,
                TOP + 8,
                s.label,
            )
        )
    return _frame(title, description or title, "".join(parts), top, unit)
