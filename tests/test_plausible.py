"""Values outside the plausible ranges of the data contract are held back with a finding, never stored."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from metrics import clock, store
from metrics.contract import load_contract, parse_contract
from metrics.intake.canonical import MappedTable, UploadOptions, build
from metrics.intake.ingest import ingest_file
from tests.sheets import csv

THIS_YEAR = clock.today().year


def _codes(report) -> list[tuple[int, str]]:
    return sorted((i.row, i.code) for i in report.issues)


def test_head_counts_below_zero_or_absurdly_high_are_held_and_the_others_stored(engine):
    rows = [["행사구분", "개최일", "행사명", "참석인원"],
            ["워크숍", "2026-06-10", "정상", "35"],
            ["워크숍", "2026-06-11", "음수", "-5"],
            ["워크숍", "2026-06-12", "오타", "1,000,000"],
            ["워크숍", "2026-06-13", "상한", "100,000"]]
    report = ingest_file(engine, csv(rows), "행사.csv", kind="events")
    assert _codes(report) == [(3, "implausible"), (4, "implausible")]
    assert "0–100,000" in report.issues[0].message.en
    assert sorted(store.read_active(engine, "events")["participants"].tolist()) == [35, 100_000]


def test_rings_and_seconds_to_answer_have_their_own_ranges(engine):
    rings = [["수신일시", "벨 울린 횟수"], ["2026-03-02 09:00", "2"], ["2026-03-02 09:05", "250"]]
    report = ingest_file(engine, csv(rings), "벨.csv", kind="calls")
    assert _codes(report) == [(3, "implausible")]
    seconds = [["수신일시", "응답시간(초)"], ["2026-03-03 09:00", "12"], ["2026-03-03 09:05", "3600"]]
    report = ingest_file(engine, csv(seconds), "초.csv", kind="calls")
    assert _codes(report) == [(3, "implausible")] and "0–600" in report.issues[0].message.en
    assert sorted(store.read_active(engine, "calls")["rings"].tolist()) == [2.0, 4.0]  # 12 s at 3 s a ring


def test_a_negative_ring_count_is_reported_once(engine):
    rows = [["수신일시", "벨 울린 횟수"], ["2026-03-02 09:00", "2"], ["2026-03-02 09:05", "-1"]]
    report = ingest_file(engine, csv(rows), "벨.csv", kind="calls")
    assert _codes(report) == [(3, "negative")]


@pytest.mark.parametrize("received", ["0001-01-01", "9999-12-31", "1989-12-31", f"{THIS_YEAR + 2}-01-01"])
def test_dates_outside_the_plausible_years_are_held(engine, received):
    rows = [["업무구분", "접수일", "처리일"], ["서류검토", "2026-03-02", "2026-03-05"], ["서류검토", received, ""]]
    report = ingest_file(engine, csv(rows), "민원.csv", kind="cases")
    assert _codes(report) == [(3, "implausible_date")]
    assert f"1990–{THIS_YEAR + 1}" in report.issues[0].message.en
    assert len(store.read_active(engine, "cases")) == 1


def test_the_first_plausible_year_and_next_year_are_accepted(engine):
    rows = [["업무구분", "접수일"], ["서류검토", "1990-01-01"], ["서류검토", f"{THIS_YEAR + 1}-12-31"]]
    report = ingest_file(engine, csv(rows), "민원.csv", kind="cases")
    assert report.issues == [] and report.rows_imported == 2


def test_an_optional_date_in_year_9999_is_held_too(engine):
    rows = [["업무구분", "접수일", "처리일"], ["서류검토", "2026-03-02", "9999-12-31"]]
    report = ingest_file(engine, csv(rows), "민원.csv", kind="cases")
    assert _codes(report) == [(2, "implausible_date")] and report.status == "rejected"


def test_a_year_column_after_next_year_is_held(engine):
    rows = [["업체명", "전시회 연도", "게시시작일"], ["(주)가람", "2026", "2026-03-02"], ["(주)나래", "2050", "2026-03-02"]]
    report = ingest_file(engine, csv(rows), "게시.csv", kind="postings")
    assert _codes(report) == [(3, "implausible_year")]
    assert report.issues[0].column == "전시회 연도" and report.issues[0].value == "2050"


def test_a_year_given_at_upload_is_checked_like_one_in_the_file(engine):
    rows = [["업체명", "게시시작일"], ["(주)가람", "2026-03-02"]]
    report = ingest_file(engine, csv(rows), "게시.csv", kind="postings", year=2060)
    assert _codes(report) == [(2, "implausible_year")]


def test_the_ranges_come_from_the_contract_not_the_code():
    contract = load_contract()
    events = contract.kind("events")
    narrow = replace(events, columns=tuple(
        replace(c, range=(0, 10)) if c.role == "participants" else c for c in events.columns))
    frame = pd.DataFrame({"구분": ["워크숍", "워크숍"], "일자": ["2026-06-10", "2026-06-11"], "인원": ["8", "12"]})
    mapped = MappedTable(frame, {"구분": "event_type", "일자": "date", "인원": "participants"}, np.array([2, 3]), "S")
    built = build(mapped, narrow, UploadOptions(), contract)
    assert [(i.row, i.code, i.message.en) for i in built.log.issues] == [(3, "implausible", "implausible value (accepted: 0–10)")]


def test_a_range_that_is_not_low_then_high_is_refused_when_the_contract_loads():
    raw = {"kinds": {"events": {"ko": "행사", "en": "Events", "year_rule": "date", "columns": [
        {"role": "participants", "ko": "인원", "en": "N", "type": "int", "range": [100, 0]}]}}}
    with pytest.raises(ValueError, match="participants"):
        parse_contract(raw)
