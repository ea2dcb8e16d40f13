"""The explorer's filter on the states KPIs give a dataset's rows: "cs.monitor_phone_greeting:missed" keeps the
rows that KPI judged missed.

The state is read from the very column the explorer shows for that KPI (a measure's RowJudge: a checklist KPI's
own column, the cases' timeliness, the postings' state), so the filter and the column never disagree and
nothing is judged twice. Two states of one KPI keep either; states of two KPIs must both hold, as
`export --where` reads conditions on two columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from metrics.kpi.measures import MeasureSpec
from metrics.kpi.measures.explore import RowJudge
from metrics.kpi.registry import Kpi, Registry, load_registry

SEP = ":"  # between the KPI's id and the state in a code (KPI ids hold dots, never colons)


@dataclass(frozen=True)
class KpiState:
    """One choice of the filter: a KPI and one state it gives rows, with the label section naming the state."""

    kpi_id: str
    state: str
    words: str

    @property
    def code(self) -> str:
        """The choice as the URL, a saved view and the audit log hold it: cs.monitor_phone_greeting:missed."""
        return f"{self.kpi_id}{SEP}{self.state}"


def judging(judges: Sequence[MeasureSpec], source: str, registry: Registry | None = None) -> list[tuple[RowJudge, Kpi]]:
    """The KPIs whose state of a row the explorer shows for the dataset `source`, each with its measure's judge,
    in the registry's order."""
    kpis = list(registry or load_registry())
    found: list[tuple[RowJudge, Kpi]] = []
    for measure in judges:
        judge = measure.explore
        if judge is not None and judge.states:
            found += [(judge, k) for k in judge.judging([k for k in kpis if k.spec is measure and k.source == source])]
    return sorted(found, key=lambda pair: kpis.index(pair[1]))


def choices(judges: Sequence[MeasureSpec], source: str) -> tuple[KpiState, ...]:
    """Every state of every KPI judging the dataset, in the registry's order and each judge's order of states."""
    return tuple(KpiState(k.id, s, j.states_words) for j, k in judging(judges, source) for s in j.states)


def parse(code: str, registry: Registry | None = None) -> KpiState | None:
    """The choice a code names, whichever dataset (None when no KPI gives rows that state: a stale link)."""
    kpi_id, _, state = code.rpartition(SEP)
    kpi = next((k for k in registry or load_registry() if k.id == kpi_id), None)
    judge = kpi.spec.explore if kpi else None
    if judge is None or state not in judge.states:
        return None
    return KpiState(kpi_id, state, judge.states_words)


def keep(frame: pd.DataFrame, judges: Sequence[MeasureSpec], source: str, chosen: Sequence[str]) -> pd.DataFrame:
    """The rows of `frame` (judged columns added) in a chosen state of every KPI chosen; ValueError for a code
    that names no state of a KPI judging the dataset."""
    by_kpi = {k.id: (j, k) for j, k in judging(judges, source)}
    wanted: dict[str, set[str]] = {}
    for code in chosen:
        kpi_id, _, state = code.rpartition(SEP)
        if kpi_id not in by_kpi or state not in by_kpi[kpi_id][0].states:
            known = ", ".join(s.code for s in choices(judges, source)) or "-"
            raise ValueError(f"이 자료의 지표 판정이 아닙니다: {code} (있는 것: {known}) / "
                             f"not a state a KPI gives these rows: {code} (known: {known})")
        wanted.setdefault(kpi_id, set()).add(state)
    if frame.empty or not wanted:
        return frame
    kept = pd.Series(True, index=frame.index)
    for kpi_id, states in wanted.items():
        judge, kpi = by_kpi[kpi_id]
        kept &= judge.state_of(frame, kpi).isin(states)
    return frame[kept]
