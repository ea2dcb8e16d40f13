"""A card's link in headless Chromium: the area page opens scrolled to that promise's section (not its top), with
the tab of its cases open; the same for a link shared from a card and opened signed out, after the sign-in."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import pytest

from metrics import clock
from metrics.kpi.registry import load_registry
from tests.app_fixtures import browser_missing_reason, browser_page, running_app, wait_drawn
from ui.anchors import section_anchor

pytestmark = pytest.mark.browser
NO_BROWSER = browser_missing_reason()
PASSWORD = "Pumpkin-Seventeen-42"
# The last deadline promise of the customer-service area (it has cases), far down its page.
LAST_CS = [k for k in load_registry() if k.area_id == "cs" and k.measure == "deadline_share"][-1]
assert LAST_CS.measure == "deadline_share"

WHERE_JS = """anchor => {
    const heading = document.getElementById(anchor), title = document.querySelector('h1');
    if (!heading || !title) return null;
    return {top: heading.getBoundingClientRect().top, titleBottom: title.getBoundingClientRect().bottom,
            height: window.innerHeight};
}"""


def _section_stays_in_view(page, anchor: str, timeout_s: float = 60.0, hold_s: float = 2.0) -> dict | None:
    """Where the section's heading is once it has been in the upper part of the view for `hold_s` (None if never).

    Polled: the page draws charts above the section after it, and a loaded machine draws slowly."""
    deadline, since, where = time.monotonic() + timeout_s, None, None
    while time.monotonic() < deadline:
        where = page.evaluate(WHERE_JS, anchor)
        seen = where is not None and 0 <= where["top"] <= where["height"] / 3
        since = (since or time.monotonic()) if seen else None
        if since and time.monotonic() - since >= hold_s:
            return where
        time.sleep(0.2)
    return None


def _selected_tab(page, anchor: str) -> str:
    """The open tab of the section's tabs (keyed by the section's anchor)."""
    return page.locator(f".st-key-tabs-{anchor} [role='tab'][aria-selected='true']").inner_text().strip()


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_a_cards_link_opens_the_area_page_scrolled_to_its_promise_with_its_cases(demo_database_url):
    anchor = section_anchor(LAST_CS.id)
    with running_app(demo_database_url) as app, tempfile.TemporaryDirectory() as profile, \
            browser_page(Path(profile), height=900) as page:
        page.goto(app.link())
        wait_drawn(page)
        page.locator(f'.kpi-card[data-kpi="{LAST_CS.id}"]').wait_for()
        page.evaluate("() => { window.sameDocument = true; }")
        page.locator(f'a[href*="kpi={LAST_CS.id}"]', has_text="자세히 보기").click()
        page.wait_for_url(re.compile(r".*/area_cs\?.*kpi="))
        assert page.evaluate("() => window.sameDocument === true")  # changed like the menu does: no reload
        where = _section_stays_in_view(page, anchor)
        assert where is not None, page.evaluate(WHERE_JS, anchor)
        assert where["titleBottom"] < 0  # scrolled: the page's title is above the view, not at the top
        assert _selected_tab(page, anchor) == "분포"  # the late and pending cases are in this tab
        # The others keep their details closed (an area of many KPIs draws charts when asked): no tabs drawn.
        assert page.locator(f".st-key-details-{section_anchor('cs.phone_3_rings')}").count() == 1
        assert page.locator(f".st-key-tabs-{section_anchor('cs.phone_3_rings')}").count() == 0
        page.go_back()  # the browser's back button returns to the scorecard, in the same document
        page.locator("h1", has_text="고객헌장 이행 현황").first.wait_for(timeout=60_000)
        assert page.evaluate("() => window.sameDocument === true")


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_a_link_shared_from_a_card_opens_at_its_promise_after_the_sign_in(demo_database_url):
    from metrics import store
    from metrics.access import auth

    auth.add_user(store.get_engine(demo_database_url), "kim", PASSWORD, ["viewer"], actor="test")
    year = clock.today().year - 1
    anchor = section_anchor(LAST_CS.id)
    with running_app(demo_database_url) as app, tempfile.TemporaryDirectory() as profile, \
            browser_page(Path(profile), height=900) as page:
        shared = app.url("area_cs", kpi=LAST_CS.id, year=year)
        page.goto(shared)
        wait_drawn(page)
        page.get_by_label("아이디").fill("kim")
        page.get_by_label("비밀번호").fill(PASSWORD)
        with page.expect_navigation():  # to the cookie route and back to the shared link
            page.get_by_role("button", name="로그인").click()
        assert page.url == shared
        where = _section_stays_in_view(page, anchor)
        assert where is not None, page.evaluate(WHERE_JS, anchor)
        assert where["titleBottom"] < 0
        assert f"{year}년" in page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()
