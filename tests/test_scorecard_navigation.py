"""The scorecard as a working tool: a status count filters the cards; a card's link opens its own promise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics import store
from metrics.kpi.registry import load_registry
from metrics.kpi.scorecard import compute_scorecard, summary_category
from tests.app_fixtures import local_mode_env, with_local_token
from ui.anchors import section_anchor

APP = str(Path(__file__).resolve().parents[1] / "app.py")
pytestmark = pytest.mark.db  # the pages read the database DATABASE_URL names


@pytest.fixture(autouse=True)
def _local_mode(monkeypatch):
    local_mode_env(monkeypatch)


def _scorecard() -> AppTest:
    at = with_local_token(AppTest.from_file(APP, default_timeout=90))
    at.run()
    return at


def _card_ids(at: AppTest) -> list[str]:
    return re.findall(r'data-kpi="([^"]+)"', "\n".join(h.value for h in at.html))


def test_choosing_missed_shows_only_the_missed_cards_and_choosing_it_again_shows_all(demo_database_url):
    at = _scorecard()
    year = int(re.match(r"(\d{4})년", at.title[0].value).group(1))
    results = compute_scorecard(store.get_engine(demo_database_url), year)
    missed = sorted(r.id for r in results if summary_category(r) == "not_met")
    assert missed and len(_card_ids(at)) == len(results)
    at.pills(key="status-filter").set_value("not_met").run()
    assert sorted(_card_ids(at)) == missed
    assert any(f"{len(missed)}개만 표시 중 (전체 {len(results)}개)" in i.value for i in at.info)
    at.pills(key="status-filter").set_value(None).run()
    assert len(_card_ids(at)) == len(results)


def test_the_area_page_opened_from_a_card_keeps_the_charter_order_and_scrolls_to_that_promise(demo_database_url):
    edu = [k for k in load_registry() if k.area_id == "edu"]
    last = edu[-1]
    at = with_local_token(AppTest.from_file(APP, default_timeout=90))
    at.query_params["kpi"] = last.id
    at.run()
    at.switch_page("pages/area_edu.py").run()
    assert not at.exception
    assert [s.value for s in at.subheader] == [k.title_ko for k in edu]  # the page reads the same however reached
    scripts = [e.proto.body for e in at.get("html") if "scrollIntoView" in e.proto.body]
    assert len(scripts) == 1 and f'"{section_anchor(last.id)}"' in scripts[0]


def test_the_area_page_opened_without_a_card_scrolls_nowhere(demo_database_url):
    at = with_local_token(AppTest.from_file(APP, default_timeout=90))
    at.run()
    at.switch_page("pages/area_cert.py").run()
    assert not at.exception
    assert not [e for e in at.get("html") if "scrollIntoView" in e.proto.body]
