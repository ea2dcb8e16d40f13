"""Drawing a plotly figure: our template (not Streamlit's theme), no plotly logo, a stable key."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from ui import theme

CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"], "locale": "ko"}


def show(fig: go.Figure, key: str) -> None:
    """Draw `fig` with the charter template across the container's width."""
    fig.update_layout(template=theme.TEMPLATE)
    st.plotly_chart(fig, theme=None, key=key, config=CONFIG, width="stretch")
