"""The time of receipt as a stored fact: kept at upload, stored beside the date, and used by the one judging function
for a deadline of 5 business days or less (민원처리법 제19조 ①), worked by hand.

No charter KPI has so short a deadline, so the tests declare one in a registry of their own: 3 business days for
service complaints. The office day is the default, 09:00-18:00 with lunch 12:00-13:00 (3 h + 5 h).
"""

from __future__ import annotations

import datetime as dt
from datetime import date

import pandas as pd

from metrics import explore, store
from metrics.intake.ingest import ingest_file
from metrics.kpi.kpi_rows import kpi_rows
from metrics.kpi.measures.explore import timeliness
from metrics.kpi.registry import registry_from_text
from metrics.kpi.scorecard import compute_scorecard
from metrics.store.frames import load_year_frames
from tests.sheets import csv, xlsx

THREE_DAYS = registry_from_text("""
[areas]
cs = { ko = "고객 응대", en = "Customer service" }

[[kpi]]
id = "cs.complaint_3d"
area = "고객 응대"
area_id = "cs"
title_ko = "불만족 서비스 의견 3일 이내 처리"
title_en = "Service complaints answered within 3 days"
clause = "III.3.b"
source = "cases"
filter = { case_type = "service_complaint" }
measure = "deadline_share"
days = 3
day_mode = "business"
target = { comparator = ">=", value = 1.0, unit = "share" }
""")
KPI = "cs.complaint_3d"
HEADER = ["업무구분", "접수번호", "접수일", "접수시각", "처리일", "처리시각"]
COMPLAINT = "불만족 서비스 의견"
# Fri 14 Nov 2025 17:00 + 3 days of 8 working hours: Fri 1 h, Mon 8, Tue 8, Wed 7 (09-12, 13-17): due Wed 19 Nov 17:00.
FRIDAY, WEDNESDAY = dt.date(2025, 11, 14), dt.date(2025, 11, 19)
LOG = [
    HEADER,
    [COMPLAINT, "A", FRIDAY, dt.time(17, 0), WEDNESDAY, dt.time(16, 0)],  # an hour before the deadline: met
    [COMPLAINT, "B", FRIDAY, dt.time(17, 0), WEDNESDAY, dt.time(17, 30)],  # half an hour after it: late
    # No time of receipt: whole days, Fri (day 1), Mon, Tue, so Wednesday is day 4: late, and counted in the note.
    [COMPLAINT, "C", FRIDAY, None, WEDNESDAY, None],
    # Received Mon 17 Nov 10:00, still open: due Thu 20 Nov 10:00 (Mon 7 h, Tue 8, Wed 8, Thu 1); on Thu: pending.
    [COMPLAINT, "D", dt.date(2025, 11, 17), dt.time(10, 0), None, None],
]
TODAY = date(2025, 11, 20)


def _stored_cases(engine) -> pd.DataFrame:
    return store.read_active(engine, "cases").sort_values("excel_row").reset_index(drop=True)


def _times(column: pd.Series) -> list[str | None]:
    """Stored times of day as "HH:MM" (SQLite hands back text, PostgreSQL datetime.time)."""
    return [None if v is None or v != v else str(v)[:5] for v in column]


def test_a_case_log_with_the_date_and_the_time_of_receipt_apart_stores_the_time_beside_the_date(engine):
    report = ingest_file(engine, xlsx(LOG), "불만접수.xlsx", kind="cases")
    assert report.status == "imported", report.message
    assert report.mapping == {"업무구분": "case_type", "접수번호": "ref", "접수일": "received",
                              "접수시각": "received_time", "처리일": "completed", "처리시각": "completed_time"}
    stored = _stored_cases(engine)
    assert _times(stored["received_time"]) == ["17:00", "17:00", None, "10:00"]
    assert _times(stored["completed_time"]) == ["16:00", "17:30", None, None]
    assert [str(d)[:10] for d in stored["received"]] == ["2025-11-14"] * 3 + ["2025-11-17"]  # the date stays a date


def test_a_date_time_cell_in_the_received_column_gives_its_time_and_midnight_gives_none(engine):
    rows = [["업무구분", "접수번호", "접수일", "처리일"],
            [COMPLAINT, "A", "2025-11-14 17:05", "2025-11-19 09:30"],
            [COMPLAINT, "B", dt.datetime(2025, 11, 14, 0, 0), dt.date(2025, 11, 19)]]  # an Excel date: no time
    report = ingest_file(engine, xlsx(rows), "log.xlsx", kind="cases")
    assert report.status == "imported", report.message
    stored = _stored_cases(engine)
    assert _times(stored["received_time"]) == ["17:05", None]
    assert _times(stored["completed_time"]) == ["09:30", None]
    assert [str(d)[:10] for d in stored["received"]] == ["2025-11-14", "2025-11-14"]


def test_a_time_of_receipt_that_cannot_be_read_is_a_finding_on_its_column_and_the_case_is_imported(engine):
    rows = [["업무구분", "접수번호", "접수일", "접수시간", "처리일"],
            [COMPLAINT, "A", "2025-11-14", "25:99", "2025-11-19"],  # Excel row 2: no such time
            [COMPLAINT, "B", "2025-11-14", "", "2025-11-19"],  # blank: no time, nothing to say
            [COMPLAINT, "C", "2025-11-14", "오후 2:05", "2025-11-19"],
            [COMPLAINT, "D", "2025-11-14", "9시 10분", "2025-11-19"],
            [COMPLAINT, "E", "2025-11-14", "10:00", "2025-11-19"],
            [COMPLAINT, "F", "2025-11-14", "16:45:10", "2025-11-19"]]
    report = ingest_file(engine, csv(rows), "log.csv", kind="cases")
    assert report.ok, report.message
    assert report.mapping["접수시간"] == "received_time"
    assert [(i.row, i.column, i.code, i.holds) for i in report.issues] == [(2, "접수시간", "bad_time", False)]
    assert (report.rows_imported, report.rows_held) == (6, 0)
    assert _times(_stored_cases(engine)["received_time"]) == [None, None, "14:05", "09:10", "10:00", "16:45"]


def test_a_column_of_times_of_receipt_alone_is_never_taken_for_the_received_date(engine):
    rows = [["업무구분", "접수번호", "접수시각"], [COMPLAINT, "A", dt.time(9, 15)], [COMPLAINT, "B", dt.time(14, 5)]]
    report = ingest_file(engine, xlsx(rows), "log.xlsx", kind="cases")
    assert report.status == "rejected"
    assert "접수일" in report.message.ko  # the date column is missing, not read from the times
    assert store.list_uploads(engine).empty


def test_a_short_deadline_is_judged_in_working_hours_from_the_stored_time_of_receipt(engine):
    assert ingest_file(engine, xlsx(LOG), "불만접수.xlsx", kind="cases").status == "imported"
    [line] = compute_scorecard(engine, 2025, today=TODAY, registry=THREE_DAYS)
    # Met: A. Late: B (17:30 > 17:00) and C (whole days). Pending: D.
    assert (line.numerator, line.denominator, line.pending) == (1, 3, 1)
    assert line.extra["counted_in_hours"] == 3  # A, B, D
    [note] = [n for n in line.notes if n.code == "days_without_times"]
    assert note.ko.startswith("시각 없는 1건") and note.en.startswith("1 without times")


def test_a_case_answered_without_a_time_falls_back_to_whole_days_and_is_counted_in_the_note(engine):
    rows = [HEADER, [COMPLAINT, "A", FRIDAY, dt.time(17, 0), dt.date(2025, 11, 18), None],  # day 3 (Tue): met
            [COMPLAINT, "B", FRIDAY, dt.time(17, 0), WEDNESDAY, None]]  # day 4 in whole days: late
    assert ingest_file(engine, xlsx(rows), "불만접수.xlsx", kind="cases").status == "imported"
    [line] = compute_scorecard(engine, 2025, today=TODAY, registry=THREE_DAYS)
    assert (line.numerator, line.denominator, line.extra["counted_in_hours"]) == (1, 2, 0)
    assert [n.en for n in line.notes if n.code == "days_without_times"] == [
        "2 without times of receipt and answer judged in whole working days (a deadline of 5 days or less counts hours)"]


def test_the_rows_behind_the_number_the_explorer_and_the_area_page_judge_each_case_as_the_scorecard_does(engine):
    assert ingest_file(engine, xlsx(LOG), "불만접수.xlsx", kind="cases").status == "imported"
    behind = kpi_rows(engine, KPI, 2025, today=TODAY, registry=THREE_DAYS).rows.sort_values("ref")
    assert behind["state"].tolist() == ["met", "missed", "missed", "pending"]
    assert behind["counted_in"].tolist() == ["hours", "hours", "days", "hours"]
    assert [str(t)[:16] for t in behind["deadline_at"]] == ["2025-11-19 17:00", "2025-11-19 17:00", "NaT",
                                                           "2025-11-20 10:00"]
    # 23 working hours for A (Fri 1, Mon 8, Tue 8, Wed 3 + 3), 24.5 for B: in days of 8 hours.
    assert behind["days_taken"].tolist()[:2] == [23 / 8, 24.5 / 8] and behind["days_over"].tolist()[1] == 0.5 / 8
    shown = explore.load(engine, "cases", today=TODAY)
    assert shown["received_time"].tolist()[:2] == ["17:00", "17:00"]
    judged = timeliness(shown, [THREE_DAYS.get(KPI)], TODAY).sort_values("ref")
    assert judged["timeliness"].tolist() == ["on_time", "late", "late", "pending"]
    kpi = THREE_DAYS.get(KPI)
    listed = kpi.spec.details.cases(kpi, load_year_frames(engine, 2025, today=TODAY, detail=True), TODAY,
                                    states=("met", "late", "overdue", "pending"))  # the area page's case list
    listed = listed.sort_values("ref")
    assert list(zip(listed["state"], _times(listed["received_time"]), strict=True)) == [
        ("met", "17:00"), ("late", "17:00"), ("late", None), ("pending", "10:00")]
