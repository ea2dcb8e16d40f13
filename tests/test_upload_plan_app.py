"""The upload page tells before it writes: rows new, changed, already stored (by which upload), held back and the
years; the same file and a file with nothing new are said before any import is offered; the undo box proposes the
newest upload; per kind the last upload and the newest data; a saved template chosen by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics import clock, store
from metrics.intake import saved_mappings
from metrics.intake.ingest import ingest_file
from tests.app_fixtures import local_mode_env, with_local_token
from tests.sheets import xlsx
from ui import plain

APP = str(Path(__file__).resolve().parents[1] / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
pytestmark = pytest.mark.db  # the page reads the database DATABASE_URL names

HEADER = ["업무구분", "접수번호", "제목", "접수일", "처리일"]
T1 = ["홈페이지 문의", "T-1", "문의 1", "2024-03-04", "2024-03-05"]
T2_OPEN = ["홈페이지 문의", "T-2", "문의 2", "2024-03-04", None]
T2_DONE = ["홈페이지 문의", "T-2", "문의 2", "2024-03-04", "2024-03-06"]
T3_2025 = ["인증 관련 민원", "T-3", "민원 1", "2025-01-07", "2025-01-20"]


@pytest.fixture(autouse=True)
def _started_by_the_launcher(monkeypatch):
    local_mode_env(monkeypatch)


def _page() -> AppTest:
    at = with_local_token(AppTest.from_file(APP, default_timeout=90))
    at.run()
    return at.switch_page("pages/upload.py").run()


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader[0].upload(name, content, XLSX)
    return at.run()


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def _buttons(at: AppTest) -> list[str]:
    return [b.key for b in at.button]


def test_before_import_the_page_says_which_rows_are_new_changed_and_already_stored():
    engine = store.get_engine()
    first = ingest_file(engine, xlsx([HEADER, T1, T2_OPEN]), "3월 접수대장.xlsx", kind="cases")
    at = _upload(_page(), "4월 접수대장.xlsx", xlsx([HEADER, T1, T2_DONE, T3_2025]))
    _clean(at)
    # T-1 stored as it is, T-2 stored open and now closed, T-3 nowhere yet.
    shown = _metrics(at)
    assert (shown["새 행"], shown["바뀐 행"], shown["이미 있는 행"], shown["보류할 행"]) == ("1", "1", "1", "0")
    captions = _captions(at)
    name = plain.md("3월 접수대장.xlsx")  # a file name is shown as text, never as Markdown
    assert f"이미 있는 행의 출처: 업로드 #{first.upload_id} '{name}'" in captions
    assert f"새 버전으로 바뀌는 행의 출처: 업로드 #{first.upload_id} '{name}'" in captions
    assert "자료 연도: 2024, 2025" in captions
    assert at.button(key="upload-import").label == "2행 가져오기"  # what is stored: the new row and the new version
    at.button(key="upload-import").click().run()
    _clean(at)
    latest = store.list_uploads(engine).iloc[0]
    assert (latest["filename"], latest["rows_imported"], latest["rows_duplicate"]) == ("4월 접수대장.xlsx", 2, 1)


def test_the_same_file_is_said_at_once_and_no_import_is_offered():
    content = xlsx([HEADER, T1, T2_DONE])
    first = ingest_file(store.get_engine(), content, "접수대장.xlsx", kind="cases")
    at = _upload(_page(), "접수대장 (1).xlsx", content)
    assert not at.exception
    assert any(f"이미 업로드되었습니다 (업로드 #{first.upload_id}" in e.value for e in at.error)
    assert "upload-import" not in _buttons(at)
    assert "문제가 없습니다" not in "\n".join(s.value for s in at.success)  # no report for a file not to be read
    assert len(store.list_uploads(store.get_engine())) == 1


def test_a_file_with_nothing_new_is_not_offered_and_leaves_no_upload():
    engine = store.get_engine()
    ingest_file(engine, xlsx([HEADER, T1, T2_DONE]), "접수대장.xlsx", kind="cases")
    at = _upload(_page(), "접수대장-다시저장.xlsx", xlsx([HEADER, T2_DONE, T1], sheet="다시"))  # other bytes, same rows
    _clean(at)
    assert any("새로 저장할 행이 없습니다: 가져올 수 있는 2행이 모두" in i.value for i in at.info)
    assert "upload-import" not in _buttons(at) and "upload-cancel" in _buttons(at)
    assert store.list_uploads(engine)["filename"].tolist() == ["접수대장.xlsx"]


def test_when_no_row_can_be_imported_the_warning_does_not_say_the_rest_can():
    at = _upload(_page(), "bad.xlsx", xlsx([HEADER, ["홈페이지 문의", "T-9", "문의", "어제", None],
                                            ["없는 구분", "T-8", "?", "2024-06-01", None]]))
    assert not at.exception
    [warning] = [w.value for w in at.warning]
    assert "2행을 모두 보류합니다. 가져올 수 있는 행이 없습니다" in warning and "나머지" not in warning
    assert at.button(key="upload-import").disabled


def test_after_an_import_the_undo_box_proposes_the_newest_upload():
    engine = store.get_engine()
    older = ingest_file(engine, xlsx([HEADER, T1]), "1월.xlsx", kind="cases")
    at = _page()
    assert at.selectbox[-1].value == older.upload_id
    _upload(at, "2월.xlsx", xlsx([HEADER, T2_DONE]))
    at.button(key="upload-import").click().run()
    _clean(at)
    newest = int(store.list_uploads(engine)["id"].iloc[0])
    assert newest != older.upload_id
    undo = next(s for s in at.selectbox if s.label == "되돌릴 업로드")
    assert undo.value == newest


def test_the_page_shows_per_kind_the_last_upload_and_the_newest_data():
    engine = store.get_engine()
    ingest_file(engine, xlsx([HEADER, T1, T3_2025]), "접수대장.xlsx", kind="cases")
    at = _page()
    _clean(at)
    table = next(d.value for d in at.dataframe if "최근 자료 날짜" in d.value.columns).set_index("자료 종류")
    cases = table.loc["처리기한 업무 기록"]
    assert cases["최근 자료 날짜"] == "2025-01-07" and cases["업로드 수"] == 1
    assert cases["마지막 업로드"].startswith(clock.today().isoformat())
    assert cases["경과"] == f"⚠ {(clock.today() - date(2025, 1, 7)).days:,}일 전"  # older than a quarter
    assert table.loc["전화 응대 기록", "최근 자료 날짜"] == "없음"


def test_a_saved_template_can_be_chosen_for_a_sheet_whose_columns_differ_a_little():
    engine = store.get_engine()
    saved_headers = ["구분", "번호", "건명", "접수 일자", "완료일"]
    saved_mappings.save_template(engine, "총무팀 대장", "cases", saved_headers,
                            {"구분": "case_type", "번호": "ref", "건명": "title", "접수 일자": "received", "완료일": "completed"})
    # The sheet writes 접수일자 without its space and adds 담당자: not the same shape, so nothing applies by itself.
    sheet = [["구분", "번호", "건명", "접수일자", "완료일", "담당자"],
             ["홈페이지 문의", "A-1", "문의", "2024-05-02", "2024-05-03", "김"]]
    at = _upload(_page(), "5월.xlsx", xlsx(sheet))
    assert not at.exception
    box = next(s for s in at.selectbox if s.label == "저장된 열 연결 적용")
    assert box.value == "" and "총무팀 대장" in box.options[1]
    box.select("총무팀 대장").run()
    _clean(at)
    mapping = next(d.value for d in at.dataframe if "role" in d.value.columns)
    roles = dict(zip(mapping["header"], mapping["role"], strict=True))
    assert (roles["번호"], roles["건명"], roles["접수일자"]) == ("ref", "title", "received")
    at.button(key="upload-import").click().run()
    _clean(at)
    assert store.read_active(engine, "cases")["ref"].tolist() == ["A-1"]


def test_the_page_lists_survey_course_names_matching_no_roster_course_with_the_course_each_is_mapped_to():
    from metrics.kpi import course_aliases

    engine = store.get_engine()
    roster = [["성명", "교육과정명", "교육종료일", "수료여부"], ["홍길동", "수질 분석 실무 과정", "2025-05-02", "수료"],
              ["이영희", "정수처리 기초", "2025-06-20", "수료"]]
    survey = [["교육과정명", "응답일시", "전반적 만족도"], ["수질분석 실무", "2025-05-03 09:00", 4],
              ["정수처리 기초", "2025-06-21 10:00", 5], ["하수 관로 실습", "2025-07-01 10:00", 5]]
    assert ingest_file(engine, xlsx(roster), "명부.xlsx", kind="attendance").ok
    assert ingest_file(engine, xlsx(survey), "설문.xlsx", kind="trainee_survey").ok
    at = _page()
    _clean(at)
    assert any("명부와 맞지 않는 설문 과정명 2개" in e.label for e in at.expander)
    table = next(d.value for d in at.dataframe if "survey" in d.value.columns)
    assert table[["survey", "course"]].values.tolist() == [["수질분석 실무", "-"], ["하수 관로 실습", "-"]]
    assert at.button(key="course-aliases-save").disabled  # nothing changed yet
    course_aliases.save(engine, {"수질분석 실무": "수질 분석 실무 과정"})
    at = _page()
    table = next(d.value for d in at.dataframe if "survey" in d.value.columns)
    assert table[["survey", "course"]].values.tolist() == [["수질분석 실무", "수질 분석 실무 과정"], ["하수 관로 실습", "-"]]
