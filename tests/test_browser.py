"""End to end in headless Chromium: the scorecard, an area page, and an upload, against `streamlit run` on demo data;
local mode only with the printed link; text from files never rendered as markup."""

from __future__ import annotations

import http.server
import io
import re
import tempfile
import threading
from pathlib import Path

import pandas as pd
import pytest

from metrics import clock
from tests.app_fixtures import (
    browser_missing_reason,
    browser_page,
    eventually,
    running_app,
    wait_drawn,
)

pytestmark = pytest.mark.browser
NO_BROWSER = browser_missing_reason()


def _sample_cases(folder: Path) -> Path:
    """A small case log with the template's Korean headers, new to the demo database."""
    frame = pd.DataFrame(
        {
            "업무구분": ["홈페이지 문의", "홈페이지 문의"],
            "접수번호": ["E2E-1", "E2E-2"],
            "제목": ["브라우저 시험 1", "브라우저 시험 2"],
            "접수일": ["2024-02-05", "2024-02-06"],
            "처리일": ["2024-02-06", "2024-02-07"],
        }
    )
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, engine="xlsxwriter")
    path = folder / "e2e_cases.xlsx"
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_scorecard_area_page_and_upload_in_chromium(tmp_path, demo_database_url):
    url = demo_database_url
    sample = _sample_cases(tmp_path)
    last_year = clock.today().year - 1
    with (
        running_app(url) as app,
        tempfile.TemporaryDirectory() as profile,
        browser_page(Path(profile)) as page,
    ):
        # Without the token `make run` printed, no local mode: how to open the app, and no menu.
        page.goto(app.url())
        wait_drawn(page)
        assert page.get_by_text("?token=").count() == 1
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0

        # A deep link with the token, on a fresh server: it must still go through app.py (menu, year from the
        # URL); the token leaves the address bar and the year stays.
        page.goto(app.link("area_edu", year=last_year))
        wait_drawn(page)
        assert "token=" not in page.url and f"year={last_year}" in page.url
        assert page.locator("h1").first.inner_text().strip() == "상하수도 교육"
        assert page.locator('[data-testid="stSidebarNav"]').get_by_text("헌장 이행 현황").count() == 1
        assert f"{last_year}년" in page.locator('[data-testid="stCaptionContainer"]').first.inner_text()

        page.goto(app.link())  # a new page load is a new session: it needs the link again
        wait_drawn(page)
        assert "고객헌장 이행 현황" in page.locator("h1").first.inner_text()
        card = page.locator('.kpi-card[data-kpi="cert.review_15d"]')
        assert card.count() == 1
        assert "cert.review_15d" not in card.inner_text()  # no raw code on the card, in Korean mode
        assert "지표 cert.review_15d" in card.locator("[title]").first.get_attribute("title")  # on hover

        page.get_by_role("link", name="자세히 보기").first.click()
        page.wait_for_url(re.compile(r".*/area_cert.*"))
        wait_drawn(page)
        assert page.locator("h1").first.inner_text().strip() == "단체표준 인증"
        assert page.locator('[data-testid="stPlotlyChart"] .main-svg').count() > 0

        page.goto(app.link("upload"))
        wait_drawn(page)
        # Streamlit's own "Upload" button and limits line, shown in Korean (a style puts our words over them)
        button = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
        shown = page.evaluate(f"() => getComputedStyle(document.querySelector('{button}'), '::after').content")
        assert shown == '"파일 선택"'
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(sample))
        import_button = page.get_by_role("button", name="2행 가져오기")
        import_button.wait_for(timeout=30_000)
        import_button.click()
        page.get_by_text("2행을 가져왔습니다", exact=False).first.wait_for(timeout=30_000)
        # The newest upload is the one offered for undo (the history grid itself is drawn on a canvas).
        wait_drawn(page)
        assert page.get_by_text("e2e_cases.xlsx", exact=False).count() >= 1

        # A copied explorer link opens the same view, and the address follows the filters.
        page.goto(app.link("explore", data="cases", years=str(last_year), type="cert_review"))
        wait_drawn(page)
        chip = page.get_by_role("button", name="Remove 인증 신청 서류검토")
        assert chip.count() == 1 and "type=cert_review" in page.url
        chip.click()
        page.wait_for_url(lambda url: "type=" not in url and f"years={last_year}" in url, timeout=30_000)


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    """An outside server that counts what the browser asks it for (it must be asked for nothing)."""

    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        type(self).requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_course_names_with_markup_are_shown_as_text_in_chromium(tmp_path, database_url):
    from metrics import store
    from metrics.intake.ingest import ingest_file
    from tests.sheets import csv
    from ui import plain

    outside = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    threading.Thread(target=outside.serve_forever, daemon=True).start()
    there = f"http://127.0.0.1:{outside.server_port}"
    image, link = f"![x]({there}/image.png)", f"<a href={there}/link>교육</a>"
    today = clock.today().isoformat()
    engine = store.get_engine(database_url)
    ingest_file(engine, csv([["교육과정명", "교육종료일", "수료여부", "교육생번호"], [link, today, "수료", "A-1"],
                             [image, today, "수료", "A-2"]]), "attendance.csv", kind="attendance")
    ingest_file(engine, csv([["교육과정명", "응답일시", "전반적 만족도"], ["다른 과정", today, "5"]]), "survey.csv",
                kind="trainee_survey")
    try:
        with running_app(database_url) as app, tempfile.TemporaryDirectory() as profile, \
                browser_page(Path(profile)) as page:
            page.goto(app.link("area_edu"))
            wait_drawn(page)
            main = page.locator('[data-testid="stMain"]')
            # The note listing courses without feedback shows both names as their own characters...
            note = main.get_by_text("의견 수렴 없는 과정", exact=False).first.inner_text()
            shown = note.replace(plain.WORD_JOINER, "")  # the invisible joiners that keep addresses from linking
            assert image in shown and link in shown
            # ...and the completions chart labels them as text too; nothing anywhere points outside.
            assert main.locator(f'img[src^="{there}"], image[href^="{there}"]').count() == 0
            assert page.locator(f'a[href^="{there}"]').count() == 0
            # The completions chart (the trainees' distribution tab) ticks the tag's characters (shortened), not a link.
            main.locator(".st-key-tabs-edu-trainees").get_by_role("tab", name="분포").click()
            main.locator(".st-key-tabs-edu-trainees [data-testid='stPlotlyChart'] .main-svg").first.wait_for(timeout=60_000)
            assert page.locator('[data-testid="stPlotlyChart"] text', has_text=f"<a href={there}/").count() >= 1
    finally:
        outside.shutdown()
    assert _CountingHandler.requests == []


def _signed_in_as(page) -> str:
    """Who the sidebar says is signed in ("" when nobody is)."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    return sidebar.inner_text() if sidebar.get_by_role("button", name="로그아웃").count() else ""


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_a_local_sign_in_lasts_across_reloads_and_tabs_until_sign_out_and_no_table_offers_a_download(
        tmp_path, demo_database_url):
    from metrics import store
    from metrics.access import auth

    engine = store.get_engine(demo_database_url)
    auth.add_user(engine, "kim", "Pumpkin-Seventeen-42", ["viewer"], actor="test")
    last_year = clock.today().year - 1
    with (
        running_app(demo_database_url) as app,
        tempfile.TemporaryDirectory() as profile,
        browser_page(Path(profile)) as page,
    ):
        # A shared link, signed out: the Korean sign-in form at that address, not Streamlit's "Page not found".
        page.goto(app.url("area_cert", year=last_year))
        wait_drawn(page)
        assert page.get_by_text("Page not found").count() == 0
        assert page.get_by_label("아이디").count() == 1 and page.get_by_label("비밀번호").count() == 1
        page.get_by_label("아이디").fill("kim")
        page.get_by_label("비밀번호").fill("Pumpkin-Seventeen-42")
        with page.expect_navigation():  # to the cookie route and back to the link's page
            page.get_by_role("button", name="로그인").click()
        wait_drawn(page)
        assert page.url == app.url("area_cert", year=last_year)
        assert page.locator("h1").first.inner_text().strip() == "단체표준 인증"
        assert "kim" in _signed_in_as(page)

        # The session id is in an HttpOnly, SameSite=Strict cookie that no script on the page can read.
        [cookie] = [c for c in page.context.cookies() if c["name"] == "charter_session"]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and not cookie["secure"]  # plain HTTP here
        assert "charter_session" not in page.evaluate("document.cookie")

        # The late cases (a viewer's page): the table toolbar has search and full screen, but no CSV download.
        page.get_by_role("tab", name="분포").first.click()
        table = page.locator('[data-testid="stDataFrame"]').first
        table.wait_for(state="visible")
        table.hover()
        toolbar = page.locator('[data-testid="stElementToolbar"]')
        toolbar.get_by_role("button", name="Search").first.wait_for(state="visible")
        assert toolbar.get_by_role("button", name="Download as CSV").count() == 0

        page.reload()
        wait_drawn(page)
        assert page.locator("h1").first.inner_text().strip() == "단체표준 인증" and "kim" in _signed_in_as(page)

        other = page.context.new_page()  # a new tab of the same browser
        other.goto(app.url())
        wait_drawn(other)
        assert "고객헌장 이행 현황" in other.locator("h1").first.inner_text() and "kim" in _signed_in_as(other)

        with page.expect_navigation():  # to the route that drops the cookie, then the first page
            page.locator('[data-testid="stSidebar"]').get_by_role("button", name="로그아웃").click()
        wait_drawn(page)
        # Streamlit may still show the last run's sidebar, faded, while the signed-out run replaces it.
        assert eventually(lambda: page.get_by_label("아이디").count() == 1 and _signed_in_as(page) == ""), \
            _signed_in_as(page)
        assert [c for c in page.context.cookies() if c["name"] == "charter_session"] == []

        # The other tab still holds its page; its next click asks the server, which has ended the session.
        other.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
        other.get_by_label("Username").wait_for()
        assert eventually(lambda: _signed_in_as(other) == ""), _signed_in_as(other)  # the faded sidebar goes
        other.reload()
        wait_drawn(other)
        assert eventually(lambda: other.get_by_label("Username").count() == 1 and _signed_in_as(other) == ""), \
            _signed_in_as(other)
