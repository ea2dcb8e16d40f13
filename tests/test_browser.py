"""End to end in headless Chromium: the scorecard, an area page, and an upload, against `streamlit run` on demo data."""

from __future__ import annotations

import io
import re
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tests.app_fixtures import (
    browser_missing_reason,
    browser_page,
    copy_db,
    running_app,
    shared_demo_db,
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
def test_scorecard_area_page_and_upload_in_chromium(tmp_path):
    url = copy_db(shared_demo_db(), tmp_path)
    sample = _sample_cases(tmp_path)
    last_year = date.today().year - 1
    with (
        running_app(url) as base,
        tempfile.TemporaryDirectory() as profile,
        browser_page(Path(profile)) as page,
    ):
        # A deep link first, on a fresh server: it must still go through app.py (menu, year from the URL).
        page.goto(f"{base}/area_edu?year={last_year}")
        wait_drawn(page)
        assert page.locator("h1").first.inner_text().strip() == "상하수도 교육"
        assert page.locator('[data-testid="stSidebarNav"]').get_by_text("헌장 이행 현황").count() == 1
        assert f"{last_year}년" in page.locator('[data-testid="stCaptionContainer"]').first.inner_text()

        page.goto(base)
        wait_drawn(page)
        assert "고객헌장 이행 현황" in page.locator("h1").first.inner_text()
        assert page.get_by_text("지표 cert.review_15d").count() == 1

        page.get_by_role("link", name="자세히 보기").first.click()
        page.wait_for_url(re.compile(r".*/area_cert.*"))
        wait_drawn(page)
        assert page.locator("h1").first.inner_text().strip() == "단체표준 인증"
        assert page.locator('[data-testid="stPlotlyChart"] .main-svg').count() > 0

        page.goto(f"{base}/upload")
        wait_drawn(page)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(sample))
        import_button = page.get_by_role("button", name="2행 가져오기")
        import_button.wait_for(timeout=30_000)
        import_button.click()
        page.get_by_text("2행을 가져왔습니다", exact=False).first.wait_for(timeout=30_000)
        # The newest upload is the one offered for undo (the history grid itself is drawn on a canvas).
        wait_drawn(page)
        assert page.get_by_text("e2e_cases.xlsx", exact=False).count() >= 1
