"""A checklist KPI on a new kind needs no code: a kind declared from a fixture (tests/fixtures/toy_checklist.toml,
tests/toy_checklist.py) with yes/no columns is read by the measure share_true, and a registry entry on it counts
its rows, without editing a project file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from metrics import contract
from metrics.contract import kinds, load_contract
from metrics.intake.ingest import ingest_file
from metrics.kpi.measures import MEASURES, checklist_kinds
from metrics.kpi.registry import RegistryError, registry_from_text
from metrics.kpi.scorecard import compute_scorecard
from tests.sheets import csv

TOY = Path(__file__).parent / "fixtures" / "toy_checklist.toml"
CHECKS = [
    ["점검일", "점검장소", "안전모 착용", "점검일지 기록"],
    ["2025-03-04", "정수동", "예", "예"],  # both met
    ["2025-04-10", "약품동", "예", "아니오"],  # the logbook missed
    ["2025-05-20", "취수장", "", "예"],  # helmets not checked: met on the logbook alone
    ["2025-06-01", "배수지", "", ""],  # nothing checked: left out
]
REGISTRY = """
[areas]
eval = { ko = "공공하수도 성과평가", en = "Public sewerage performance evaluation" }

[[kpi]]
id = "eval.safety"
area = "공공하수도 성과평가"
area_id = "eval"
title_ko = "안전 점검 충족 비율"
title_en = "Safety checks met"
clause = "II.3.c"
source = "toy_safety_checks"
measure = "share_true"
columns = ["helmets", "logbook"]
target = { comparator = ">=", value = 0.9, unit = "share" }
"""


@pytest.fixture
def toy():
    contract.register_kinds(TOY)
    try:
        yield load_contract().kind("toy_safety_checks")
    finally:
        contract.forget_kinds(TOY)


@pytest.fixture
def toy_engine(engine, toy):
    from tests import toy_checklist

    toy_checklist.metadata.create_all(engine, tables=[toy_checklist.checks])
    return engine


def test_a_kind_with_yes_no_columns_is_one_the_checklist_measure_reads(toy):
    assert kinds.problems() == []
    assert "toy_safety_checks" in checklist_kinds() and "toy_safety_checks" in MEASURES["share_true"].kinds
    # The project's own checklists are still read; a kind without a blank-able flag is not.
    assert {"monitoring", "suggestions", "cases"} <= set(checklist_kinds())
    assert "calls" not in checklist_kinds() and "attendance" not in checklist_kinds()


def test_without_the_declaration_the_kind_is_neither_read_nor_accepted_by_the_registry(toy):
    contract.forget_kinds(TOY)
    try:
        assert "toy_safety_checks" not in MEASURES["share_true"].kinds
        with pytest.raises(RegistryError, match="toy_safety_checks"):
            registry_from_text(REGISTRY)
    finally:
        contract.register_kinds(TOY)


def test_the_registry_refuses_a_checklist_column_that_is_not_a_yes_no_of_the_toy_kind(toy):
    with pytest.raises(RegistryError, match="site"):
        registry_from_text(REGISTRY.replace('columns = ["helmets", "logbook"]', 'columns = ["site"]'))


def test_a_share_true_kpi_on_the_toy_kind_counts_the_rows_meeting_every_checked_item(toy_engine):
    report = ingest_file(toy_engine, csv(CHECKS), "안전점검.csv", kind="toy_safety_checks")
    assert report.status == "imported", report.message
    registry = registry_from_text(REGISTRY)
    [result] = compute_scorecard(toy_engine, 2025, today=date(2026, 2, 1), registry=registry)
    # Met: the first and the third (its one checked item); missed: the second; the fourth had nothing checked.
    assert (result.numerator, result.denominator, result.value) == (2, 3, pytest.approx(2 / 3))
    assert result.status == "not_met"
    assert "not_checked_left_out" in [n.code for n in result.notes]


def test_the_case_measures_read_every_kind_running_from_received_to_a_closing_date():
    from metrics.kpi.measures import dated_kinds

    # cases close on completed, suggestions on decided_on, remedies on training_on; the rest have no `received`.
    assert dated_kinds() == ("cases", "suggestions", "remedies")
    assert MEASURES["deadline_share"].kinds == dated_kinds() == MEASURES["median_days"].kinds
