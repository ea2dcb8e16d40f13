"""A tiny inline SVG trend line: eighteen of them cost the browser almost nothing (no chart library)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from urllib.parse import quote

WIDTH, HEIGHT, PAD = 200, 52, 5
PLOT_BOTTOM = 36  # the line lives above this; the first and last year are written below it
SIDE = 14


BAND_COLOUR = "#666666"  # a darker grey than the pace line: the bar is a few pixels tall


def sparkline(points: list[tuple[int, float | None]], target: float | None, colour: str, title: str,
              floor: float | None = None, projection: tuple[int, float, float | None, float | None] | None = None) -> str:
    """An SVG of the values over the years (gaps for missing years), the target dashed, the last dot larger.

    `floor` keeps the scale from exaggerating small wobbles (shares are drawn from at most 80% up).
    `projection` (year, value, low, high): the running year's year-end projection as an open circle over
    that year, with its range as a grey bar when there is one (no bar is drawn for a missing range).
    """
    known = [(x, y) for x, y in points if y is not None]
    if not known:
        return ""
    projected = [v for v in (projection or ())[1:] if v is not None]
    ys = ([y for _, y in known] + ([target] if target is not None else []) + ([floor] if floor is not None else [])
          + projected)
    low, high = min(ys), max(ys)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    xs = [x for x, _ in points]
    span = max(xs) - min(xs) or 1

    def sx(x: float) -> float:
        return SIDE + (x - min(xs)) / span * (WIDTH - 2 * SIDE)

    def sy(y: float) -> float:
        return PLOT_BOTTOM - (y - low) / (high - low) * (PLOT_BOTTOM - PAD)

    # Its natural size where there is room, narrower (the same drawing, scaled) in a narrow card: never past its edge.
    # The namespace: the drawing is also shown as an image file (sparkline_img), which must declare it.
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" style="max-width:100%;height:auto" '
             f'role="img" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    if target is not None:
        parts.append(f'<line x1="{SIDE}" x2="{WIDTH - SIDE}" y1="{sy(target):.1f}" y2="{sy(target):.1f}" '
                     'stroke="#000" stroke-width="1" stroke-dasharray="3 3"/>')
    for segment in _segments(points):
        coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in segment)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for x, y in known:
        parts.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.5" fill="{colour}"/>')
    last_x, last_y = known[-1]
    parts.append(f'<circle cx="{sx(last_x):.1f}" cy="{sy(last_y):.1f}" r="4" fill="{colour}" stroke="#fff"/>')
    if projection is not None and min(xs) <= projection[0] <= max(xs):
        parts.extend(_projection_marks(sx(projection[0]), sy, *projection[1:]))
    label = f'y="{HEIGHT - 3}" font-size="10" fill="#666" font-family="sans-serif"'
    parts.append(f'<text x="{SIDE - 6}" {label} text-anchor="start">{min(xs)}</text>')
    parts.append(f'<text x="{WIDTH - SIDE + 6}" {label} text-anchor="end">{max(xs)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def sparkline_img(svg: str, title: str) -> str:
    """The drawing as an image (st.html keeps HTML only, so SVG markup would be stripped): `title` is its tooltip
    and what a screen reader says; "" for no drawing."""
    if not svg:
        return ""
    source = "data:image/svg+xml;charset=utf-8," + quote(svg, safe="")
    return (f'<img src="{escape(source)}" width="{WIDTH}" height="{HEIGHT}" alt="{escape(title)}" '
            f'title="{escape(title)}">')


def _projection_marks(x: float, sy: Callable[[float], float], value: float, low: float | None, high: float | None) -> list[str]:
    """The range as an error bar with caps (only when there is one) and the projection as an open circle.

    Caps, not a filled bar: on a count drawn from zero a range of a few hundred is a few pixels tall, and
    the caps keep it visible above and below the circle without stretching it.
    """
    marks = []
    if low is not None and high is not None:
        top, bottom = sy(high), sy(low)
        line = f'stroke="{BAND_COLOUR}" stroke-width="1.5"'
        marks.append(f'<g class="projection-band"><line x1="{x:.1f}" x2="{x:.1f}" y1="{top:.1f}" y2="{bottom:.1f}" {line}/>'
                     f'<line x1="{x - 5:.1f}" x2="{x + 5:.1f}" y1="{top:.1f}" y2="{top:.1f}" {line}/>'
                     f'<line x1="{x - 5:.1f}" x2="{x + 5:.1f}" y1="{bottom:.1f}" y2="{bottom:.1f}" {line}/></g>')
    marks.append(f'<circle class="projection" cx="{x:.1f}" cy="{sy(value):.1f}" r="2.5" fill="#fff" '
                 f'stroke="{BAND_COLOUR}" stroke-width="1.5"/>')
    return marks


def _segments(points: list[tuple[int, float | None]]) -> list[list[tuple[int, float]]]:
    """Runs of consecutive known values (a missing year breaks the line rather than bridging it)."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for x, y in points:
        if y is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((x, y))
    if current:
        runs.append(current)
    return runs
