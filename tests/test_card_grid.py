"""The scorecard's cards as one HTML block (ui.card_grid): every card, its links keeping the page's year and
language, and only the fixed navigation script allowed to run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics import clock
from metrics.kpi.registry import load_registry
from tests.app_fixtures import card_hrefs, local_mode_env, scorecard_cards, with_local_token
from ui.card_grid import NAV_SCRIPT, AreaBlock, Link, grid_html, link_html

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_an_area_without_cards_draws_no_heading():
    blocks = [AreaBlock("cert", "인증", Link("area_cert", {}, "분야"), ['<div class="kpi-card" data-kpi="a"></div>']),
              AreaBlock("wk", "워터코리아", Link("area_wk", {}, "분야"), [])]
    drawn = grid_html(blocks)
    assert 'data-area="cert"' in drawn and 'data-area="wk"' not in drawn and "워터코리아" not in drawn


def test_a_link_is_escaped_and_marked_for_navigation_without_a_reload():
    drawn = link_html(Link("area_cs", {"kpi": "cs.phone", "year": "2025", "lang": "English"}, '<b>"상세"</b>'))
    assert 'href="area_cs?kpi=cs.phone&amp;year=2025&amp;lang=English"' in drawn
    assert "data-nav" in drawn and "&lt;b&gt;&quot;상세&quot;&lt;/b&gt;" in drawn and "<b>" not in drawn


def _scorecard(**query: str) -> AppTest:
    at = with_local_token(AppTest.from_file(APP, default_timeout=90))
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.db
def test_every_card_links_to_its_promise_on_its_area_page_in_the_year_and_language_shown(demo_database_url, monkeypatch):
    local_mode_env(monkeypatch)
    year = clock.today().year - 1
    at = _scorecard(year=str(year), lang="English")
    registry = load_registry()
    assert list(scorecard_cards(at)) == [k.id for a in registry.areas for k in registry if k.area_id == a.id]
    for area in registry.areas:
        assert card_hrefs(at, f"area_{area.id}") == [
            f"year={year}&lang=English",  # the area's heading
            *(f"kpi={k.id}&year={year}&lang=English" for k in registry if k.area_id == area.id),
        ]


@pytest.mark.db
def test_only_the_fixed_navigation_script_may_run_on_the_scorecard(demo_database_url, monkeypatch):
    local_mode_env(monkeypatch)
    at = _scorecard()
    scripts = [h.proto.body for h in at.html if h.proto.unsafe_allow_javascript]
    assert NAV_SCRIPT in scripts
    assert not [b for b in scripts if 'class="kpi-card"' in b]  # the cards hold people's words: never as script
    cards = next(h.proto.body for h in at.html if 'class="kpi-card"' in h.proto.body)
    assert not re.search(r"<script|\bon\w+=", cards)
