"""A CSV upload is described without the stand-in sheet name the reader gives it ("시트 csv") (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app_fixtures import local_mode_env, with_local_token

APP = str(Path(__file__).resolve().parents[1] / "app.py")
pytestmark = pytest.mark.db
CSV = "접수번호,업무구분,제목,접수일,처리일\nT-1,홈페이지 문의,문의 1,2024-03-04,2024-03-05\n".encode("utf-8-sig")


def test_a_csv_upload_is_read_as_its_kind_without_a_sheet_called_csv(monkeypatch):
    local_mode_env(monkeypatch)
    at = with_local_token(AppTest.from_file(APP, default_timeout=90))
    at.run()
    at.switch_page("pages/upload.py").run()
    at.file_uploader[0].upload("접수대장.csv", CSV, "text/csv")
    at.run()
    assert not at.exception
    captions = [c.value for c in at.caption if c.value.startswith("읽은 자료")]
    assert captions and all("시트" not in c and "csv" not in c for c in captions), captions
