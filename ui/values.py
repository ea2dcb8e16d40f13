"""Coded cell values (case types, states, kinds) shown as words in the current language."""

from __future__ import annotations

import pandas as pd

from ui.i18n import labels, t

# Columns whose cells are codes, and the label section that names them.
CODED_COLUMNS = {
    "state": "values.state",
    "timeliness": "values.timeliness",
    "case_type": "values.case_type",
    "event_type": "values.event_type",
    "kind": "values.kind",
    "side": "values.side",
}


def word(section: str, code: object) -> object:
    """The word for one code (codes joined by ", " translated one by one); unknown codes as they are."""
    if not isinstance(code, str):
        return code
    parts = [t(f"{section}.{c}") if f"{section}.{c}" in labels() else c for c in code.split(", ")]
    return ", ".join(parts)


def translated(frame: pd.DataFrame, sections: dict[str, str] | None = None) -> pd.DataFrame:
    """`frame` with its coded columns as words (a copy); `sections` overrides where a column's codes are named."""
    out = frame.copy()
    for name, section in {**CODED_COLUMNS, **(sections or {})}.items():
        if name in out.columns:
            out[name] = out[name].astype("object").map(lambda c, s=section: word(s, c))
    return out
