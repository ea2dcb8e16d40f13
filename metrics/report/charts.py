"""The trend chart's geometry, drawn the same way as inline SVG (HTML) and as PDF vector lines.

`trend_geometry` places each year's value and target in a box; the two drawers only stroke what it
placed. Shares are drawn from at most 80% up (as on the cards), counts from zero, so a 2-point
wobble does not look like a collapse.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from metrics.report.model import TrendPoint
from metrics.report.words import Words

SHARE_FLOOR = 0.8
# The dashboard's status colours (ui/theme.py, Okabe-Ito: colour-blind safe), as RGB.
STATUS_COLOURS = {
    "met": (0, 158, 115), "on_track": (86, 180, 233), "scheduled": (204, 121, 167), "at_risk": (230, 159, 0), "not_met": (213, 94, 0),
    "tracked": (0, 114, 178), "no_data": (153, 153, 153),
}
LINE = (0, 114, 178)
TARGET = (0, 0, 0)


@dataclass(frozen=True)
class Mark:
    """A year's point: where it goes and what it says."""

    year: int
    x: float
    y: float | None  # None: no value that year
    label: str
    status: str


@dataclass(frozen=True)
class TrendGeometry:
    """Points and the target line in a box of `width` × `height` (origin top left, y down)."""

    width: float
    height: float
    marks: tuple[Mark, ...]
    target: tuple[tuple[float, float], ...]  # the target's (x, y) per year that had one
    low: float
    high: float


def _bounds(values: list[float], unit: str) -> tuple[float, float]:
    low, high = min(values), max(values)
    if unit == "count":
        low = 0.0
    if unit == "share":
        low, high = min(low, SHARE_FLOOR), max(high, 1.0)
    span = high - low or (abs(high) or 1.0)
    return low - (0 if unit == "count" else span * 0.08), high + span * 0.12


def trend_geometry(points: tuple[TrendPoint, ...], unit: str, words: Words, width: float, height: float,
                   pad: float = 0.0) -> TrendGeometry:
    """Where each point and the target go; `pad` keeps labels inside the box at the sides and bottom."""
    values = [p.value for p in points if p.value is not None] + [p.target for p in points if p.target is not None]
    low, high = _bounds(values, unit) if values else (0.0, 1.0)
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    step = inner_w / max(len(points), 1)

    def x_of(i: int) -> float:
        return pad + step * (i + 0.5)

    def y_of(v: float) -> float:
        return pad + inner_h * (1 - (v - low) / (high - low))

    marks = tuple(
        Mark(p.year, x_of(i), None if p.value is None else y_of(p.value), words.value(p.value, unit), p.status)
        for i, p in enumerate(points)
    )
    target = tuple((x_of(i), y_of(p.target)) for i, p in enumerate(points) if p.target is not None)
    return TrendGeometry(width, height, marks, target, low, high)


def hex_colour(colour: tuple[int, int, int]) -> str:
    """An RGB triple as #rrggbb."""
    return "#" + "".join(f"{c:02x}" for c in colour)


def trend_svg(points: tuple[TrendPoint, ...], unit: str, words: Words, title: str) -> str:
    """The trend as an inline SVG of about 1 KB (no script): line, dots coloured by status, dashed target."""
    w, h, axis = 560.0, 170.0, 22.0
    g = trend_geometry(points, unit, words, w, h - axis, pad=18.0)
    parts = [f'<svg class="trend" viewBox="0 0 {w:.0f} {h:.0f}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<line x1="0" y1="{h - axis:.1f}" x2="{w:.0f}" y2="{h - axis:.1f}" stroke="#ccc"/>']
    if len(g.target) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in g.target)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{hex_colour(TARGET)}" stroke-dasharray="5 4"/>')
    elif g.target:
        (x, y), = g.target
        parts.append(f'<line x1="{x - 30:.1f}" y1="{y:.1f}" x2="{x + 30:.1f}" y2="{y:.1f}" stroke="{hex_colour(TARGET)}" '
                     'stroke-dasharray="5 4"/>')
    drawn = [m for m in g.marks if m.y is not None]
    if len(drawn) > 1:
        parts.append('<polyline points="' + " ".join(f"{m.x:.1f},{m.y:.1f}" for m in drawn)
                     + f'" fill="none" stroke="{hex_colour(LINE)}" stroke-width="2"/>')
    for m in g.marks:
        parts.append(f'<text x="{m.x:.1f}" y="{h - 6:.1f}" text-anchor="middle" font-size="12" fill="#444">{m.year}</text>')
        if m.y is not None:
            colour = hex_colour(STATUS_COLOURS.get(m.status, LINE))
            parts.append(f'<circle cx="{m.x:.1f}" cy="{m.y:.1f}" r="4.5" fill="{colour}"/>')
            parts.append(f'<text x="{m.x:.1f}" y="{m.y - 9:.1f}" text-anchor="middle" font-size="12">{escape(m.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
