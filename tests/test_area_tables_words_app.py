"""Every table on the area pages says its values in words: no stored code (course_survey, cert_review) in a cell
(issue 12: no raw codes in Korean mode). Checked on the demo data, every area."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app_fixtures import local_mode_env, with_local_token

APP = str(Path(__file__).resolve().parents[1] / "app.py")
AREAS = ("cert", "wk", "eval", "edu", "ft", "cs")
CODE = re.compile(r"^[a-z]+(_[a-z]+)+$")  # a stored code: lower-case words joined by "_"
pytestmark = pytest.mark.db


@pytest.mark.parametrize("area", AREAS)
def test_no_table_on_an_area_page_shows_a_stored_code(demo_database_url, monkeypatch, area):
    local_mode_env(monkeypatch)
    at = with_local_token(AppTest.from_file(APP, default_timeout=120))
    at.run()
    at.switch_page(f"pages/area_{area}.py").run()
    assert not at.exception
    codes = {(column, value) for table in at.dataframe for column in table.value.columns
             if table.value[column].dtype != bool
             for value in map(str, table.value[column].unique()) if CODE.match(value)}
    assert codes == set()
