"""Streamlit's own words in Korean mode, in headless Chromium: the English main menu hidden, the typing hints under text
boxes and the status widget's Stop button drawn in Korean (ui/streamlit_words.py); English mode keeps Streamlit's."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.app_fixtures import browser_missing_reason, browser_page, eventually, running_app, wait_drawn

pytestmark = pytest.mark.browser
NO_BROWSER = browser_missing_reason()
HINT = '[data-testid="InputInstructions"] > span:first-child'
SHOWN = "(sel) => { const e = document.querySelector(sel); return e && [getComputedStyle(e).fontSize, " \
        "getComputedStyle(e, '::after').content]; }"
STYLES = "() => [...document.querySelectorAll('style')].map(s => s.textContent).join('\\n')"


def _hint_after_typing(page, field) -> list | None:
    field.focus()
    page.keyboard.type("ab")
    return eventually(lambda: page.evaluate(SHOWN, HINT))


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_korean_mode_shows_streamlits_own_words_in_korean(database_url):
    with (
        running_app(database_url) as app,
        tempfile.TemporaryDirectory() as profile,
        browser_page(Path(profile)) as page,
    ):
        page.goto(app.link("admin"))
        assert eventually(lambda: page.get_by_label("아이디").count() >= 1, 60)
        wait_drawn(page)
        # No main menu: its Print, Record screen and "Made with Streamlit" are English only.
        assert not page.locator('[data-testid="stMainMenu"]').is_visible()

        # In a form: "Press Enter to submit form" is hidden and ours is drawn in its place.
        assert _hint_after_typing(page, page.get_by_label("아이디").first) == ["0px", '"Enter 키를 누르면 제출됩니다"']
        page.keyboard.press("Tab")

        # Outside a form (the audit log's user filter): "Press Enter to apply".
        page.get_by_role("tab", name="감사 기록").click()
        actor = page.get_by_label("사용자")
        actor.wait_for()
        assert _hint_after_typing(page, actor) == ["0px", '"Enter 키를 누르면 적용됩니다"']
        page.keyboard.press("Tab")

        # The Stop button shows only while a page runs: its rule is on the page.
        assert '[data-testid="stStatusWidget"] button::after { content: "중지"' in page.evaluate(STYLES)

        # English mode: Streamlit's own words again, nothing drawn over them.
        page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
        assert eventually(lambda: page.get_by_label("Username").count() >= 1)
        wait_drawn(page)
        assert "중지" not in page.evaluate(STYLES)
        assert eventually(lambda: page.locator('[data-testid="stMainMenu"]').is_visible())
