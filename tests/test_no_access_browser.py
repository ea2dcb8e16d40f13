"""A signed-in person opening a link to a page their role does not open (an analyst's explorer link sent to a viewer)
reads why, in Korean, at that address: not Streamlit's English "Page not found" (issue 12)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.app_fixtures import browser_missing_reason, browser_page, eventually, running_app, wait_drawn

pytestmark = pytest.mark.browser
NO_BROWSER = browser_missing_reason()
PASSWORD = "Pumpkin-Seventeen-42"


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_a_viewer_opening_an_analysts_link_reads_which_role_opens_it_in_korean(database_url):
    from metrics import store
    from metrics.access import auth

    auth.add_user(store.get_engine(database_url), "kim", PASSWORD, ["viewer"], actor="test")
    with (
        running_app(database_url) as app,
        tempfile.TemporaryDirectory() as profile,
        browser_page(Path(profile), width=1024, height=900) as page,
    ):
        page.goto(app.url("explore", data="cases"))
        assert eventually(lambda: page.get_by_label("아이디").count() == 1, 90)
        wait_drawn(page, 90)
        page.get_by_label("아이디").fill("kim")
        page.get_by_label("비밀번호").fill(PASSWORD)
        with page.expect_navigation(timeout=60_000):  # to the cookie route and back to the link's page
            page.get_by_role("button", name="로그인").click()
        assert eventually(lambda: page.get_by_text("역할이 있어야 열 수 있습니다").count() == 1, 90)
        wait_drawn(page, 90)
        assert page.get_by_text("Page not found").count() == 0
        assert "분석(탐색·내려받기)" in page.get_by_text("역할이 있어야 열 수 있습니다").inner_text()
        assert page.locator('[data-testid="stDownloadButton"]').count() == 0  # none of the explorer is drawn
        assert page.url.startswith(app.url("explore"))
