"""The upload page with odd and oversized files: the reader's answer shown as one message or as findings."""

from __future__ import annotations

import pytest

from metrics.intake import reading
from tests import hostile_files as hostile
from tests.app_fixtures import local_mode_env
from tests.test_app_pages import _assert_clean, _open, _upload

OTHER_ENCODING = "다른 인코딩"  # the problem other_encoding in words ([values.issue_code])

pytestmark = pytest.mark.db  # the page reads the database DATABASE_URL names


@pytest.fixture(autouse=True)
def _started_by_the_launcher(monkeypatch):
    local_mode_env(monkeypatch)


def test_a_workbook_with_too_many_sheets_gets_one_message_on_the_page(monkeypatch):
    monkeypatch.setattr(reading, "MAX_SHEETS", 3)
    at = _open("pages/upload.py")
    _upload(at, "many.xlsx", hostile.many_sheets(4))
    assert not at.exception
    assert len(at.error) == 1 and "4개" in at.error[0].value and "한도 3개" in at.error[0].value
    assert "upload-import" not in [b.key for b in at.button]


def test_a_row_in_the_other_encoding_is_in_the_report_and_the_rest_can_be_imported():
    header, good = "행사구분,개최일,행사명\r\n", "워크숍,2026-06-10,상반기\r\n"
    content = (header + good).encode() + "워크숍,2026-06-11,하반기\r\n".encode("cp949")
    at = _open("pages/upload.py")
    at.file_uploader[0].upload("행사.csv", content, "text/csv")
    at.run()
    _assert_clean(at)
    report = next(d.value for d in at.dataframe if "problem" in d.value.columns)  # the problems, by Excel row
    assert report[["row", "problem"]].values.tolist() == [[3, OTHER_ENCODING]]
    assert at.button(key="upload-import").label == "1행 가져오기"
