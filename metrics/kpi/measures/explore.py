"""A kind's rows judged as a measure's KPIs judge them, for the explorer: registered with the measure
(metrics.kpi.measures, `explore=`), so the explorer asks the measures that read a dataset's kind.

Each function takes the dataset's rows, the registry's KPIs of its measure on that kind and today, and
returns the rows with the judged columns added, through the measure's own rule (judge_cases,
judge_postings, judge_checklist), so a row has the same state here as on the scorecard. `state_of` reads a
KPI's state of each row back from the column shown, for the filter on it (metrics.explore.kpi_states).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import numpy as np
import pandas as pd

from metrics.kpi.measures.base import Period, filter_rows
from metrics.kpi.measures.cases import judge_cases
from metrics.kpi.measures.checklists import judge_checklist
from metrics.kpi.measures.counts import judge_postings

if TYPE_CHECKING:
    from metrics.kpi.registry import Kpi

# (rows, the measure's KPIs on the kind, today) -> the rows with the judged columns
AddJudged: TypeAlias = Callable[[pd.DataFrame, "Sequence[Kpi]", date], pd.DataFrame]

TIMELINESS = ("on_time", "late", "pending", "no_deadline")
# The deadline KPI's five states folded into what an analyst filters on; invalid rows are never stored
# (validation holds them back), so they read as pending rather than vanish.
_STATE_TO_TIMELINESS = {"met": "on_time", "late": "late", "overdue": "late", "pending": "pending", "invalid": "pending"}


@dataclass(frozen=True)
class RowJudge:
    """How the explorer shows a kind's rows judged by a measure: the columns added, and what may be filtered."""

    add: AddJudged
    filter: str | None = None  # a judged column analysts filter on (explore.Filters has a field of that name)
    values: tuple[str, ...] = ()  # the values of that column, in the order offered
    words: dict[str, str] = field(default_factory=dict)  # judged column -> the label section naming its codes
    per_kpi: str | None = None  # one judged column per KPI, named by its id; the label section naming its codes
    column: str | None = None  # else the one column holding every KPI's state of its rows
    states: tuple[str, ...] = ()  # the states a KPI gives its own rows there, in the order offered
    states_words: str = ""  # the label section naming those states
    first_kpi_only: bool = False  # only the kind's first KPI of the measure judges the rows (postings)

    def judging(self, kpis: Sequence[Kpi]) -> list[Kpi]:
        """Of the measure's KPIs on the kind, those whose states the judged columns show."""
        return list(kpis[:1]) if self.first_kpi_only else list(kpis)

    def state_of(self, rows: pd.DataFrame, kpi: Kpi) -> pd.Series:
        """Each row's state as `kpi` judged it, read from the column the explorer shows (never judged again);
        blank for the rows the KPI does not judge (another case type, a visit for a phone KPI)."""
        shown = rows[kpi.id if self.per_kpi else str(self.column)]
        return shown.where(rows.index.isin(filter_rows(rows, kpi.filter).index))


def timeliness(cases: pd.DataFrame, kpis: Sequence[Kpi], today: date) -> pd.DataFrame:
    """Cases with deadline, days_taken, days_over and timeliness (on_time/late/pending/no_deadline).

    Each case is judged by judge_cases with the settings of the KPI of its type, as the scorecard judges it
    (an open case on today, whatever its year); a type no KPI judges (technical support) has no deadline.
    """
    out = cases.copy()
    out["deadline"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[us]")
    out["days_taken"] = np.nan
    out["days_over"] = np.nan
    out["timeliness"] = pd.Series("no_deadline", index=out.index, dtype="str")
    for kpi in kpis:  # each KPI's own rows (its case type; every suggestion), the last KPI of a type winning
        year: Any  # a group's key: the stored year
        for year, part in filter_rows(out, kpi.filter).groupby("year"):
            cls = judge_cases(part, kpi.params, Period(int(year), today))
            out.loc[part.index, "deadline"] = pd.to_datetime(cls["deadline"]).astype("datetime64[us]")
            out.loc[part.index, "days_taken"] = cls["days_taken"].to_numpy()
            out.loc[part.index, "days_over"] = cls["days_over"].to_numpy()
            out.loc[part.index, "timeliness"] = cls["state"].map(_STATE_TO_TIMELINESS).to_numpy()
    return out


def posting_state(postings: pd.DataFrame, kpis: Sequence[Kpi], today: date) -> pd.DataFrame:
    """Postings with online_until, reached_on, online_days and state (met/missed/pending) as the first posting KPI
    judges them; unchanged without one."""
    kpi = next(iter(kpis), None)
    if kpi is None or postings.empty:
        return postings
    by_year = cast("Iterable[tuple[int, pd.DataFrame]]", postings.groupby("year"))  # (stored year, its postings)
    parts = [judge_postings(part, kpi.params, Period(int(year), today)) for year, part in by_year]
    return pd.concat(parts).loc[postings.index]


CHECK_STATES = ("met", "missed", "not_checked")


def checklist_states(rows: pd.DataFrame, kpis: Sequence[Kpi], today: date) -> pd.DataFrame:
    """Rows with one column per checklist KPI of the kind, named by its id: met, missed or not_checked as the KPI
    counts the row (judge_checklist); blank where the KPI's filter leaves the row out (a visit, for a phone KPI)."""
    out = rows.copy()
    for kpi in kpis:
        column = pd.Series(None, index=out.index, dtype="object")
        mine = filter_rows(out, kpi.filter)
        if not mine.empty:
            judged = judge_checklist(mine, kpi.params, Period(today.year, today))  # a row's items, not its year
            column.loc[mine.index] = judged["state"].replace({"excluded": "not_checked"}).to_numpy(dtype=object)
        out[kpi.id] = column
    return out


DEADLINES = RowJudge(timeliness, filter="timeliness", values=TIMELINESS, column="timeliness",
                     states=("on_time", "late", "pending"), states_words="values.timeliness")  # a KPI's rows have a deadline
POSTINGS = RowJudge(posting_state, words={"state": "values.posting_state"}, column="state", states=("met", "missed", "pending"),
                    states_words="values.posting_state", first_kpi_only=True)
CHECKLISTS = RowJudge(checklist_states, per_kpi="values.check_state", states=CHECK_STATES, states_words="values.check_state")
