"""A checklist KPI (share_true) shows what lies behind its share: the rows by the kind's own grouping, each item's
share and the rows that missed; the explorer shows each row's state as each KPI counts it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from metrics.kpi.measures.explore import checklist_states
from metrics.kpi.registry import load_registry
from metrics.kpi.stories import story_from_frames
from metrics.store.frames import frames_from_dict

TODAY = date(2026, 3, 20)
REGISTRY = load_registry()


def _flags(*values: bool | None) -> pd.Series:
    return pd.Series(values, dtype="boolean")


def _monitoring() -> pd.DataFrame:
    # Five monitored calls and one visit. On the greeting KPI (greeting and name_given, phone only):
    #   a 인증팀 5 Jan: both yes -> met        b 인증팀 20 Jan: greeting no -> missed
    #   c 교육팀 3 Feb: greeting yes, name blank -> met on the item checked
    #   d 교육팀 10 Feb: both blank -> not checked    e no department 1 Mar: name no -> missed
    #   f a visit (another KPI's row)
    return pd.DataFrame({
        "monitored": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-03", "2026-02-10", "2026-03-01", "2026-03-02"]),
        "channel": ["phone", "phone", "phone", "phone", "phone", "visit"],
        "department": ["인증팀", "인증팀", "교육팀", "교육팀", None, "교육팀"],
        "ref": ["a", "b", "c", "d", "e", "f"],
        "greeting": _flags(True, False, True, None, True, None),
        "name_given": _flags(True, True, None, None, False, True),
        "listening": _flags(None, None, None, None, None, None),
        "transfer_details": _flags(None, None, None, None, None, None),
        "callback": _flags(None, None, None, None, None, None),
        "signage": _flags(None, None, None, None, None, True),
        "office_used": _flags(None, None, None, None, None, None),
        "wait_minutes": [None, None, None, None, None, 25.0],
    })


def _story(kpi_id: str, kind: str, rows: pd.DataFrame):
    return story_from_frames(REGISTRY.get(kpi_id), frames_from_dict(2026, {kind: rows}), TODAY, registry=REGISTRY)


def test_a_checklist_kpi_is_broken_down_by_department_weakest_first():
    story = _story("cs.monitor_phone_greeting", "monitoring", _monitoring())
    assert (story.result.numerator, story.result.denominator) == (2, 4)  # a, c of a, b, c, e; d not checked
    by = story.breakdown.set_index("department")
    # The KPI is on phone calls only, so the channel is no grouping: the department is.
    assert list(story.breakdown.columns) == ["department", "checks", "passed", "failed", "unchecked", "share"]
    assert by.loc["인증팀", ["checks", "passed", "failed", "unchecked"]].tolist() == [2, 1, 1, 0]
    assert by.loc["교육팀", ["checks", "passed", "failed", "unchecked"]].tolist() == [1, 1, 0, 1]  # c met, d not checked
    assert by.loc["—", ["checks", "passed", "failed"]].tolist() == [1, 0, 1]  # e, no department written
    assert list(story.breakdown["department"]) == ["—", "인증팀", "교육팀"]  # 0 %, 50 %, 100 %
    assert by["passed"].sum() == story.result.numerator and by["checks"].sum() == story.result.denominator


def test_the_items_share_and_the_rows_that_missed_say_which_item_failed():
    story = _story("cs.monitor_phone_greeting", "monitoring", _monitoring())
    items = story.distribution.set_index("item")
    assert items.loc["greeting", ["checks", "passed", "failed"]].tolist() == [4, 3, 1]  # a, b, c, e checked; b no
    assert items.loc["name_given", ["checks", "passed", "failed"]].tolist() == [3, 2, 1]  # a, b, e checked; e no
    assert items.loc["greeting", "share"] == 0.75 and items["limit"].isna().all()
    assert story.cases[["ref", "failed_items"]].values.tolist() == [["b", "greeting"], ["e", "name_given"]]


def test_a_number_item_is_shown_with_its_limit_and_a_row_can_miss_two_items():
    kpi = REGISTRY.get("cs.monitor_visit_reception")  # name_given and at most 10 minutes' wait
    visits = pd.DataFrame({
        "monitored": pd.to_datetime(["2026-01-07", "2026-01-08", "2026-02-09"]), "channel": ["visit"] * 3,
        "department": ["인증팀", "인증팀", "교육팀"], "ref": ["v1", "v2", "v3"],
        "name_given": _flags(True, False, True), "wait_minutes": [5.0, 30.0, 10.0],
    })
    story = story_from_frames(kpi, frames_from_dict(2026, {"monitoring": visits}), TODAY, registry=REGISTRY)
    items = story.distribution.set_index("item")
    assert items.loc["wait_minutes", ["limit", "checks", "passed"]].tolist() == [10.0, 3, 2]  # 10 minutes is met
    assert story.cases[["ref", "failed_items"]].values.tolist() == [["v2", "name_given, wait_minutes"]]


def test_a_kpi_whose_filter_fixes_the_grouping_is_broken_down_by_month():
    suggestions = pd.DataFrame({
        "received": pd.to_datetime(["2026-01-10", "2026-01-20", "2026-02-05", "2026-02-06"]),
        "via": ["course_survey"] * 3 + ["web"], "decision": ["adopted", "rejected", "pending", "adopted"],
        "decided_on": pd.to_datetime(["2026-01-30", "2026-02-01", None, "2026-02-10"]),
        "reflected": _flags(True, False, None, True),
    })
    story = _story("ft.suggestions_reflected", "suggestions", suggestions)  # via = course_survey only
    assert story.breakdown[["month", "checks", "passed", "unchecked"]].values.tolist() == [[1, 2, 1, 0], [2, 0, 0, 1]]
    every = _story("cs.suggestions_reflected", "suggestions", suggestions)  # every channel: by channel
    assert every.breakdown.set_index("via")["checks"].to_dict() == {"course_survey": 2, "web": 1}


def test_the_explorer_shows_each_row_as_each_checklist_kpi_counts_it():
    kpis = [k for k in REGISTRY if k.source == "monitoring" and k.measure == "share_true"]
    shown = checklist_states(_monitoring(), kpis, TODAY).set_index("ref")
    assert shown["cs.monitor_phone_greeting"].fillna("").tolist() == ["met", "missed", "met", "not_checked", "missed", ""]
    assert shown.loc["f", "cs.monitor_visit_signage"] == "met"
    assert shown.loc["f", "cs.monitor_visit_reception"] == "missed"  # waited 25 minutes
    assert shown.loc["f", "cs.monitor_visit_office"] == "not_checked"
    assert pd.isna(shown.loc["a", "cs.monitor_visit_signage"])  # a call is no visit: not a row of that KPI


def test_a_kpi_without_rows_shows_empty_parts():
    story = _story("cs.monitor_phone_greeting", "monitoring", _monitoring().iloc[:0])
    assert story.breakdown.empty and story.cases.empty and story.distribution["checks"].tolist() == [0, 0]


def test_a_breakdown_column_the_rows_lack_falls_back_to_the_month():
    # The scorecard's frames hold no department (a story column): the breakdown is by month then, never an error.
    rows = _monitoring().drop(columns=["department", "ref"])
    kpi = REGISTRY.get("cs.monitor_phone_greeting")
    story = story_from_frames(replace(kpi), frames_from_dict(2026, {"monitoring": rows}), TODAY, registry=REGISTRY)
    assert story.breakdown[["month", "checks", "passed"]].values.tolist() == [[1, 2, 1], [2, 1, 1], [3, 1, 0]]
