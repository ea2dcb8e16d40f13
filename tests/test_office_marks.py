"""Yes/no answers written as an office's marks (●/○, ◎, △, ☑/☐, ✔/✘), through the whole pipeline, each with a
file made here. A mark the intake cannot read holds its row; a mark read the wrong way round (○ beside ●) counts
a contact that was not made.
"""

from __future__ import annotations

import pandas as pd

from metrics import store
from metrics.intake.ingest import ingest_file
from tests.sheets import xlsx

HEAD = ["점검일", "응대구분", "부서", "점검번호", "인사말", "소속·이름 안내", "경청"]


def _monitoring(engine, marks: list[tuple[str, str, str]]):
    rows = [HEAD] + [[f"2025-03-0{i + 1}", "전화", "인증팀", f"M-0{i + 1}", *m] for i, m in enumerate(marks)]
    return ingest_file(engine, xlsx(rows), "모니터링.xlsx", kind="monitoring")


def _stored(engine) -> pd.DataFrame:
    return store.read_active(engine, "monitoring").sort_values("ref").reset_index(drop=True)


def test_ticked_and_empty_boxes_check_marks_and_crosses_are_read_as_yes_and_no(engine):
    report = _monitoring(engine, [("☑", "☐", "✔"), ("✅", "✘", "❌"), ("◎", "✗", "■")])
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.rows_held, report.issues) == (3, 0, [])
    stored = _stored(engine)
    assert stored["greeting"].tolist() == [True, True, True]
    assert stored["name_given"].tolist() == [False, False, False]
    assert stored["listening"].tolist() == [True, False, True]


def test_an_empty_circle_beside_a_filled_one_is_a_no_and_alone_a_yes(engine):
    # 인사말 and 소속·이름 안내 are radio buttons, ● chosen and ○ not; 경청 is marked O/X style, ○ alone is a yes.
    report = _monitoring(engine, [("●", "○", "○"), ("○", "●", "×"), ("●", "●", "○")])
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.rows_held, report.issues) == (3, 0, [])
    stored = _stored(engine)
    assert stored["greeting"].tolist() == [True, False, True]
    assert stored["name_given"].tolist() == [False, True, True]
    assert stored["listening"].tolist() == [True, False, True]


def test_a_partly_mark_is_a_finding_that_says_partly_not_a_guess(engine):
    report = _monitoring(engine, [("○", "△", "○"), ("○", "부분 실시", "○"), ("○", "○", "○")])
    assert (report.rows_imported, report.rows_held) == (1, 2)
    assert [(i.row, i.column, i.code) for i in report.issues] == [(2, "소속·이름 안내", "bad_yes_no"),
                                                                   (3, "소속·이름 안내", "bad_yes_no")]
    assert all("△" in i.message.ko and "partly" in i.message.en for i in report.issues)


def test_completion_marked_with_filled_and_empty_circles_is_read_and_a_triangle_is_held(engine):
    rows = [["교육과정명", "성명", "교육시작일", "교육종료일", "수료여부"],
            ["정수처리", "김하나", "2026-03-02", "2026-03-06", "●"],
            ["정수처리", "이두리", "2026-03-02", "2026-03-06", "○"],
            ["정수처리", "박세리", "2026-03-02", "2026-03-06", "△"]]
    report = ingest_file(engine, xlsx(rows), "명부.xlsx", kind="attendance")
    assert (report.rows_imported, report.rows_held) == (2, 1)
    [issue] = report.issues
    assert (issue.row, issue.code) == (4, "bad_yes_no") and "△" in issue.message.ko
    stored = store.read_active(engine, "enrolments").sort_values("excel_row")
    assert stored["completed"].tolist() == [True, False]
