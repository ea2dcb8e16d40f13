"""The blank templates' buttons at 1024 px, in headless Chromium: each says its whole kind (no "참가기업 …")."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.app_fixtures import browser_missing_reason, browser_page, eventually, running_app, wait_drawn

pytestmark = pytest.mark.browser
NO_BROWSER = browser_missing_reason()
# Each blank template button's words: [shown text, whether the text is cut (wider than its box)].
LABELS = """() => [...document.querySelectorAll('[data-testid="stDownloadButton"] button')]
    .filter(b => b.closest('[data-testid="stMain"]'))
    .map(b => { const p = b.querySelector('[data-testid="stMarkdownContainer"]') || b;
                return [p.innerText.trim(), p.scrollWidth > p.clientWidth + 1 || b.scrollWidth > b.clientWidth + 1]; })"""


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_every_blank_template_button_shows_its_whole_kind_at_1024_px(database_url):
    with (
        running_app(database_url) as app,
        tempfile.TemporaryDirectory() as profile,
        browser_page(Path(profile), width=1024, height=900) as page,
    ):
        page.goto(app.link("upload"))
        assert eventually(lambda: page.get_by_text("빈 양식 내려받기").count() >= 1, 90)
        wait_drawn(page, 90)
        labels = eventually(lambda: page.evaluate(LABELS), 30)
        assert len(labels) >= 10  # one per upload kind
        assert [text for text, cut in labels if cut] == []
