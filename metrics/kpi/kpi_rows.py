"""The rows behind one number: every row a KPI looked at for a year, as the scorecard judged it.

`kpi_rows` reads the year's rows as the scorecard reads them (active rows of the year, the KPI's
filter), measures the KPI on them and lists them through the measure's own rows function
(measures_rows), with `state` (met, missed, pending, excluded), `reason`, and for surveys the
`score` the KPI used and each answer under its question. Where each row came from stays beside it
(upload_id, excel_row), so an auditor can find it in the file that was uploaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine

from metrics import clock, explore
from metrics.contract import load_contract
from metrics.kpi import course_aliases
from metrics.kpi.measures.base import Period, filter_rows
from metrics.kpi.measures.rows import ROW_STATES
from metrics.kpi.registry import Kpi, Registry, load_registry
from metrics.kpi.scorecard import KpiResult, evaluate_kpi
from metrics.kpi.targets import registry_for_year
from metrics.store import read_active
from metrics.store.frames import (
    YearFrames,
    default_year,
    history_rows,
    kinds_share_table,
    load_history,
    load_year_frames,
    prepare,
)

TRACE_COLUMNS = ("upload_id", "excel_row")
# Bookkeeping of the store and matching keys: never shown.
HIDDEN = ("id", "nk", "row_hash", "active", "kind", "course_key", "items_json", "key")


@dataclass(frozen=True)
class KpiRows:
    """A KPI's scorecard line for a year and the rows behind it."""

    kpi: Kpi
    result: KpiResult
    rows: pd.DataFrame

    def counts(self) -> dict[str, int]:
        """How many rows are in each state."""
        found = self.rows["state"].value_counts() if "state" in self.rows.columns else pd.Series(dtype="int64")
        return {state: int(found.get(state, 0)) for state in ROW_STATES}


def kpi_rows(
    engine: Engine, kpi_id: str, year: int | None = None, *, today: date | None = None, registry: Registry | None = None
) -> KpiRows:
    """The KPI's line on the scorecard of `year` (default: the scorecard's year) and every row behind it."""
    registry = registry or load_registry()
    today = today or clock.today()
    year = year or default_year(engine, today)
    kpi = registry_for_year(engine, year, registry).get(kpi_id)  # the target in force that year
    frames = _frames(engine, kpi, year, today)
    period = Period(year, today)
    result = evaluate_kpi(kpi, frames, period)
    rows = rows_from_frames(kpi, frames, period, result)
    if kpi.spec.sample and not rows.empty:
        rows = explore.with_questions(engine, rows)
    return KpiRows(kpi, result, _tidy(rows, kpi))


def rows_from_frames(
    kpi: Kpi, frames: YearFrames, period: Period, result: KpiResult | None = None
) -> pd.DataFrame:
    """Every row the KPI looked at in `frames`, with state and reason (none when an upload it needs is missing)."""
    result = result or evaluate_kpi(kpi, frames, period)
    if result.extra.get("missing_kinds"):
        return pd.DataFrame({"state": pd.Series(dtype="str"), "reason": pd.Series(dtype="str")})
    rows = filter_rows(frames.frame(kpi.source), kpi.filter)
    rows_behind = kpi.spec.rows
    assert rows_behind is not None  # every measure in MEASURES lists its rows
    return rows_behind(rows, kpi.params, period, frames.data, kpi.target)


def _frames(engine: Engine, kpi: Kpi, year: int, today: date) -> YearFrames:
    """The year's frames as the scorecard reads them, the KPI's own kind with its story and trace columns."""
    others = [k for k in kpi.kinds_needed() if k != kpi.source]
    base = load_year_frames(engine, year, others, today=today)
    spec = load_contract().kind(kpi.source)
    wanted = list(dict.fromkeys((*spec.reads, *spec.story, "id", *TRACE_COLUMNS)))
    where = "year = :y"
    params: dict[str, str | int] = {"y": year}
    if kinds_share_table(spec):
        where, params = where + " AND kind = :k", {**params, "k": kpi.source}
    own = read_active(engine, spec.table, where, params, ", ".join(wanted))
    own = prepare(own, kpi.source, categorical=True)
    if spec.is_survey:  # as metrics.store.frames loads survey rows for the KPIs
        own = course_aliases.apply_aliases(own, course_aliases.load(engine))
    history = dict(base.history)
    if year == today.year and kpi.source in history_rows():
        history[kpi.source] = load_history(engine, kpi.source, year)
    return YearFrames(year, {**base.data, kpi.source: own}, history)


def _tidy(rows: pd.DataFrame, kpi: Kpi) -> pd.DataFrame:
    """State, reason and score first, the row's own columns next, where it came from last; oldest first per state."""
    out = rows.copy()
    for name in out.columns:
        if isinstance(out[name].dtype, pd.CategoricalDtype):
            out[name] = out[name].astype("object").astype("str")
    order = load_contract().kind(kpi.source).period  # as the explorer orders the kind's rows
    rank = out["state"].map({s: i for i, s in enumerate(ROW_STATES)}) if "state" in out.columns else None
    # Rows of other things than the kind's (the coverage KPI's courses) have neither column and keep their order.
    keys = [c for c in (order, "id") if c in out.columns]
    if rank is not None:
        out = out.assign(_rank=rank).sort_values(["_rank", *keys], kind="stable", na_position="last")
        out = out.drop(columns="_rank")
    first = [c for c in ("state", "reason", "score") if c in out.columns]
    last = [c for c in TRACE_COLUMNS if c in out.columns]
    middle = [c for c in out.columns if c not in first and c not in last and c not in HIDDEN]
    return out[first + middle + last].reset_index(drop=True)
