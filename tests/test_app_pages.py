"""The app through AppTest: every page on the demo data and on an empty database, the year, the upload wizard, undo."""

from __future__ import annotations

import io
import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from metrics import clock, store
from metrics.intake.ingest import ingest_file
from metrics.kpi.registry import REGISTRY_PATH, load_registry
from tests.app_fixtures import local_mode_env, with_local_token
from tests.sheets import xlsx

APP = str(Path(__file__).resolve().parents[1] / "app.py")
AREAS = ("cert", "wk", "eval", "edu", "ft", "cs")
PAGES = ["pages/scorecard.py", *(f"pages/area_{a}.py" for a in AREAS), "pages/upload.py", "pages/explore.py"]
TIMEOUT = 90
pytestmark = pytest.mark.db  # every page reads the database DATABASE_URL names


@pytest.fixture(autouse=True)
def _started_by_the_launcher(monkeypatch):
    local_mode_env(monkeypatch)  # the pages below are opened in local mode, with the printed link's token


@pytest.fixture
def demo_db(demo_database_url) -> str:
    """A private copy of the session's demo database (built once, through the real pipeline) as DATABASE_URL."""
    return demo_database_url


def _app(**query) -> AppTest:
    at = with_local_token(AppTest.from_file(APP, default_timeout=TIMEOUT))
    for name, value in query.items():
        at.query_params[name] = value
    return at


def _open(page: str, **query) -> AppTest:
    at = _app(**query)
    at.run()
    if page != "pages/scorecard.py":
        at.switch_page(page).run()
    return at


def _texts(at: AppTest) -> str:
    """Every piece of text on the page, joined (for 'is it shown?' checks)."""
    parts = [
        e.value
        for kind in (
            "title",
            "header",
            "subheader",
            "markdown",
            "html",
            "caption",
            "info",
            "error",
            "warning",
            "success",
        )
        for e in getattr(at, kind)
    ]
    parts += [str(m.value) + " " + str(m.label) for m in at.metric]
    return "\n".join(str(p) for p in parts)


def _assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _registry_ids() -> list[str]:
    with open(REGISTRY_PATH, "rb") as fh:
        return [k["id"] for k in tomllib.load(fh)["kpi"]]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_demo_data(demo_db, page):
    at = _open(page)
    _assert_clean(at)
    assert at.title, "every page has a title"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_an_empty_database(page):
    at = _open(page)
    _assert_clean(at)
    if page != "pages/upload.py":
        assert at.info, "an empty database says what to upload"


def test_empty_scorecard_points_to_the_upload_page():
    at = _open("pages/scorecard.py")
    assert "업로드하면 여기에 표시됩니다" in _texts(at)
    assert all(kpi_id in _texts(at) for kpi_id in _registry_ids())


def test_scorecard_shows_every_kpi_of_the_registry(demo_db):
    text = _texts(_open("pages/scorecard.py"))
    missing = [kpi_id for kpi_id in _registry_ids() if f'data-kpi="{kpi_id}"' not in text]
    assert missing == []


def _card_values(at: AppTest) -> list[str]:
    return [h.value for h in at.html if 'class="kpi-card"' in h.value]


def test_changing_the_year_changes_what_is_shown(demo_db):
    at = _open("pages/scorecard.py")
    this_year = clock.today().year
    assert str(this_year) in at.title[0].value
    before = _card_values(at)
    at.sidebar.selectbox(key="year").select(this_year - 2).run()
    _assert_clean(at)
    assert str(this_year - 2) in at.title[0].value
    assert _card_values(at) != before


def test_the_year_in_the_url_drives_the_page(demo_db):
    year = clock.today().year - 1
    at = _open("pages/scorecard.py", year=str(year))
    assert at.title[0].value.startswith(f"{year}년")
    area = _open("pages/area_edu.py", year=str(year))
    assert str(year) in area.caption[0].value


def test_english_by_the_url_switch(demo_db):
    at = _open("pages/scorecard.py", lang="English")
    assert at.title[0].value.startswith("Charter scorecard")
    assert f"Of **{len(load_registry())} promises**" in _texts(at)


def test_area_page_draws_the_target_on_its_charts(demo_db):
    at = _open("pages/area_edu.py")
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert len(specs) >= 6
    bullet = next(m.value for m in at.markdown if 'class="kpi-bullet"' in m.value)  # HTML, not a chart
    assert "bullet-target" in bullet and "목표 3,000 이상" in bullet
    names = {trace.get("name") for spec in specs for trace in spec["data"]}
    assert "목표" in names  # the target line is a named trace on the trend charts


def _cases_xlsx(rows: list[tuple]) -> bytes:
    frame = pd.DataFrame(rows, columns=["업무구분", "접수번호", "제목", "접수일", "처리일"])
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, engine="xlsxwriter")
    return buffer.getvalue()


GOOD_CASES = [
    ("홈페이지 문의", "T-1", "문의 1", "2024-03-04", "2024-03-05"),
    ("홈페이지 문의", "T-2", "문의 2", "2024-03-04", "2024-03-06"),
    ("인증 관련 민원", "T-3", "민원 1", "2024-05-02", "2024-05-20"),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader[0].upload(name, content, XLSX)
    return at.run()


def test_upload_wizard_imports_a_file_and_undo_removes_it(tmp_path):
    at = _open("pages/upload.py")
    _upload(at, "test_cases.xlsx", _cases_xlsx(GOOD_CASES))
    _assert_clean(at)
    assert "처리기한 업무 기록" in _texts(at)  # the kind was detected
    assert at.button(key="upload-import").label == "3행 가져오기"
    at.button(key="upload-import").click().run()
    _assert_clean(at)
    assert any("3행을 가져왔습니다" in s.value for s in at.success)
    uploads = store.list_uploads(store.get_engine())
    assert list(uploads["filename"]) == ["test_cases.xlsx"] and uploads["rows_imported"].iloc[0] == 3
    upload_id = int(uploads["id"].iloc[0])

    at.checkbox(key=f"undo-confirm-{upload_id}").check().run()
    at.button(key="undo-button").click().run()
    _assert_clean(at)
    assert any(f"#{upload_id}" in s.value for s in at.success)
    assert store.list_uploads(store.get_engine())["undone_at"].notna().all()


def test_undo_needs_the_confirmation(demo_db):
    at = _open("pages/upload.py")
    assert at.button(key="undo-button").disabled


def test_korean_breaks_between_words_on_every_page():
    at = _open("pages/scorecard.py")  # the style comes from app.py, around every page
    styles = [str(h.proto.body) for h in at.get("html")]
    assert any("word-break: keep-all" in s for s in styles)


def test_an_area_page_shows_kpi_ids_only_on_hover_of_the_titles(demo_db):
    at = _open("pages/area_cert.py")
    _assert_clean(at)
    assert "cert.review_15d" not in _texts(at)  # no raw id among the words
    helps = [h.proto.help for h in at.subheader]
    assert "지표 cert.review_15d" in helps


def test_a_file_with_bad_rows_is_reported_with_its_excel_rows():
    rows = [
        *GOOD_CASES,
        ("홈페이지 문의", "T-4", "문의 4", "어제", None),
        ("없는 구분", "T-5", "?", "2024-06-01", None),
    ]
    at = _open("pages/upload.py")
    _upload(at, "mixed.xlsx", _cases_xlsx(rows))
    _assert_clean(at)
    [report] = [d.value for d in at.dataframe if {"row", "problem"} <= set(d.value.columns)]  # the problem report
    assert sorted(set(report["row"])) == [5, 6]  # header on row 1: the 4th and 5th data rows
    # Each problem named in Korean words; no code (bad_date) on a Korean page or in its CSV.
    assert {"날짜 오류", "알 수 없는 구분"} <= set(report["problem"])
    assert "code" not in report.columns
    [table] = [d for d in at.dataframe if "problem" in d.value.columns]
    headers = {name: c.get("label") for name, c in json.loads(table.proto.columns).items()}
    assert (headers["problem"], headers["message"]) == ("문제", "설명")
    from ui.upload_steps import problems_csv

    name, body = problems_csv("mixed.xlsx", report)
    assert name == "mixed_문제목록.csv"
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0] == "시트,엑셀 행,열,값,문제,설명"
    assert "bad_date" not in text and "unknown_type" not in text
    assert at.button(key="upload-import").label == "3행 가져오기"


def test_a_missing_required_column_shows_the_mapping_to_fix_it():
    frame = pd.DataFrame([("홍길동", "정수처리", "2026-03-06", "수료")], columns=["성명", "교육과정명", "교육종료일", "비고"])
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, engine="xlsxwriter")
    at = _open("pages/upload.py")
    _upload(at, "att.xlsx", buffer.getvalue())
    assert not at.exception
    assert "교육 출석·수료 명부" in _texts(at)  # detected although a required column is unmapped
    assert any("수료여부" in e.value for e in at.error)  # the message names the missing column
    assert "upload-import" not in [b.key for b in at.button]
    mapping = at.dataframe[0].value  # the mapping table is there to fix it: 비고 is unused so far
    assert mapping["header"].tolist() == ["성명", "교육과정명", "교육종료일", "비고"]
    assert mapping.set_index("header").loc["비고", "role"] == "-"


def test_an_unreadable_file_is_refused_with_a_plain_message():
    at = _open("pages/upload.py")
    _upload(at, "broken.xlsx", b"this is not a spreadsheet at all")
    assert not at.exception
    assert at.error and "Traceback" not in at.error[0].value
    assert "upload-import" not in [b.key for b in at.button]


def test_the_same_file_twice_is_refused(demo_db):
    content = _cases_xlsx(GOOD_CASES)
    at = _open("pages/upload.py")
    _upload(at, "twice.xlsx", content)
    at.button(key="upload-import").click().run()
    _upload(at, "twice-again.xlsx", content)  # said at once: no import is offered
    assert not at.exception
    assert any("이미 업로드" in e.value for e in at.error)
    assert "upload-import" not in [b.key for b in at.button]


def test_explorer_filters_and_counts_rows(demo_db):
    at = _open("pages/explore.py")
    _assert_clean(at)
    at.selectbox(key="explore-dataset").select("cases").run()
    _assert_clean(at)
    shown = at.dataframe[0].value
    assert len(shown) > 0 and set(shown["year"]) == {clock.today().year}
    at.multiselect(key="explore-types-cases").select("cert_review").run()
    assert set(at.dataframe[0].value["case_type"]) == {"인증 신청 서류검토"}


def _survey_xlsx() -> bytes:
    frame = pd.DataFrame({"업체명": ["가", "나", "다"], "종합 만족도": [8, 9, 7], "전시장 시설 만족도": [7, 9, 8]})
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, engine="xlsxwriter")
    return buffer.getvalue()


def test_a_survey_without_dates_imports_once_the_year_is_given():
    at = _open("pages/upload.py")
    _upload(at, "WATER_KOREA_참가기업_만족도.xlsx", _survey_xlsx())
    _assert_clean(at)
    assert at.button(key="upload-import").disabled  # no year anywhere: every row held back
    at.number_input(key="year-exhibitor_survey").set_value(2025).run()
    _assert_clean(at)
    assert at.button(key="upload-import").label == "3행 가져오기"
    at.button(key="upload-import").click().run()
    assert store.list_uploads(store.get_engine())["rows_imported"].tolist() == [3]


def test_the_mapping_can_be_saved_as_a_named_template():
    from metrics.intake.saved_mappings import list_templates

    content = _cases_xlsx(GOOD_CASES)
    sha = store.file_sha256(content)[:12]
    at = _open("pages/upload.py")
    _upload(at, "cases.xlsx", content)
    at.text_input(key=f"template-name-{sha}").input("접수대장 양식").run()
    at.button(key=f"template-save-{sha}").click().run()
    _assert_clean(at)
    saved = list_templates(store.get_engine())
    assert [(t.name, t.kind) for t in saved] == [("접수대장 양식", "cases")]
    assert saved[0].mapping["접수일"] == "received"


def test_an_unreachable_database_gives_a_plain_message(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody:none@127.0.0.1:9/none?connect_timeout=1")
    at = _app()
    at.run()
    assert not at.exception
    assert at.error and "데이터베이스에 연결할 수 없습니다" in at.error[0].value


def test_the_wizard_warns_when_an_anonymous_survey_was_already_imported_in_another_order():
    header = ["교육과정명", "강사 만족도", "교재 만족도", "전반적 만족도"]
    answers = [["수질분석", 1 + i % 5, 1 + (i // 5) % 5, 4] for i in range(12)]
    first = ingest_file(store.get_engine(), xlsx([header, *answers]), "1차.xlsx", kind="trainee_survey", year=2026)
    assert first.ok, first.message
    at = _open("pages/upload.py")
    _upload(at, "1차-다시.xlsx", xlsx([header, *answers[::-1]]))
    at.number_input(key="year-trainee_survey").set_value(2026).run()
    _assert_clean(at)
    assert any("12건 중 12건이 이미 저장된 응답과 내용이 똑같습니다" in w.value for w in at.warning)
