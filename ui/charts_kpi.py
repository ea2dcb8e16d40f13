"""Figures of one KPI against its target: the years, the months with the pace line (the headline: ui.bullet).

Builders take plain data and return plotly figures (no Streamlit calls), so they can be tested alone.
Shares are drawn as percentages.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from metrics.kpi.scorecard import KpiResult
from ui import fmt, theme
from ui.i18n import t

CHART_HEIGHT = 340


def scaled(value: Any, unit: str) -> Any:
    """A value as drawn: shares as percentages, others as they are; None for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value * 100 if unit == "share" else value


def axis_suffix(unit: str) -> str:
    """The tick suffix of a unit's axis."""
    return "%" if unit == "share" else ""


def _value_format(unit: str) -> str:
    return {"share": ".1f", "count": ",.0f", "points": ".2f", "days": ".1f"}.get(unit, ".2f")


def years_figure(years: pd.DataFrame, result: KpiResult) -> go.Figure:
    """The KPI by year: points in their status colour, the interval as error bars, the target dashed."""
    unit = result.unit
    frame = years.copy()
    frame["y"] = [scaled(v, unit) for v in frame["value"]]
    fig = go.Figure()
    colours = [theme.status_style(s).colour for s in frame["status"]]
    error = None
    if frame["ci_low"].notna().any():
        high: list[Any] = [scaled(h, unit) - y if y is not None and h is not None and not pd.isna(h) else 0
                for h, y in zip(frame["ci_high"], frame["y"], strict=True)]
        low: list[Any] = [y - scaled(lo, unit) if y is not None and lo is not None and not pd.isna(lo) else 0
               for lo, y in zip(frame["ci_low"], frame["y"], strict=True)]
        error = dict(type="data", array=high, arrayminus=low, color="#555555", thickness=1.5, width=6)
    fig.add_trace(go.Scatter(
        x=frame["year"], y=frame["y"], mode="lines+markers", name=t("chart.value"),
        marker=dict(size=12, color=colours, line=dict(color="white", width=1)), line=dict(color="#777777"),
        error_y=error, customdata=frame[["n"]].assign(pending=frame["pending"].fillna(0)).to_numpy(),
        hovertemplate="%{x}: %{y:" + _value_format(unit) + "}" + axis_suffix(unit) + " · "
        + t("chart.n_hover") + "<extra></extra>",
    ))
    band_ends = []
    if "projection" in frame and frame["projection"].notna().any():
        proj = frame[frame["projection"].notna()]
        low, high, years_behind = (list(proj[c]) if c in proj else [None] * len(proj)
                                   for c in ("projection_low", "projection_high", "band_years"))
        band_ends = [v for v in [*low, *high] if not fmt.missing(v)]
        fig.add_trace(projection_trace(list(proj["year"]), list(proj["projection"]), low, high, years_behind, unit))
    years_list = list(frame["year"])
    _target_line(fig, result, min(years_list) - 0.3, max(years_list) + 0.3)
    fig.update_xaxes(tickmode="array", tickvals=years_list, ticktext=[str(y) for y in years_list])
    _value_axis(fig, unit, list(frame["y"]) + [scaled(v, unit) for v in frame["ci_low"]]
                + [v for v in frame["projection"] if v is not None] + band_ends + [scaled(result.target, unit)])
    fig.update_layout(height=CHART_HEIGHT, title=t("chart.by_year"))
    return fig


def projection_trace(xs: list[Any], values: list[Any], lows: list[Any], highs: list[Any], band_years: list[Any], unit: str
                     ) -> go.Scatter:
    """Year-end projections as open circles, each with its range as an error bar when it has one.

    A projection without a range (too few earlier years) gets no bar, which would read as certainty: its
    hover says why there is none ("범위 없음: 예년 자료 1년뿐").
    """
    has = [not fmt.missing(lo) and not fmt.missing(hi) for lo, hi in zip(lows, highs, strict=True)]
    up = [hi - v if ok else 0 for v, hi, ok in zip(values, highs, has, strict=True)]
    down = [v - lo if ok else 0 for v, lo, ok in zip(values, lows, has, strict=True)]
    words = [fmt.band(lo, hi, int(n or 0), unit) for lo, hi, n in zip(lows, highs, band_years, strict=True)]
    return go.Scatter(
        x=xs, y=values, mode="markers", name=t("chart.band") if any(has) else t("chart.projection"),
        marker=dict(size=12, symbol="circle-open", color=theme.PACE_COLOUR, line=dict(width=2)),
        error_y=dict(type="data", array=up, arrayminus=down, color=theme.PACE_COLOUR, thickness=2, width=8, visible=any(has)),
        hovertext=words, hovertemplate=t("chart.projection") + " %{y:,.0f} (%{hovertext})<extra></extra>",
    )


def _target_line(fig: go.Figure, result: KpiResult, x0: float, x1: float) -> None:
    """The target as a dashed line named in the legend (an annotation would collide with tick labels)."""
    if result.target is not None:
        y = scaled(result.target, result.unit)
        fig.add_trace(go.Scatter(x=[x0, x1], y=[y, y], mode="lines", name=t("chart.target"), hoverinfo="skip",
                                 line=dict(color=theme.TARGET_COLOUR, dash="dash", width=2)))


def _value_axis(fig: go.Figure, unit: str, values: list[Any]) -> None:
    """A y axis people can trust: shares from a round floor to just above 100%, counts and days from zero."""
    if unit == "share":
        known = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
        floor = min([80.0, *known])
        low = max(0.0, math.floor(floor / 10) * 10)
        fig.update_yaxes(range=[low, 102.5], dtick=5 if low >= 80 else 10, ticksuffix="%")
    elif unit in ("count", "days"):
        _whole_axis(fig, values)


def _whole_axis(fig: go.Figure, values: list[Any]) -> None:
    """Counts from zero in whole steps (a once-a-year event must not get ticks at 0.2, 0.4, …)."""
    known = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    small = max(known, default=0) <= 10
    fig.update_yaxes(rangemode="tozero", tickformat=",d", dtick=1 if small else None)


def months_figure(months: pd.DataFrame, result: KpiResult) -> go.Figure:
    """The year month by month: counts as a running total against the pace line, others as monthly values."""
    if result.unit == "count" and "cumulative" in months:
        return _cumulative_figure(months, result)
    unit = result.unit
    frame = months.dropna(subset=["value"])
    # Dots, not bars: a share or mean axis need not start at zero, and a bar that does not is a lie.
    fig = go.Figure(go.Scatter(
        x=frame["month"], y=[scaled(v, unit) for v in frame["value"]], name=t("chart.value"), mode="lines+markers",
        marker=dict(size=10, color=theme.BAR_COLOUR), line=dict(color="#9DB9D3"), customdata=frame["n"],
        hovertemplate=t("chart.month_hover") + "<extra></extra>",
    ))
    _target_line(fig, result, 0.5, 12.5)
    _month_axis(fig)
    _value_axis(fig, unit, [scaled(v, unit) for v in frame["value"]])
    fig.update_layout(height=CHART_HEIGHT, title=t("chart.by_month"))
    return fig


def _cumulative_figure(months: pd.DataFrame, result: KpiResult) -> go.Figure:
    fig = go.Figure(go.Scatter(
        x=months["month"], y=months["cumulative"], mode="lines+markers", name=t("chart.cumulative"),
        line=dict(color=theme.BAR_COLOUR, width=3), hovertemplate=t("chart.cumulative_hover") + "<extra></extra>",
    ))
    if result.target is not None:
        # Even pace: the share of the yearly target that twelve equal months would have reached.
        pace = [round(result.target * m / 12, 1) for m in range(0, 13)]  # 1,750 or 0.6 in the hover, not 0.58333
        fig.add_trace(go.Scatter(x=list(range(0, 13)), y=pace, mode="lines", name=t("chart.pace"),
                                 line=dict(color=theme.PACE_COLOUR, dash="dot", width=2),
                                 hovertemplate=t("chart.pace_hover") + "<extra></extra>"))
        _target_line(fig, result, 0, 12.5)
    if result.projection is not None:
        fig.add_trace(projection_trace([12], [result.projection], [result.projection_low], [result.projection_high],
                                       [result.extra.get("band_years", 0)], result.unit))
    _month_axis(fig, first=0)
    _whole_axis(fig, list(months["cumulative"]) + [result.target, result.projection, result.projection_high])
    fig.update_layout(height=CHART_HEIGHT, title=t("chart.cumulative_title"))
    return fig


def _month_axis(fig: go.Figure, first: float = 0.5) -> None:
    # Months as numbers under an axis title, a tick for every month and a number under every other one (1, 3, … 11):
    # twelve "10월"s stand upright and collide in a narrow chart.
    fig.update_xaxes(tickmode="linear", tick0=1, dtick=1, ticklabelstep=2, range=[first, 12.5],
                     title=t("chart.month_axis"))
