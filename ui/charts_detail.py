"""Figures of what lies behind a KPI's number: ratings, answers per question, days taken, rings, hours.

Questions (survey headers) and course names come from the files: they reach a figure only through
`_label` (ticks) or `_full` (hover), never as plotly HTML.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import cast

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from ui import plain, theme
from ui.charts_kpi import CHART_HEIGHT
from ui.i18n import t

BELOW, ABOVE = "#D55E00", "#0072B2"
QUESTION_LABEL_CHARS = 34
LABEL_LINE_CHARS = 18  # an axis tick's line: two of them hold a shortened question
SECOND_LINE_PX = 18  # a bar's height grows by a tick's second line
GROUP_SEPARATOR = " / "  # how a merged two-row header joins its group and its item (metrics.intake.layout)
MARK_ROOM = 24  # px above the plot for a mark's words, below the toolbar's strip


def _room_above(fig: go.Figure) -> None:
    """A mark written above the plot (a threshold's or target's words) gets its own strip under the toolbar's."""
    fig.update_layout(margin_t=theme.TOP_MARGIN + MARK_ROOM)


def _short(text: str) -> str:
    """A question shortened for an axis label (the full text stays in the hover)."""
    return text if len(text) <= QUESTION_LABEL_CHARS else text[: QUESTION_LABEL_CHARS - 1] + "…"


def _label(text: str) -> str:
    """A question or course from a file as an axis tick: shortened, on two lines when long (a phone, or half a
    small window, has room for about half a question beside its bar), each line made inert (no entity cut in half)."""
    lines = textwrap.wrap(_short(str(text)), width=LABEL_LINE_CHARS, max_lines=2, placeholder="…") or [""]
    return "<br>".join(plain.chart(line) for line in lines)


def _question_labels(questions: Iterable[str]) -> list[str]:
    """Questions as axis ticks, without the group every one of them starts with ("항목별 만족도 / …"): on a phone
    the repeated words would take the width the bars need (the hover keeps the whole question)."""
    texts = [str(q) for q in questions]
    heads = {q.rsplit(GROUP_SEPARATOR, 1)[0] for q in texts if GROUP_SEPARATOR in q}
    if len(texts) > 1 and len(heads) == 1 and all(GROUP_SEPARATOR in q for q in texts):
        texts = [q.rsplit(GROUP_SEPARATOR, 1)[1] for q in texts]
    return [_label(q) for q in texts]


def _row_px(labels: Iterable[str], one_line: int) -> int:
    """Pixels per bar of a chart of one bar per label: more when a label takes two lines, so the ticks never meet."""
    return one_line + SECOND_LINE_PX if any("<br>" in label for label in labels) else one_line


def _full(texts: Iterable[str]) -> list[str]:
    """Questions or courses from a file for the hover, whole and inert."""
    return [plain.chart(text) for text in texts]


def rating_histogram(dist: pd.DataFrame, threshold: float | None, scale: float) -> go.Figure:
    """Share of responses at each rating; bars at or above the threshold (on `scale`) in blue, below in vermillion."""
    fig = go.Figure()
    for scale_max, part in dist.groupby("scale_max"):
        cut = None if threshold is None else threshold * cast("float", scale_max) / scale
        colours = [ABOVE if cut is None or r >= cut - 1e-9 else BELOW for r in part["rating"]]
        fig.add_trace(go.Bar(
            x=part["rating"], y=part["share"] * 100, customdata=part["count"], marker_color=colours,
            name=t("chart.scale_name", scale=f"{scale_max:g}"),
            hovertemplate=t("chart.rating_hover") + "<extra></extra>",
        ))
        if cut is not None:
            fig.add_vline(x=cut - 0.5 if float(cut).is_integer() else cut, line=dict(color=theme.TARGET_COLOUR, dash="dash"),
                          annotation_text=t("chart.threshold", value=f"{cut:g}"), annotation_position="top")
    fig.update_xaxes(title=t("chart.rating"), dtick=1)
    fig.update_yaxes(title=t("chart.share_of_responses"), ticksuffix="%")
    fig.update_layout(height=CHART_HEIGHT, title=t("chart.rating_title"), showlegend=dist["scale_max"].nunique() > 1)
    if threshold is not None:
        _room_above(fig)
    return fig


def likert_colours(scale_max: float) -> list[str]:
    """Diverging colours from the lowest to the highest rating of a scale."""
    if int(scale_max) == 5:
        return theme.LIKERT_COLOURS
    steps = int(scale_max)
    scale = [[0, theme.LIKERT_COLOURS[0]], [0.5, theme.LIKERT_COLOURS[2]], [1, theme.LIKERT_COLOURS[4]]]
    colours: list[str] = sample_colorscale(scale, [i / max(1, steps - 1) for i in range(steps)])
    return colours


def likert_figure(likert: pd.DataFrame, order: list[str]) -> go.Figure:
    """One 100% stacked bar per question (lowest-scoring first, at the top), ratings low to high."""
    frame = likert[likert["scale_max"] == likert["scale_max"].max()]
    scale_max = float(frame["scale_max"].max())
    questions = [q for q in order if q in set(frame["question"])] or sorted(frame["question"].unique())
    low = 1 if scale_max <= 7 else 0
    colours = likert_colours(scale_max - low + 1)
    labels = _question_labels(questions)
    fig = go.Figure()
    for i, rating in enumerate(range(low, int(scale_max) + 1)):
        part = frame[frame["rating"] == rating].set_index("question").reindex(questions)
        fig.add_trace(go.Bar(
            y=labels, x=part["share"].fillna(0) * 100, orientation="h",
            name=str(rating), marker_color=colours[min(i, len(colours) - 1)], customdata=_full(questions),
            hovertemplate="%{customdata}<br>" + t("chart.likert_hover", rating=rating) + "<extra></extra>",
        ))
    # Up to eleven ratings: the legend (under the plot, as every legend) reads low to high.
    fig.update_layout(barmode="stack", height=max(CHART_HEIGHT, _row_px(labels, 42) * len(questions) + 160),
                      title=t("chart.likert_title"), legend_title_text=t("chart.rating"),
                      # The legend's title on its own row: beside the items it pushed the last ones past the edge.
                      legend=dict(theme.LEGEND, traceorder="normal", title_side="top"))
    fig.update_xaxes(ticksuffix="%", range=[0, 100])
    fig.update_yaxes(autorange="reversed")
    return fig


def question_means_figure(questions: pd.DataFrame, target: float | None) -> go.Figure:
    """Each question's mean, lowest first, against the target where it is a mean."""
    colours = [BELOW if target is not None and m < target else ABOVE for m in questions["mean"]]
    labels = _question_labels(questions["question"])
    fig = go.Figure(go.Bar(
        y=labels, x=questions["mean"], orientation="h", marker_color=colours,
        customdata=list(zip(_full(questions["question"]), questions["n"], strict=True)), text=[f"{m:.2f}" for m in questions["mean"]], textposition="outside",
        hovertemplate="%{customdata[0]}<br>%{x:.2f} (n=%{customdata[1]:,})<extra></extra>",
    ))
    if target is not None:
        fig.add_vline(x=target, line=dict(color=theme.TARGET_COLOUR, dash="dash"), annotation_text=t("chart.target"))
    scale = float(questions["scale"].iloc[0]) if len(questions) else 5
    fig.update_xaxes(range=[0, scale * 1.08], title=t("chart.mean_on_scale", scale=f"{scale:g}"))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=max(CHART_HEIGHT, _row_px(labels, 40) * len(questions) + 100), title=t("chart.questions_title"), showlegend=False)
    return fig


def days_figure(dist: pd.DataFrame, deadline: int | None, day_mode: str) -> go.Figure:
    """Completed cases by days taken: within the deadline in blue, late in vermillion, the deadline marked."""
    colours = [ABOVE if w else BELOW for w in dist["within"]]
    fig = go.Figure(go.Bar(x=dist["days"], y=dist["count"], marker_color=colours,
                           hovertemplate=t("chart.days_hover") + "<extra></extra>"))
    if deadline:
        fig.add_vline(x=deadline + 0.5, line=dict(color=theme.TARGET_COLOUR, dash="dash", width=2),
                      annotation_text=t("chart.deadline", days=deadline), annotation_position="top right")
    fig.update_xaxes(title=t(f"chart.days_axis_{day_mode}"))
    _count_axis(fig, dist["count"].max() if len(dist) else 0, t("chart.cases"))
    fig.update_layout(height=CHART_HEIGHT, title=t("chart.days_title"), showlegend=False)
    return fig


def _count_axis(fig: go.Figure, top: float, title: str) -> None:
    """A y axis of whole numbers (no "0.5 cases")."""
    fig.update_yaxes(title=title, rangemode="tozero", tickformat=",d", dtick=1 if top <= 10 else None)


def rings_figure(dist: pd.DataFrame, max_rings: float) -> go.Figure:
    """Calls by rings before the answer, the allowed number marked."""
    colours = [ABOVE if w else BELOW for w in dist["within"]]
    fig = go.Figure(go.Bar(x=dist["rings"], y=dist["count"], marker_color=colours,
                           hovertemplate=t("chart.rings_hover") + "<extra></extra>"))
    fig.add_vline(x=max_rings + 0.5, line=dict(color=theme.TARGET_COLOUR, dash="dash", width=2),
                  annotation_text=t("chart.max_rings", rings=f"{max_rings:g}"), annotation_position="top right")
    fig.update_xaxes(title=t("chart.rings"), dtick=1)
    _count_axis(fig, dist["count"].max() if len(dist) else 0, t("chart.calls"))
    fig.update_layout(height=CHART_HEIGHT, title=t("chart.rings_title"), showlegend=False)
    return fig


def hours_figure(by_hour: pd.DataFrame, target: float | None) -> go.Figure:
    """Share of calls answered in time, by hour of day (where to add staff)."""
    fig = go.Figure(go.Bar(x=by_hour["hour"], y=by_hour["share"] * 100, marker_color=theme.BAR_COLOUR,
                           customdata=by_hour["calls"], hovertemplate=t("chart.hour_hover") + "<extra></extra>"))
    if target is not None:
        fig.add_hline(y=target * 100, line=dict(color=theme.TARGET_COLOUR, dash="dash"), annotation_text=t("chart.target"))
    fig.update_xaxes(title=t("chart.hour"), dtick=1)
    fig.update_yaxes(ticksuffix="%", range=[0, 105])
    fig.update_layout(height=CHART_HEIGHT, title=t("chart.hours_title"), showlegend=False)
    if target is not None:
        _room_above(fig)
    return fig


def courses_figure(by_course: pd.DataFrame, top: int = 15) -> go.Figure:
    """Completions by course, the largest first."""
    frame = by_course.head(top)
    labels = [_label(c) for c in frame["course"]]
    fig = go.Figure(go.Bar(y=labels, x=frame["completed"], orientation="h",
                           marker_color=theme.BAR_COLOUR, customdata=_full(frame["course"]),
                           hovertemplate="%{customdata}: %{x:,}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=max(CHART_HEIGHT, _row_px(labels, 28) * len(frame) + 100), title=t("chart.courses_title", top=top), showlegend=False)
    return fig
