"""Tables as people read them: headers in the current language, dates, percentages and flags formatted."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import clock
from ui.i18n import labels, t

# Columns holding fractions 0-1 (shown as percentages).
SHARE_COLUMNS = ("share", "satisfied_share")
ID_LIKE = ("year", "hour", "month")


def korea_times(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """`frame` with its stored moments (UTC) as people in Korea read them: "2026-12-01 10:05 (KST)" (a copy)."""
    present = [c for c in columns if c in frame.columns]
    return frame.assign(**{c: frame[c].map(clock.shown).astype("str") for c in present}) if present else frame


def header(name: str) -> str:
    """A column's header in the current language; data-named columns (survey questions) as they are."""
    key = f"columns.{name}"
    return t(key) if key in labels() else name


def column_config(frame: pd.DataFrame) -> dict:
    """st.column_config per column, chosen by name and dtype."""
    config = {}
    for name in frame.columns:
        col, label = frame[name], header(name)
        if pd.api.types.is_datetime64_any_dtype(col):
            has_time = bool((col.dropna().dt.normalize() != col.dropna()).any())
            config[name] = (st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm") if has_time
                            else st.column_config.DateColumn(label, format="YYYY-MM-DD"))
        elif pd.api.types.is_bool_dtype(col):
            config[name] = st.column_config.CheckboxColumn(label)
        elif name in SHARE_COLUMNS:
            config[name] = st.column_config.NumberColumn(label, format="percent")
        elif name in ID_LIKE:
            config[name] = st.column_config.NumberColumn(label, format="%d")
        elif pd.api.types.is_float_dtype(col):
            config[name] = st.column_config.NumberColumn(label, format="%.2f")
        elif pd.api.types.is_integer_dtype(col):
            config[name] = st.column_config.NumberColumn(label, format="localized")
        else:
            config[name] = st.column_config.TextColumn(label)
    return config


def show(frame: pd.DataFrame, *, key: str | None = None, height: int | str = "auto", empty_key: str = "table.empty") -> None:
    """Draw a frame with its formats (or a plain note when it has no rows).

    Its toolbar offers no CSV download or copy (`client.disableDataExport` in .streamlit/config.toml): rows
    leave the app only through the explorer's export, which checks the role, neutralises formulas and audits.
    """
    if frame.empty:
        st.caption(t(empty_key))
        return
    st.dataframe(frame, column_config=column_config(frame), hide_index=True, key=key, height=height)
