"""Local mode in headless Chromium: the printed link, opened once, keeps this browser in local mode across
reloads and new tabs through an HttpOnly cookie, until sign-out or the first account."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.app_fixtures import browser_missing_reason, browser_page, eventually, running_app, wait_drawn

pytestmark = pytest.mark.browser
NO_BROWSER = browser_missing_reason()
BANNER = "로컬 모드"


def _in_local_mode(page) -> bool:
    return page.locator('[data-testid="stAlertContentWarning"]').filter(has_text=BANNER).count() == 1


def _how_to_open(page) -> bool:
    return page.get_by_text("?token=").count() == 1 and not _in_local_mode(page)


def _session_cookies(page) -> list[dict]:
    return [c for c in page.context.cookies() if c["name"] == "charter_session"]


def _open_link(page, link: str) -> None:
    """Open the printed link: the page trades the token for the cookie and the browser comes back."""
    page.goto(link)
    assert eventually(lambda: bool(_session_cookies(page)))
    wait_drawn(page)  # it waits through the trip to the cookie route


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_the_printed_link_keeps_local_mode_across_reloads_and_tabs_until_sign_out(database_url):
    with (
        running_app(database_url) as app,
        tempfile.TemporaryDirectory() as profile,
        browser_page(Path(profile)) as page,
    ):
        _open_link(page, app.link("upload"))
        assert eventually(lambda: _in_local_mode(page)), page.url
        assert page.url == app.url("upload")  # the token left the address bar, the page stayed

        [cookie] = _session_cookies(page)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert "charter_session" not in page.evaluate("document.cookie")
        assert app.token not in str(page.context.cookies())  # the cookie holds a session id, not the token

        page.reload()
        wait_drawn(page)
        assert eventually(lambda: _in_local_mode(page))

        other = page.context.new_page()  # a new tab, without the link
        other.goto(app.url())
        wait_drawn(other)
        assert eventually(lambda: _in_local_mode(other))

        with page.expect_navigation():  # to the route that drops the cookie
            page.locator('[data-testid="stSidebar"]').get_by_role("button", name="로그아웃").click()
        wait_drawn(page)
        assert eventually(lambda: _how_to_open(page))
        assert _session_cookies(page) == []
        other.reload()
        wait_drawn(other)
        assert eventually(lambda: _how_to_open(other))


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_the_first_account_ends_local_mode_in_a_browser_that_kept_it(database_url):
    from metrics import store
    from metrics.access import auth

    with (
        running_app(database_url) as app,
        tempfile.TemporaryDirectory() as profile,
        browser_page(Path(profile)) as page,
    ):
        _open_link(page, app.link())
        assert eventually(lambda: _in_local_mode(page))
        auth.add_user(store.get_engine(database_url), "boss", "Pumpkin-Seventeen-42", ["admin"], actor="test")
        page.reload()
        wait_drawn(page)
        assert eventually(lambda: page.get_by_label("아이디").count() == 1 and not _in_local_mode(page))
