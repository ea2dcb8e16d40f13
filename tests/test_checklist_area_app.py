"""The customer-service area page through AppTest: a checklist KPI shows its breakdown by the kind's grouping, the
rows that missed with the items they missed, and each item's share."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app_fixtures import local_mode_env, with_local_token

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 300  # the page draws every KPI of the area; a loaded machine is slow
pytestmark = pytest.mark.db


def test_an_area_page_shows_a_checklist_kpis_breakdown_and_the_rows_that_missed(demo_database_url, monkeypatch):
    local_mode_env(monkeypatch)
    at = with_local_token(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.run()
    at.switch_page("pages/area_cs.py").run()
    assert not at.exception, [e.value for e in at.exception]
    frames = [d.value for d in at.dataframe]
    by_department = [f for f in frames if "department" in f.columns and "checks" in f.columns]
    assert by_department, "no breakdown by department on the page"
    assert (by_department[0][["passed", "failed"]].sum(axis=1) == by_department[0]["checks"]).all()
    by_page = [f for f in frames if "page" in f.columns and "share" in f.columns]  # the website review, by page
    assert by_page
    missed = [f for f in frames if "failed_items" in f.columns]
    assert missed, "no list of the rows that missed"
    named = {part for f in missed for cell in f["failed_items"] for part in str(cell).split(", ")}
    assert named & {"인사말", "소속·이름 안내", "경청", "최신 여부", "사전 연락"}  # the items in words, not codes
    items = [f for f in frames if "item" in f.columns]
    assert any("인사말" in set(f["item"]) for f in items)
    labels = {m.label for m in at.metric}
    assert {"충족", "미충족", "점검 안 함"} <= labels
