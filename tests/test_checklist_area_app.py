"""The customer-service area page through AppTest: a checklist KPI shows its breakdown by the kind's grouping, the
rows that missed with the items they missed, and each item's share."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics.kpi.registry import load_registry
from tests.app_fixtures import local_mode_env, open_tab, with_local_token
from ui.area import DETAILS_OPEN_UP_TO

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 300  # the page draws every KPI of the area; a loaded machine is slow
pytestmark = pytest.mark.db


def test_an_area_page_shows_a_checklist_kpis_breakdown_and_the_rows_that_missed(demo_database_url, monkeypatch):
    local_mode_env(monkeypatch)
    cs = [k.id for k in load_registry() if k.area_id == "cs"]
    at = with_local_token(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.run()
    at.switch_page("pages/area_cs.py")
    open_tab(at, cs, "세부 내역").run()
    assert not at.exception, [e.value for e in at.exception]
    frames = [d.value for d in at.dataframe]
    by_department = [f for f in frames if "department" in f.columns and "checks" in f.columns]
    assert by_department, "no breakdown by department on the page"
    assert (by_department[0][["passed", "failed"]].sum(axis=1) == by_department[0]["checks"]).all()
    by_page = [f for f in frames if "page" in f.columns and "share" in f.columns]  # the website review, by page
    assert by_page

    open_tab(at, cs, "분포").run()
    assert not at.exception, [e.value for e in at.exception]
    frames = [d.value for d in at.dataframe]
    missed = [f for f in frames if "failed_items" in f.columns]
    assert missed, "no list of the rows that missed"
    named = {part for f in missed for cell in f["failed_items"] for part in str(cell).split(", ")}
    assert named & {"인사말", "소속·이름 안내", "경청", "최신 여부", "사전 연락"}  # the items in words, not codes
    items = [f for f in frames if "item" in f.columns]
    assert any("인사말" in set(f["item"]) for f in items)
    labels = {m.label for m in at.metric}
    assert {"충족", "미충족", "점검 안 함"} <= labels


def test_an_area_of_many_kpis_draws_the_charts_of_a_kpi_only_when_its_details_are_opened(demo_database_url,
                                                                                       monkeypatch):
    local_mode_env(monkeypatch)
    cs = [k.id for k in load_registry() if k.area_id == "cs"]
    assert len(cs) > DETAILS_OPEN_UP_TO
    at = with_local_token(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.run()
    at.switch_page("pages/area_cs.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.expander) >= len(cs) and not at.get("plotly_chart") and not at.dataframe

    open_tab(at, cs[:1], "추이").run()  # the first KPI's details: its trend tab, and nothing of the other tabs
    assert not at.exception, [e.value for e in at.exception]
    keys = {c.proto.id for c in at.get("plotly_chart")}
    assert 1 <= len(keys) <= 2 and not at.metric and not at.dataframe


def test_an_area_of_few_kpis_shows_each_kpis_trend_at_once(demo_database_url, monkeypatch):
    local_mode_env(monkeypatch)
    edu = [k.id for k in load_registry() if k.area_id == "edu"]
    assert len(edu) <= DETAILS_OPEN_UP_TO
    at = with_local_token(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.run()
    at.switch_page("pages/area_edu.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("plotly_chart")) >= len(edu)  # each KPI's trend over the years (and months, when dated)


def test_a_kpi_section_that_fails_says_so_plainly_and_the_others_are_still_drawn(demo_database_url, monkeypatch):
    from ui import area

    local_mode_env(monkeypatch)
    cs = [k.id for k in load_registry() if k.area_id == "cs"]
    drawn = area.headline

    def failing(story):
        if story.kpi.id == cs[1]:
            raise RuntimeError("boom")
        drawn(story)

    monkeypatch.setattr(area, "headline", failing)
    at = with_local_token(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.run()
    at.switch_page("pages/area_cs.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1 and "boom" not in at.error[0].value  # said plainly, with a reference to quote
    assert len(at.subheader) == len(cs)  # the KPIs after it are drawn too
