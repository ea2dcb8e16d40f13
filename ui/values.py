"""Coded cell values (case types, states, kinds) shown as words in the current language."""

from __future__ import annotations

from typing import overload

import pandas as pd

from metrics.contract import Contract, load_contract
from ui.i18n import labels, t

# Columns whose cells are codes the core computes, and the label section that names them. The coded columns of
# the uploads (case_type, via ...) are the contract's roles of an enum type: coded_columns() adds them.
CODED_COLUMNS = {
    "state": "values.state",
    "timeliness": "values.timeliness",
    "kind": "values.kind",
    "side": "values.side",
}


def coded_columns() -> dict[str, str]:
    """Every coded column and its label section: each enum-typed role of the contract (values.<enum>), then
    the core's own CODED_COLUMNS."""
    contract = load_contract()
    enums = {c.role: f"values.{c.enum}" for kind in contract.kinds.values() for c in kind.columns if c.enum}
    return {**enums, **CODED_COLUMNS}


@overload
def word(section: str, code: str) -> str: ...
@overload
def word(section: str, code: object) -> object: ...
def word(section: str, code: object) -> object:
    """The word for one code (codes joined by ", " translated one by one); unknown codes as they are."""
    if not isinstance(code, str):
        return code
    parts = [t(f"{section}.{c}") if f"{section}.{c}" in labels() else c for c in code.split(", ")]
    return ", ".join(parts)


def translated(frame: pd.DataFrame, sections: dict[str, str] | None = None) -> pd.DataFrame:
    """`frame` with its coded columns as words (a copy); `sections` overrides where a column's codes are named."""
    out = frame.copy()
    for name, section in {**coded_columns(), **(sections or {})}.items():
        if name in out.columns:
            out[name] = out[name].astype("object").map(lambda c, s=section: word(s, c))
    return out


def words_needed(contract: Contract) -> list[str]:
    """The label keys the declared upload kinds need: each kind's name, and for a kind with a type column its
    values' words, the explorer's filter on it and, when the upload may fix it, that choice."""
    keys = []
    for kind in contract.kinds.values():
        keys.append(f"values.kind.{kind.name}")
        if kind.type_column:
            values = contract.enums.get(kind.type_enum or "", {})
            keys += [f"values.{kind.type_enum}.{v}" for v in values] + [f"values.{kind.type_column}.{v}" for v in values]
            keys.append(f"explore.{kind.type_column}")
            if kind.type_column in kind.options:
                keys.append(f"upload.fixed_{kind.type_column}")
    return list(dict.fromkeys(keys))


def missing_words(contract: Contract, known: dict[str, dict[str, str]] | None = None) -> list[str]:
    """The keys of words_needed that the labels (`known`, default ui/labels.toml) lack."""
    known = labels() if known is None else known
    return [k for k in words_needed(contract) if k not in known]
