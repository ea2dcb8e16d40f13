"""KPI targets changed by admins: the history keeps who/when/old/new/why, a past year keeps its own target."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from metrics.access import audit
from metrics.kpi import targets
from metrics.kpi.registry import Target, registry_from_text
from metrics.kpi.scorecard import compute_from_frames
from metrics.kpi.targets import TargetError
from metrics.store.frames import frames_from_dict

REGISTRY = registry_from_text("""
[areas]
cs = { ko = "고객 응대", en = "Customer service" }

[[kpi]]
id = "cs.visit_3d"
area = "고객 응대"
area_id = "cs"
title_ko = "방문 민원 3일 이내 처리"
title_en = "Visit complaints within 3 days"
clause = "II.1.a"
source = "cases"
filter = { case_type = "service_complaint" }
measure = "deadline_share"
days = 3
day_mode = "business"
target = { comparator = ">=", value = 0.9 }
""")
DEFAULT = Target(">=", 0.9, "share")
NOON = datetime(2025, 6, 2, 12, 0)


def _change(
    engine, value, effective_from, reason="예산 조정 / budget review", comparator=">=", now=NOON, actor="kim"
):
    return targets.change_target(
        engine,
        "cs.visit_3d",
        comparator,
        value,
        reason=reason,
        actor=actor,
        effective_from=effective_from,
        now=now,
        registry=REGISTRY,
    )


def _in_force(engine, year):
    return targets.targets_in_force(engine, year, REGISTRY)["cs.visit_3d"]


def test_a_change_keeps_who_when_old_new_comparator_and_reason(engine):
    _change(engine, 0.8, date(2025, 1, 1), reason="인력 감축 / fewer staff")
    _change(engine, 0.85, date(2025, 7, 1), comparator=">", now=datetime(2025, 6, 3, 8, 30), actor="lee")
    history = targets.history(engine)
    newest = history.iloc[0].to_dict()
    assert {
        k: newest[k]
        for k in ("kpi_id", "comparator", "value", "old_comparator", "old_value", "changed_by", "reason")
    } == {
        "kpi_id": "cs.visit_3d",
        "comparator": ">",
        "value": 0.85,
        "old_comparator": ">=",
        "old_value": 0.8,
        "changed_by": "lee",
        "reason": "예산 조정 / budget review",
    }
    assert pd.Timestamp(newest["changed_at"]) == pd.Timestamp(2025, 6, 3, 8, 30)
    assert history.iloc[1]["old_value"] == 0.9  # the first change replaced the registry's default
    assert history.iloc[1]["reason"] == "인력 감축 / fewer staff"


def test_a_change_is_also_in_the_audit_log(engine):
    _change(engine, 0.8, date(2025, 1, 1))
    frame = audit.read(engine)
    assert frame["action"].tolist() == ["target_change"]
    assert audit.details(frame) == [
        {
            "kpi_id": "cs.visit_3d",
            "comparator": ">=",
            "value": 0.8,
            "unit": "share",
            "old_comparator": ">=",
            "old_value": 0.9,
            "effective_from": "2025-01-01",
            "reason": "예산 조정 / budget review",
        }
    ]


def test_a_past_year_uses_the_target_in_force_then(engine):
    _change(engine, 0.8, date(2024, 3, 1))
    _change(engine, 0.95, date(2025, 1, 1))
    assert _in_force(engine, 2023) == DEFAULT  # before any change: the registry's
    assert _in_force(engine, 2024) == Target(">=", 0.8, "share")
    assert _in_force(engine, 2025) == Target(">=", 0.95, "share")
    assert _in_force(engine, 2026) == Target(">=", 0.95, "share")


def test_within_one_year_the_latest_effective_change_wins_whatever_order_they_were_made(engine):
    _change(engine, 0.7, date(2024, 9, 1), now=datetime(2024, 1, 5))
    _change(engine, 0.6, date(2024, 3, 1), now=datetime(2024, 2, 5))  # made later, effective earlier
    assert _in_force(engine, 2024) == Target(">=", 0.7, "share")


def test_a_change_effective_next_year_leaves_this_year_alone(engine):
    _change(engine, 0.5, date(2026, 1, 1))
    assert _in_force(engine, 2025) == DEFAULT
    assert _in_force(engine, 2026) == Target(">=", 0.5, "share")


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reason_is_required(engine, reason):
    with pytest.raises(TargetError, match="reason"):
        _change(engine, 0.8, date(2025, 1, 1), reason=reason)
    assert targets.history(engine).empty and audit.read(engine).empty


@pytest.mark.parametrize(
    ("kpi_id", "comparator", "value", "why"),
    [
        ("cs.nope", ">=", 0.8, "unknown KPI"),
        ("cs.visit_3d", "=>", 0.8, "comparator"),
        ("cs.visit_3d", ">=", 80, "0-1"),  # a share written as a percentage
        ("cs.visit_3d", ">=", "0.8", "number"),
    ],
)
def test_a_bad_target_is_refused_with_the_reason(engine, kpi_id, comparator, value, why):
    with pytest.raises(TargetError, match=why):
        targets.change_target(engine, kpi_id, comparator, value, reason="r", actor="kim", registry=REGISTRY)


def test_apply_targets_returns_a_copy_with_the_targets_replaced():
    changed = targets.apply_targets(
        REGISTRY, {"cs.visit_3d": Target(">=", 0.5, "share"), "not.there": DEFAULT}
    )
    assert changed.get("cs.visit_3d").target == Target(">=", 0.5, "share")
    assert REGISTRY.get("cs.visit_3d").target == DEFAULT
    assert changed.areas == REGISTRY.areas


def test_the_scorecard_judges_a_year_against_the_target_in_force_that_year(engine):
    _change(engine, 0.5, date(2025, 1, 1))
    # Mon 10 Mar received, done Wed 12 Mar: 3 business days (in time); done Thu 13 Mar: 4 (late) -> 1 of 2 = 0.5
    cases = pd.DataFrame(
        {
            "case_type": ["service_complaint", "service_complaint"],
            "received": ["2025-03-10", "2025-03-10"],
            "completed": ["2025-03-12", "2025-03-13"],
            "interim": [None, None],
        }
    )
    frames = frames_from_dict(2025, {"cases": cases})
    [before] = compute_from_frames(frames, 2025, date(2026, 1, 10), REGISTRY)
    in_force = targets.registry_for_year(engine, 2025, REGISTRY)
    [after] = compute_from_frames(frames, 2025, date(2026, 1, 10), in_force)
    assert (before.value, before.target, before.status) == (0.5, 0.9, "not_met")
    assert (after.value, after.target, after.status) == (0.5, 0.5, "met")


def test_the_targets_version_moves_with_every_change(engine):
    assert targets.targets_version(engine) == 0
    _change(engine, 0.8, date(2025, 1, 1))
    assert targets.targets_version(engine) == 1
