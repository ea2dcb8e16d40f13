"""Text that came from a file reaches the pages as text (AppTest): sheet names, headers, course names.

Streamlit renders Markdown in captions, message boxes and markdown blocks; plotly renders HTML tags in
chart labels. A file must not be able to put an image (an outside address fetched by every viewer) or a
link on a page: each test uploads or stores a file holding such text and reads what the page sends.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from streamlit.testing.v1 import AppTest

from metrics import clock, store
from metrics.intake.ingest import ingest_file
from metrics.kpi.registry import load_registry
from tests.app_fixtures import local_mode_env, open_tab, with_local_token
from tests.sheets import csv, xlsx
from ui import plain

pytestmark = pytest.mark.db
APP = str(Path(__file__).resolve().parents[1] / "app.py")
# Every hostile text here names evil.example, so the elements that show it can be found.
IMAGE = "![x](http://evil.example/s.png)"
LINK = "<a href=http://evil.example/c>교육</a>"
MARKDOWN_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
# Markup that would render: an image or link in Markdown, or an HTML tag.
RENDERED = re.compile(r"(?<!\\)!(?<!\\)\[|(?<!\\)\]\(|(?<!\\)<[a-z/]")


@pytest.fixture(autouse=True)
def _started_by_the_launcher(monkeypatch):
    local_mode_env(monkeypatch)


def _open(page: str) -> AppTest:
    at = with_local_token(AppTest.from_file(APP, default_timeout=90)).run()
    return at.switch_page(page).run()


def _bodies(at: AppTest) -> list[str]:
    """The Markdown source of every text element on the page (what the browser renders)."""
    return [str(e.value) for kind in MARKDOWN_KINDS for e in getattr(at, kind)]


def _assert_inert(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    # Our own badges and cards are HTML; every element that shows the file's text must have none that renders.
    rendered = [body for body in _bodies(at) if "evil" in body and RENDERED.search(body)]
    assert rendered == []


def _renamed_sheet(book: bytes, old: str, new: str) -> bytes:
    """The workbook with a sheet renamed in its XML: Excel refuses '[', ']', ':' and '/' in a name; a file need not."""
    source, out = zipfile.ZipFile(io.BytesIO(book)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                data = data.replace(f'name="{old}"'.encode(), f"name={quoteattr(new)}".encode())
            target.writestr(item, data)
    return out.getvalue()


CASES = [
    ["업무구분", "접수번호", "제목", "접수일", "처리일"],
    ["홈페이지 문의", "T-1", "문의 1", "2024-03-04", "2024-03-05"],
    ["홈페이지 문의", "T-2", "문의 2", "2024-03-04", "2024-03-06"],
]


def test_a_sheet_name_is_shown_as_text_when_the_upload_page_names_it():
    book = _renamed_sheet(xlsx(CASES, sheet="Cases"), "Cases", IMAGE)
    at = _open("pages/upload.py")
    at.file_uploader[0].upload("cases.xlsx", book, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    at.run()
    _assert_inert(at)
    [detected] = [c.value for c in at.caption if "시트" in c.value]
    assert plain.md(IMAGE) in detected  # \!\[x\]\(http\:\/\/…: shown as the characters of the name
    assert at.button(key="upload-import").label == "2행 가져오기"  # the file itself is read as usual


def test_headers_are_shown_as_text_when_the_refusal_lists_them():
    # No header a kind knows: the page refuses and lists the columns it found (each cut to 30 characters).
    image, link = "![x](http://evil.example/h.png)"[:29], "[열](http://evil.example)"
    sheet = csv([[image, link], ["1", "2"], ["3", "4"]])
    at = _open("pages/upload.py")
    at.file_uploader[0].upload("odd.csv", sheet, "text/csv")
    at.run()
    _assert_inert(at)
    [refusal] = [e.value for e in at.error]
    assert plain.md(image) in refusal and plain.md(link) in refusal


def test_course_names_are_text_in_the_area_page_notes_and_charts():
    today = clock.today().isoformat()
    engine = store.get_engine()
    ingest_file(engine, csv([["교육과정명", "교육종료일", "수료여부", "교육생번호"],
                             [LINK, today, "수료", "A-1"], [IMAGE, today, "수료", "A-2"]]), "attendance.csv", kind="attendance")
    # A survey of another course: both courses above are then listed, by name, as without feedback.
    ingest_file(engine, csv([["교육과정명", "응답일시", "전반적 만족도"], ["다른 과정", today, "5"]]), "survey.csv",
                kind="trainee_survey")
    at = _open("pages/area_edu.py")
    _assert_inert(at)
    [listed] = [body for body in _bodies(at) if "의견 수렴 없는 과정" in body]
    assert plain.md(LINK) in listed and plain.md(IMAGE) in listed
    open_tab(at, [k.id for k in load_registry() if k.area_id == "edu"], "분포").run()  # the completions by course
    _assert_inert(at)
    charts = json.dumps([json.loads(c.proto.spec) for c in at.get("plotly_chart")], ensure_ascii=False)
    assert "&lt;a href=http://evil.example/c&gt;교육&lt;/a&gt;" in charts  # the completions by course name it
    assert "<a " not in charts and "</a>" not in charts
