"""A tiny inline SVG trend line: eighteen of them cost the browser almost nothing (no chart library)."""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT, PAD = 200, 52, 5
PLOT_BOTTOM = 36  # the line lives above this; the first and last year are written below it
SIDE = 14


def sparkline(points: list[tuple[int, float | None]], target: float | None, colour: str, title: str,
              floor: float | None = None) -> str:
    """An SVG of the values over the years (gaps for missing years), the target dashed, the last dot larger.

    `floor` keeps the scale from exaggerating small wobbles (shares are drawn from at most 80% up).
    """
    known = [(x, y) for x, y in points if y is not None]
    if not known:
        return ""
    ys = [y for _, y in known] + ([target] if target is not None else []) + ([floor] if floor is not None else [])
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
    parts = [f'<svg width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" style="max-width:100%;height:auto" '
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
    label = f'y="{HEIGHT - 3}" font-size="10" fill="#666" font-family="sans-serif"'
    parts.append(f'<text x="{SIDE - 6}" {label} text-anchor="start">{min(xs)}</text>')
    parts.append(f'<text x="{WIDTH - SIDE + 6}" {label} text-anchor="end">{max(xs)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _segments(points: list[tuple[int, float | None]]) -> list[list[tuple[int, float]]]:
    """Runs of consecutive known values (a missing year breaks the line rather than bridging it)."""
    runs, current = [], []
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
