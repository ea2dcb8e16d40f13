"""Tables as people read them: headers in the current language, dates, percentages and flags formatted."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import pandas as pd
import streamlit as st

from metrics import clock
from ui.i18n import labels, pick, t

# Columns holding fractions 0-1 (shown as percentages).
SHARE_COLUMNS = ("share", "satisfied_share")
ID_LIKE = ("year", "hour", "month")


def korea_times(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """`frame` with its stored moments (UTC) as people in Korea read them: "2026-12-01 10:05 (KST)" (a copy)."""
    present = [c for c in columns if c in frame.columns]
    return frame.assign(**{c: frame[c].map(clock.shown).astype("str") for c in present}) if present else frame


def for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """The cells as people write them (a copy): an empty cell rather than the grid's "None".

    The grid writes "None" for every missing value and offers no setting for it, so a column with gaps
    becomes text: dates as 2026-03-04 (with the time when it has one), numbers as 8 or 7.25, shares as 85.0%,
    yes/no as 예 and 아니오 (the grid would write "True").
    Columns without gaps keep their types (and their sorting).
    """
    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if not col.isna().any():
            continue
        if pd.api.types.is_datetime64_any_dtype(col):
            pattern = "%Y-%m-%d %H:%M" if bool((col.dropna().dt.normalize() != col.dropna()).any()) else "%Y-%m-%d"
            out[name] = col.dt.strftime(pattern).astype("object").where(col.notna(), "")
        elif pd.api.types.is_bool_dtype(col):  # a yes/no item left blank (not checked): 예 / 아니오 / blank, never True
            out[name] = col.astype("object").map(_flag_text)
        elif pd.api.types.is_numeric_dtype(col):
            out[name] = col.astype("object").map(lambda v, n=name: _number_text(v, n))
        else:
            out[name] = col.astype("object").where(col.notna(), "")
    return out


def _flag_text(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    return t("values.flag.yes") if value else t("values.flag.no")


def _number_text(value: Any, name: str) -> str:
    if value is None or pd.isna(value):
        return ""
    if name in SHARE_COLUMNS:
        return f"{value * 100:.1f}%"
    if name in ID_LIKE or float(value).is_integer():
        return f"{value:.0f}" if name in ID_LIKE else f"{value:,.0f}"
    return f"{value:,.2f}"


def header(name: str) -> str:
    """A column's header in the current language: a KPI's own column (the explorer's checklist states) by its title,
    data-named columns (survey questions) as they are."""
    key = f"columns.{name}"
    if key in labels():
        return t(key)
    from ui import data  # the registry, read once per process (ui.data does not import this module)

    kpi = next((k for k in data.registry() if k.id == name), None)
    return pick(kpi.title_ko, kpi.title_en) if kpi else name


def column_config(frame: pd.DataFrame) -> dict[str, Any]:
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
            # 16 days, not 16.00; a mean keeps its two decimals
            whole = bool((col.dropna() % 1 == 0).all())
            config[name] = st.column_config.NumberColumn(label, format="localized" if whole else "%.2f")
        elif pd.api.types.is_integer_dtype(col):
            config[name] = st.column_config.NumberColumn(label, format="localized")
        else:
            config[name] = st.column_config.TextColumn(label)
    return config


def show(frame: pd.DataFrame, *, key: str | None = None, height: int | Literal["auto", "stretch", "content"] = "auto", empty_key: str = "table.empty") -> None:
    """Draw a frame with its formats (or a plain note when it has no rows).

    Its toolbar offers no CSV download or copy (`client.disableDataExport` in .streamlit/config.toml): rows
    leave the app only through the explorer's export, which checks the role, neutralises formulas and audits.
    """
    if frame.empty:
        st.caption(t(empty_key))
        return
    shown = for_display(frame)
    st.dataframe(shown, column_config=column_config(shown), hide_index=True, key=key, height=height)
