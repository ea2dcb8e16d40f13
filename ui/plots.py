"""Drawing a plotly figure: our template (not Streamlit's theme), no plotly logo, a stable key.

The figure's title is drawn by Streamlit above the chart, not inside it: there it wraps in a narrow window and
neither toolbar (plotly's, Streamlit's) can cover it; the legend sits under the plot (see ui.theme).

`show_kept` keeps a figure once built, per data version, language and day: plotly validates every property a
builder sets, which was most of the server's time on an area page, and a kept figure is only serialised.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import plotly.graph_objects as go
import streamlit as st

from metrics import clock
from ui import data, plain, theme
from ui.i18n import current_lang

CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"], "locale": "ko"}
# A chart of a few points (a KPI's years, its months) has nothing to zoom: its toolbar keeps the picture download
# only, which also keeps it off the ticks of a chart drawn half-width in a small window.
SAVE_ONLY = {**CONFIG, "modeBarButtonsToRemove": ["lasso2d", "select2d", "zoom2d", "pan2d", "zoomIn2d", "zoomOut2d",
                                                  "autoScale2d", "resetScale2d"]}


def _prepared(fig: go.Figure) -> tuple[str, go.Figure]:
    """`fig` in the charter template with its title taken out (to be drawn above it): (title, figure)."""
    fig.update_layout(template=theme.TEMPLATE)
    title = fig.layout.title.text or ""
    if title:
        fig.update_layout(title_text=None)
    return title, fig


def _draw(title: str, fig: go.Figure, key: str, toolbar: bool, zoom: bool = True) -> None:
    if title:
        st.markdown(f"**{plain.md(title)}**")
    config = (CONFIG if zoom else SAVE_ONLY) if toolbar else {**CONFIG, "displayModeBar": False}
    st.plotly_chart(fig, theme=None, key=key, config=config, width="stretch")  # it draws a copy: `fig` is unchanged


def show(fig: go.Figure, key: str, toolbar: bool = True) -> None:
    """Draw `fig` with the charter template across the container's width, its title above it.

    `toolbar=False` for a figure with nothing to zoom, where it would only cover the number."""
    _draw(*_prepared(fig), key, toolbar)


# Shared by every session, never changed once made (Streamlit draws a copy); the key holds the data version.
@st.cache_resource(show_spinner=False, max_entries=256)
def _kept(key: str, version: tuple[str, tuple[int, int]], lang: str, today: date, _build: Callable[[], go.Figure]) -> tuple[str, go.Figure]:
    return _prepared(_build())


def show_kept(key: str, kept_as: str, build: Callable[[], go.Figure], toolbar: bool = True, zoom: bool = True) -> None:
    """`show(build(), key)`, building the figure only once per data version, language and day.

    `kept_as` must name everything else the figure shows (the KPI, the year, which chart); `zoom=False`: a
    toolbar without the zoom and pan buttons (SAVE_ONLY)."""
    _draw(*_kept(kept_as, data.cache_key(), current_lang(), clock.today(), build), key, toolbar, zoom)
