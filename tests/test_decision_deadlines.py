"""How fast a suggestion is decided and a remedy's staff training held: the deadline measure on another date than a
case's completion (`done`), judged the same on the scorecard, the rows behind it and the explorer."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from metrics.kpi.measures.base import Period
from metrics.kpi.measures.explore import timeliness
from metrics.kpi.registry import RegistryError, load_registry, registry_from_text
from metrics.kpi.scorecard import compute_from_frames
from metrics.store.frames import frames_from_dict

TODAY = date(2025, 12, 1)
REGISTRY = load_registry()


def _suggestions() -> pd.DataFrame:
    # 30 calendar days from receipt (the last day moved off a weekend or holiday):
    #   s1 Mon 3 Mar -> Wed 2 Apr, 30 days: met      s2 Mon 3 Mar -> Thu 3 Apr, 31 days: late
    #   s3 10 Nov, under review on 1 Dec (due 10 Dec): pending    s4 1 Sep, under review (due 1 Oct): overdue
    #   s5 Fri 1 Aug -> Mon 1 Sep, 31 days, but the 30th day is Sunday 31 Aug: due Monday, met
    return pd.DataFrame({
        "ref": ["s1", "s2", "s3", "s4", "s5"], "via": ["web", "phone", "web", "visit", "letter"],
        "received": pd.to_datetime(["2025-03-03", "2025-03-03", "2025-11-10", "2025-09-01", "2025-08-01"]),
        "decision": ["adopted", "rejected", "pending", "pending", "partly"],
        "decided_on": pd.to_datetime(["2025-04-02", "2025-04-03", None, None, "2025-09-01"]),
        "reflected": pd.Series([True, False, None, None, True], dtype="boolean"),
        "year": 2025,
    })


def test_a_suggestion_is_decided_in_time_within_30_calendar_days_of_receipt():
    kpi = REGISTRY.get("cs.suggestions_decided_30d")
    frames = frames_from_dict(2025, {"suggestions": _suggestions()})
    result = next(r for r in compute_from_frames(frames, 2025, TODAY, REGISTRY) if r.id == kpi.id)
    assert (result.numerator, result.denominator, result.pending) == (2, 4, 1)  # s1, s5 of s1, s2, s4, s5
    assert result.value == 0.5 and result.status == "not_met"  # own target 90 %
    rows = kpi.spec.rows(_suggestions(), kpi.params, Period(2025, TODAY), {}, kpi.target).set_index("ref")
    assert rows["state"].to_dict() == {"s1": "met", "s2": "missed", "s3": "pending", "s4": "missed", "s5": "met"}
    assert rows.loc["s4", "reason"] == "overdue" and rows.loc["s2", "days_over"] == 1
    assert "completed" not in rows.columns  # judged on decided_on, shown once under its own name


def test_the_explorer_shows_a_suggestions_timeliness_as_the_kpi_judges_it():
    kpis = [k for k in REGISTRY if k.source == "suggestions" and k.measure == "deadline_share"]
    shown = timeliness(_suggestions(), kpis, TODAY).set_index("ref")
    assert shown["timeliness"].to_dict() == {"s1": "on_time", "s2": "late", "s3": "pending", "s4": "late",
                                             "s5": "on_time"}


def test_a_remedy_needs_the_staff_training_within_30_days():
    remedies = pd.DataFrame({
        "ref": ["r1", "r2", "r3"], "received": pd.to_datetime(["2025-03-04", "2025-03-04", "2025-11-20"]),
        # r1: Tue 4 Mar -> Thu 3 Apr, 30 days: met; r2: no training by Thu 3 Apr: overdue; r3: due 20 Dec: pending
        "training_on": pd.to_datetime(["2025-04-03", None, None]),
        "apology": pd.Series([True, True, True], dtype="boolean"),
        "cause_found": pd.Series([True, True, True], dtype="boolean"),
        "action_taken": pd.Series([True, True, False], dtype="boolean"),
    })
    frames = frames_from_dict(2025, {"remedies": remedies})
    result = next(r for r in compute_from_frames(frames, 2025, TODAY, REGISTRY) if r.id == "cs.remedy_training")
    assert (result.numerator, result.denominator, result.pending, result.status) == (1, 2, 1, "not_met")


def _kpi(source: str, done: str) -> str:
    return f"""
[areas]
cs = {{ ko = "고객 응대", en = "Customer service" }}

[[kpi]]
id = "cs.x"
area = "고객 응대"
area_id = "cs"
title_ko = "x"
title_en = "x"
clause = "III.3.a"
source = "{source}"
measure = "deadline_share"
done = "{done}"
days = 30
day_mode = "calendar"
target = {{ comparator = ">=", value = 0.9 }}
"""


def test_a_kpi_naming_a_date_its_kind_does_not_have_is_refused_with_the_dates_it_has():
    assert registry_from_text(_kpi("suggestions", "decided_on")).get("cs.x").params["done"] == "decided_on"
    with pytest.raises(RegistryError) as info:
        registry_from_text(_kpi("suggestions", "summary"))
    assert "[cs.x] 'done'" in str(info.value) and "received, decided_on" in str(info.value)
    with pytest.raises(RegistryError):
        registry_from_text(_kpi("cases", "decided_on"))  # a case has no decision date
