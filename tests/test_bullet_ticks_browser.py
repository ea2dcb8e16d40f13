"""The bullet's tick labels never touch, in headless Chromium: at 1024 px an area page's bullet sits in one of two
columns and six labels (0% ... 100%) ran together ("80%100%"); on a narrow track a sparse row shows instead."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.app_fixtures import browser_missing_reason, browser_page, eventually, running_app, wait_drawn

pytestmark = pytest.mark.browser
NO_BROWSER = browser_missing_reason()
# Per bullet: the smallest gap (px) between neighbouring tick labels that are shown, and how many are shown.
GAPS = """() => [...document.querySelectorAll('.kpi-bullet')].map(b => {
    const boxes = [...b.querySelectorAll('span')].filter(s => s.getClientRects().length).map(s => s.getBoundingClientRect());
    let gap = Infinity;
    for (let i = 1; i < boxes.length; i++) gap = Math.min(gap, boxes[i].left - boxes[i - 1].right);
    return [gap, boxes.length]; })"""


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
@pytest.mark.parametrize("width", [1024, 390])
def test_the_bullets_tick_labels_keep_apart_at_1024_px_and_on_a_phone(demo_database_url, width):
    with (
        running_app(demo_database_url) as app,
        tempfile.TemporaryDirectory() as profile,
        browser_page(Path(profile), width=width, height=900) as page,
    ):
        for area in ("cert", "cs"):
            page.goto(app.link(f"area_{area}"))
            assert eventually(lambda: page.locator(".kpi-bullet").count() >= 1, 90)
            wait_drawn(page, 90)
            gaps = page.evaluate(GAPS)
            assert all(shown >= 2 for _, shown in gaps), gaps  # at least both ends are labelled
            assert [g for g in gaps if g[0] < 4] == [], (area, gaps)
