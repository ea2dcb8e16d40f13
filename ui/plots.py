"""Drawing a plotly figure: our template (not Streamlit's theme), no plotly logo, a stable key.

The figure's title is drawn by Streamlit above the chart, not inside it: there it wraps in a narrow window and
neither toolbar (plotly's, Streamlit's) can cover it; the legend sits under the plot (see ui.theme).
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ui import plain, theme

CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"], "locale": "ko"}


def show(fig: go.Figure, key: str, toolbar: bool = True) -> None:
    """Draw `fig` with the charter template across the container's width, its title above it.

    `toolbar=False` for a figure with nothing to zoom (the headline bullet), where it would only cover the number."""
    fig.update_layout(template=theme.TEMPLATE)
    title = fig.layout.title.text
    if title:
        st.markdown(f"**{plain.md(title)}**")
        fig.update_layout(title_text=None)
    config = CONFIG if toolbar else {**CONFIG, "displayModeBar": False}
    st.plotly_chart(fig, theme=None, key=key, config=config, width="stretch")
