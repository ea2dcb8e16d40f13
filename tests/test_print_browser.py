"""The scorecard printed to A4 in headless Chromium: no sidebar, every card on paper, nothing cut at the right."""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from metrics.kpi.registry import load_registry
from tests.app_fixtures import browser_missing_reason, browser_page, running_app, wait_drawn

pytestmark = pytest.mark.browser
NO_BROWSER = browser_missing_reason()
A4_WIDTH_PX = 794  # 210 mm at 96 px per inch: the width a page is laid out at when printed on A4


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_the_scorecard_prints_on_a4_without_the_sidebar_and_with_every_card(tmp_path, demo_database_url):
    with running_app(demo_database_url) as app, tempfile.TemporaryDirectory() as profile, \
            browser_page(Path(profile)) as page:
        page.goto(app.link())
        wait_drawn(page)
        page.emulate_media(media="print")
        page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1123})
        wait_drawn(page)
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        cut = page.evaluate(
            "() => [...document.querySelectorAll('.kpi-card')]"
            ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length"
        )
        assert cut == 0
        pdf = page.pdf(format="A4", print_background=True)
    if os.environ.get("PRINT_PDF_OUT"):  # to look at it: PRINT_PDF_OUT=/tmp/scorecard.pdf, then pdftoppm
        Path(os.environ["PRINT_PDF_OUT"]).write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2  # the whole page, not the first screenful
    assert all(abs(float(p.mediabox.width) - 595) < 1.5 and abs(float(p.mediabox.height) - 842) < 1.5 for p in reader.pages)
    # NFKC: Chromium sets "fi" as one ligature glyph (brieﬁng)
    text = unicodedata.normalize("NFKC", re.sub(r"[\s\x00]+", "", "".join(p.extract_text() for p in reader.pages)))
    # Every promise is on paper: its title as the card shows it (the id is only a hover on screen).
    missing = [k.id for k in load_registry() if _squeezed(k.title_ko) not in text]
    assert missing == []
    assert "데이터업로드" not in text  # the sidebar's menu is not printed


def _squeezed(title: str) -> str:
    return unicodedata.normalize("NFKC", re.sub(r"\s+", "", title))
