"""The headline bullet of a KPI as plain HTML: the value as a bar in its status colour, the target as a black line,
the interval or the year-end pace shaded, ticks under it and the number beside it.

It was a plotly indicator, one of the thirteen charts of an area page; nothing in it is to zoom or hover, so the
browser now draws it as a few boxes (issue 12 "Speed"). Positions are percentages of the track: it follows the
column's width, and the number keeps its size in a narrow window (the track shrinks, never the text).
"""

from __future__ import annotations

import math

from metrics.kpi.scorecard import KpiResult
from ui import fmt, plain, theme
from ui.i18n import t

INTERVAL_COLOUR = "#D9D9D9"
PACE_COLOUR = "#E8E8E8"
TRACK_HEIGHT = 44  # px
TICKS = 5  # about this many tick labels under the track
SPARSE_TICKS = 2  # and this many when the track is too narrow for them (a phone, two columns at 1024 px)
# Below this width (px) the track's labels would touch ("80%100%"): the sparse row shows instead of the dense one.
# A container query, so it follows the track's own width, whatever the window and the columns around it.
NARROW_PX = 260
AXIS_CSS = (
    "<style>.bullet-sparse{display:none}"
    f"@container bullet-axis (max-width:{NARROW_PX}px){{.bullet-dense{{display:none}}.bullet-sparse{{display:block}}}}"
    "</style>"
)


def axis_range(result: KpiResult, scale: float | None) -> list[float]:
    """The axis, in stored units: 0-1 for shares, the survey's scale for means, room above for counts."""
    if result.unit == "share":
        return [0, 1]
    if result.unit == "points" and scale:
        return [0, scale]
    top = max(v for v in (result.value, result.target, result.projection, 1.0) if v is not None)
    return [0, top * 1.15]


def ticks(top: float, unit: str, count: int = TICKS) -> list[float]:
    """Round tick values from 0 to `top`, about `count` apart (whole numbers for counts and days; 1 apart up to 10)."""
    if unit == "share":
        parts = 5 if count >= TICKS else 2  # 0, 20, ... 100% or 0, 50, 100%
        return [i / parts for i in range(parts + 1)]
    raw = top / count
    if unit in ("count", "days") and top <= 10 and count >= TICKS:
        step = 1.0
    else:
        power = 10 ** math.floor(math.log10(raw))
        step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
        if unit in ("count", "days"):
            step = max(1.0, round(step))
    return [i * step for i in range(int(top / step + 1e-9) + 1)]


def _tick_label(value: float, unit: str) -> str:
    if unit == "share":
        return f"{value * 100:.0f}%"
    if unit in ("count", "days") or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:g}"


def words(result: KpiResult) -> str:
    """What the bullet shows, for screen readers and the hover title."""
    parts = [f'{t("chart.value")} {fmt.value(result.value, result.unit)}', fmt.target(result.comparator, result.target,
                                                                                     result.unit)]
    if result.ci_low is not None and result.ci_high is not None:
        parts.append(t("card.interval", ci=fmt.interval(result.ci_low, result.ci_high, result.unit), n=f"{result.n:,}"))
    if result.projection is not None:
        parts.append(f'{t("chart.projection")} {fmt.value(result.projection, result.unit)}')
    return " · ".join(parts)


def bullet_html(result: KpiResult, scale: float | None = None) -> str:
    """The bullet of `result` as one HTML block (the same look as the plotly bullet it replaces)."""
    low, top = axis_range(result, scale)

    def at(value: float) -> float:  # percent of the track, kept on it
        return max(0.0, min(100.0, (value - low) / (top - low) * 100))

    def box(start: float, end: float, style: str) -> str:
        left, right = sorted((at(start), at(end)))
        return f'<div style="position:absolute;left:{left:.2f}%;width:{right - left:.2f}%;{style}"></div>'

    shapes = []
    if result.ci_low is not None and result.ci_high is not None:
        shapes.append(box(result.ci_low, result.ci_high, f"top:0;bottom:0;background:{INTERVAL_COLOUR}"))
    if result.projection is not None and result.value is not None:
        shapes.append(box(result.value, result.projection, f"top:0;bottom:0;background:{PACE_COLOUR}"))
    if result.value is not None:
        colour = theme.status_style(result.status).colour
        shapes.append(box(low, result.value, f"top:27.5%;height:45%;background:{colour}"))
    if result.target is not None:
        shapes.append(f'<div class="bullet-target" style="position:absolute;left:calc({at(result.target):.2f}% - 2px);'
                      f'width:4px;top:2.5%;height:95%;background:{theme.TARGET_COLOUR}"></div>')
    def row(kind: str, values: list[float]) -> str:
        spans = "".join(
            f'<span style="position:absolute;left:{at(v):.2f}%;transform:translateX(-{at(v):.0f}%);white-space:nowrap">'
            f"{_tick_label(v, result.unit)}</span>" for v in values)
        return f'<div class="bullet-{kind}" style="position:relative;height:1.4em">{spans}</div>'

    labels = row("dense", ticks(top, result.unit)) + row("sparse", ticks(top, result.unit, SPARSE_TICKS))
    number = "" if result.value is None else plain.html(fmt.number(result.value, result.unit))
    said = plain.html(words(result))
    return AXIS_CSS + (
        f'<div class="kpi-bullet" role="img" aria-label="{said}" title="{said}" '
        'style="display:flex;align-items:flex-start;gap:16px;padding:10px 4px 0 8px;margin-bottom:10px">'
        '<div style="flex:1;min-width:0">'
        f'<div style="position:relative;height:{TRACK_HEIGHT}px;border:1px solid #BBBBBB;background:#FFFFFF">'
        f'{"".join(shapes)}</div>'
        f'<div class="bullet-axis" style="container:bullet-axis/inline-size;margin-top:4px;font-size:0.75rem;color:#444">'
        f'{labels}</div></div>'
        f'<div class="bullet-number" style="font-size:2.2rem;font-weight:500;line-height:{TRACK_HEIGHT}px;'
        f'white-space:nowrap;color:#222">{number}</div></div>'
    )
