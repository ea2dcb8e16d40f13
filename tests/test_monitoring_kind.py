"""Service monitoring (issue 14, charter Ⅲ.1.1 and Ⅲ.1.2): one monitored contact a row, checklist items yes/no,
a blank item not checked. The upload is stored as declared, and each monitoring KPI is the share of contacts of
its channel that met every checked item (worked out by hand below)."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

from metrics import store
from metrics.contract import kinds, load_contract
from metrics.intake.ingest import ingest_file
from metrics.kpi.measures.base import Period
from metrics.kpi.measures.checklists import share_true
from metrics.kpi.registry import load_registry
from metrics.kpi.scorecard import compute_scorecard
from tests.sheets import csv

HEADER = ["점검일", "응대구분", "부서", "점검번호", "인사말", "소속·이름 안내", "경청", "연결 시 부서·이름·번호 안내",
          "부재 시 메모·회신", "안내도·좌석배치도", "민원실 응대", "대기시간(분)"]
SHEET = [
    HEADER,
    ["2025-03-04", "전화", "인증팀", "M-01", "Y", "Y", "Y", "Y", "", "", "", ""],
    ["2025-03-05", "전화", "교육팀", "M-02", "Y", "N", "Y", "", "Y", "", "", ""],
    ["2025-04-10", "전화", "총무팀", "M-03", "O", "O", "O", "X", "X", "", "", ""],
    ["2025-04-11", "방문", "인증팀", "M-04", "", "Y", "", "", "", "Y", "Y", "5"],
    ["2025-05-20", "방문", "교육팀", "M-05", "", "Y", "", "", "", "Y", "N", "15"],
    ["2025-06-01", "방문", "총무팀", "M-06", "글쎄", "Y", "", "", "", "Y", "Y", "3"],  # neither yes nor no: held
    ["2025-06-02", "문자", "총무팀", "M-07", "Y", "Y", "", "", "", "", "", ""],  # no such channel: held
]


def test_the_monitoring_declaration_agrees_with_its_builder_table_and_words():
    from ui.values import missing_words

    assert kinds.problems() == []
    assert load_contract().kind("monitoring").type_enum == "channel"
    assert missing_words(load_contract()) == []


def test_a_monitoring_sheet_is_stored_with_blank_items_as_not_checked(engine):
    report = ingest_file(engine, csv(SHEET), "모니터링.csv", kind="monitoring")
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.rows_held) == (5, 2)
    assert sorted((i.row, i.code) for i in report.issues) == [(7, "bad_yes_no"), (8, "unknown_type")]
    stored = store.read_active(engine, "monitoring").sort_values("ref")
    assert stored["channel"].tolist() == ["phone", "phone", "phone", "visit", "visit"]
    assert stored["name_given"].tolist() == [True, False, True, True, True]
    assert stored["callback"].isna().tolist() == [True, False, False, True, True]  # blank: not checked, not a no
    assert stored["wait_minutes"].tolist()[3:] == [5.0, 15.0]
    again = ingest_file(engine, csv([HEADER, SHEET[2]]), "모니터링-다시.csv", kind="monitoring")
    assert again.status == "nothing_new"


@pytest.mark.parametrize(("kpi_id", "met", "checked"), [
    ("cs.monitor_phone_greeting", 2, 3),  # M-02 gave no name
    ("cs.monitor_phone_listening", 2, 3),  # M-03 did not announce the transfer; M-02 was not transferred
    ("cs.monitor_phone_callback", 1, 2),  # M-01 found nobody absent: not checked
    ("cs.monitor_visit_signage", 2, 2),
    ("cs.monitor_visit_reception", 1, 2),  # M-05 waited 15 minutes
    ("cs.monitor_visit_office", 1, 2),
])
def test_each_monitoring_kpi_is_the_share_of_its_channel_meeting_every_checked_item(engine, kpi_id, met, checked):
    assert ingest_file(engine, csv(SHEET), "모니터링.csv", kind="monitoring").ok
    result = next(r for r in compute_scorecard(engine, 2025, today=date(2026, 2, 1)) if r.id == kpi_id)
    assert (result.numerator, result.denominator) == (met, checked)
    assert result.status == ("met" if met / checked >= 0.9 else "not_met")
    assert result.own_target and result.target == 0.9


def test_a_row_counts_on_the_items_checked_and_is_left_out_when_none_was():
    rows = pd.DataFrame({"listening": pd.array([True, True, None, False], dtype="boolean"),
                         "transfer_details": pd.array([None, False, None, None], dtype="boolean"),
                         "wait_minutes": [None, None, 30.0, None]})
    period = Period(2025, date(2026, 1, 1))
    both = share_true(rows, {"columns": ["listening", "transfer_details"]}, period, {})
    assert (both.numerator, both.denominator, both.extra["not_checked"]) == (1, 3, 1)
    waited = share_true(rows, {"columns": ["listening"], "at_most": {"wait_minutes": 10}}, period, {})
    assert (waited.numerator, waited.denominator) == (2, 4)  # the third row: only its wait was checked, too long


def test_the_registry_refuses_a_checklist_column_that_is_not_yes_no_of_the_source(tmp_path):
    from metrics.kpi.registry import REGISTRY_PATH, RegistryError

    text = REGISTRY_PATH.read_text(encoding="utf-8").replace('columns = ["office_used"]', 'columns = ["department"]')
    bad = tmp_path / "registry.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError) as err:
        load_registry(bad)
    assert any("cs.monitor_visit_office" in p and "department" in p for p in err.value.problems)


def test_the_blank_monitoring_template_filled_in_uploads_as_monitoring(engine):
    from metrics.intake.blank_templates import blank_template

    headers = pd.read_excel(io.BytesIO(blank_template("monitoring")), engine="calamine").columns.tolist()
    assert headers == HEADER
    assert ingest_file(engine, csv([headers, SHEET[1]]), "빈양식.csv", kind="monitoring").rows_imported == 1


def test_the_card_says_when_the_target_is_the_associations_own(engine):
    from ui.cards import card_html

    assert ingest_file(engine, csv(SHEET), "모니터링.csv", kind="monitoring").ok
    results = {r.id: r for r in compute_scorecard(engine, 2025, today=date(2026, 2, 1))}
    assert "협회 자체 목표" in card_html(results["cs.monitor_visit_office"], [])
    assert "협회 자체 목표" not in card_html(results["cs.phone_3_rings"], [])  # the charter's own 3 rings
