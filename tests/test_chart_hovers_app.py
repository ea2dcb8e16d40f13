"""Every point a chart lets you hover says its value in words and formats, never plotly's raw "(6, 0.5833333)"
(issue 12: values show as people write them). Checked on every area page of the demo data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics.kpi.registry import load_registry
from tests.app_fixtures import local_mode_env, open_tab, with_local_token

APP = str(Path(__file__).resolve().parents[1] / "app.py")
AREAS = ("cert", "wk", "eval", "edu", "ft", "cs")
TABS = ("추이", "분포", "세부 내역")
pytestmark = pytest.mark.db


def _unworded(trace: dict) -> bool:
    """A trace whose hover plotly would write itself: no template of ours, and hovering not turned off."""
    return not trace.get("hovertemplate") and trace.get("hoverinfo") not in ("skip", "none")


@pytest.mark.parametrize("area", AREAS)
def test_every_hover_on_an_area_page_is_worded_not_plotlys_raw_pair(demo_database_url, monkeypatch, area):
    local_mode_env(monkeypatch)
    kpis = [k.id for k in load_registry() if k.area_id == area]
    at = with_local_token(AppTest.from_file(APP, default_timeout=120))
    at.run()
    at.switch_page(f"pages/area_{area}.py")
    specs = []
    for tab in TABS:  # every KPI's details opened on each tab in turn: only the open tab is drawn
        open_tab(at, kpis, tab).run()
        assert not at.exception
        specs += [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert specs, "the area page draws charts"
    raw = [(spec["layout"].get("title", {}).get("text"), trace.get("name"))
           for spec in specs for trace in spec["data"] if _unworded(trace)]
    assert raw == []
