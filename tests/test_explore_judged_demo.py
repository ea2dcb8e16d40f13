"""On the demo, the explorer shows every row of a judged kind in the state the KPI behind the scorecard gives it:
a checklist KPI's own column (met, missed, not checked), a deadline KPI's timeliness."""

from __future__ import annotations

from metrics import clock, explore
from metrics.kpi.kpi_rows import kpi_rows
from metrics.kpi.measures.base import filter_rows
from metrics.kpi.measures.explore import CHECKLISTS, DEADLINES
from metrics.kpi.registry import load_registry
from metrics.store import get_engine

# The explorer's words for a state -> the state of the row behind the KPI's number.
AS_ROW_STATE = {"met": "met", "missed": "missed", "not_checked": "excluded",
                "on_time": "met", "late": "missed", "pending": "pending"}


def test_on_the_demo_the_explorer_judges_every_row_as_the_kpi_counts_it(demo_database_url):
    engine, today = get_engine(demo_database_url), clock.today()  # the demo was generated for today
    judged = [k for k in load_registry() if k.spec.explore in (CHECKLISTS, DEADLINES)]
    assert {k.source for k in judged} >= {"monitoring", "suggestions", "remedies", "website_review", "customer_visits"}
    for year in (today.year - 1, today.year):
        tables = {name: explore.load(engine, name, explore.Filters(years=(year,)), today=today)
                  for name in {k.source for k in judged}}
        for kpi in judged:
            shown = filter_rows(tables[kpi.source], kpi.filter)
            column = kpi.id if kpi.spec.explore is CHECKLISTS else "timeliness"
            period = explore.dataset(kpi.source).date_column
            in_explorer = sorted(zip(shown[period].astype(str), shown[column].map(AS_ROW_STATE), strict=True))
            behind = kpi_rows(engine, kpi.id, year, today=today).rows
            assert in_explorer == sorted(zip(behind[period].astype(str), behind["state"], strict=True)), (year, kpi.id)
