"""An anonymous survey exported again is caught before its responses are counted twice."""

from __future__ import annotations

from metrics import store
from metrics.intake.ingest import ingest_file
from tests.sheets import xlsx

HEADER = ["교육과정명", "강사 만족도", "교재 만족도", "전반적 만족도"]


def _answers(n: int, start: int = 0) -> list[list]:
    """n responses with no time, all different: (course, item 1, item 2, overall) cycling through 1-5."""
    return [["수질분석", 1 + i % 5, 1 + (i // 5) % 5, 1 + (i // 25) % 5] for i in range(start, start + n)]


def _import(engine, rows, name, **extra):
    return ingest_file(engine, xlsx([HEADER, *rows]), name, kind="trainee_survey", year=2026, **extra)


def _warned(report) -> bool:
    return any("이미 저장된 응답과 내용이 똑같습니다" in note.ko for note in report.notes)


def test_the_same_anonymous_answers_in_another_order_are_flagged_before_import(engine):
    first = _answers(20)
    assert _import(engine, first, "1차.xlsx").ok
    report = _import(engine, first[::-1], "1차-다시.xlsx", dry_run=True)
    assert any("20건 중 20건" in note.ko and "20 of 20" in note.en for note in report.notes)


def test_a_title_row_added_above_a_re_export_is_still_flagged(engine):
    assert _import(engine, _answers(12), "a.xlsx").ok
    data = xlsx([["2026년 교육 만족도 조사 결과"], [], HEADER, *_answers(12)])  # every row moves down by 2
    report = ingest_file(engine, data, "b.xlsx", kind="trainee_survey", year=2026, dry_run=True)
    assert report.ok and _warned(report)


def test_a_different_batch_of_answers_is_not_flagged(engine):
    assert _import(engine, _answers(20), "1차.xlsx").ok
    report = _import(engine, _answers(20, start=40), "2차.xlsx", dry_run=True)  # 20 new answer sheets
    assert report.ok and not _warned(report)


def test_a_few_identical_answer_sheets_are_normal_and_not_flagged(engine):
    same = [["수질분석", 5, 5, 5]] * 9
    assert _import(engine, same, "a.xlsx").ok
    report = _import(engine, same + _answers(3), "b.xlsx", dry_run=True)  # 9 twins: under the 10 it takes
    assert not _warned(report)


def test_a_re_export_in_the_same_rows_is_counted_as_already_stored_and_not_flagged(engine):
    rows = _answers(15)
    assert _import(engine, rows, "a.xlsx").ok
    report = _import(engine, rows + [["수질분석", 3, 3, 3]], "a-plus-one.xlsx")
    assert not _warned(report)
    assert (report.rows_imported, report.rows_duplicate) == (1, 15)


def test_responses_with_a_time_are_told_apart_by_it_and_never_flagged(engine):
    header = ["타임스탬프", *HEADER]
    rows = [[f"2026-03-{1 + i:02d} 10:00:00", *answer] for i, answer in enumerate(_answers(12))]
    assert ingest_file(engine, xlsx([header, *rows]), "t.xlsx", kind="trainee_survey").ok
    report = ingest_file(engine, xlsx([header, *rows[::-1]]), "t2.xlsx", kind="trainee_survey", dry_run=True)
    assert not _warned(report)
    assert len(store.read_active(engine, "survey_responses")) == 12


def test_a_longer_export_of_the_same_survey_is_not_flagged_for_the_rows_already_matched_by_place(engine):
    same = [["수질분석", 5, 5, 5]] * 12
    assert _import(engine, same, "3월.xlsx").ok
    # Exported again later: the 12 first rows in their places (stored already), then 12 new identical answers.
    report = _import(engine, same + same, "4월.xlsx")
    assert not _warned(report)
    assert (report.rows_imported, report.rows_duplicate) == (12, 12)
