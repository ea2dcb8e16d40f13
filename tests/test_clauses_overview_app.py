"""The scorecard's clause overview (ui/clauses_overview.py) through AppTest on the demo data: every clause of the
charter as the charter numbers it, in a few words, with the core's status in words and colour and its KPIs by
name; never a status judged on the page."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics import store
from metrics.kpi.clauses import clause_rows
from metrics.kpi.registry import load_registry
from metrics.kpi.scorecard import compute_scorecard
from metrics.store.frames import default_year
from tests.app_fixtures import local_mode_env, with_local_token
from ui import theme

APP = str(Path(__file__).resolve().parents[1] / "app.py")
pytestmark = pytest.mark.db


def _scorecard(lang: str | None = None) -> AppTest:
    at = with_local_token(AppTest.from_file(APP, default_timeout=90))
    if lang:
        at.query_params["lang"] = lang
    return at.run()


def _overview(at: AppTest) -> str:
    [table] = [str(h.proto.body) for h in at.get("html") if "clauses-overview" in str(h.proto.body)]
    return table


def _cells(table: str, clause_id: str) -> list[str]:
    row = re.search(rf'<tr data-clause="{re.escape(clause_id)}"[^>]*>(.*?)</tr>', table, re.S)
    assert row, clause_id
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)


def test_every_clause_is_listed_with_the_cores_status_and_its_kpis_by_name(monkeypatch, demo_database_url):
    local_mode_env(monkeypatch)
    at = _scorecard()
    assert not at.exception
    registry = load_registry()
    [expander] = [e for e in at.expander if "헌장 조항별 이행 현황" in e.label]
    assert f"{len(registry.clauses)}개 조항" in expander.label
    table = _overview(at)

    engine = store.get_engine(demo_database_url)
    results = compute_scorecard(engine, default_year(engine))
    titles = {r.id: r.title_ko for r in results}
    rows = clause_rows(results, registry)
    assert re.findall(r'data-clause="([^"]+)"', table) == [r["id"] for r in rows]  # the charter's order, each once
    for row in rows:
        label, promise, status, kpis = _cells(table, row["id"])
        assert label == row["label"]  # Ⅱ.1.가, as the cards show it
        assert promise == next(c.short for c in registry.clauses if c.id == row["id"])
        assert row["status_ko"] in status and theme.status_style(row["status"]).colour in status
        assert all(titles[k] in kpis for k in row["kpis"]) and not any(k in kpis for k in row["kpis"])  # names, no ids
    missed = [r for r in rows if r["status"] == "not_met"]
    assert missed, "the demo misses some promises"
    assert f'data-clause="{missed[0]["id"]}" data-status="not_met"' in table


def test_in_english_the_overview_uses_the_english_gloss_and_ids(monkeypatch, demo_database_url):
    local_mode_env(monkeypatch)
    at = _scorecard("English")
    assert [e for e in at.expander if "clause by clause" in e.label]
    first = load_registry().clauses[0]
    label, promise, _status, _kpis = _cells(_overview(at), first.id)
    assert label == first.id and promise == escape(first.text_en)


def test_a_clause_without_a_short_promise_shows_the_charters_own_sentence():
    from metrics.kpi.clauses import parse_clauses

    entry = {"id": "II.1.a", "section_ko": "Ⅱ.1", "section_en": "II.1", "text_ko": "15일 이내에 회신해 드리겠습니다.",
             "text_en": "Within 15 days."}
    (plain,), problems = parse_clauses({"clause": [entry]})
    (short,), _ = parse_clauses({"clause": [{**entry, "short_ko": " 서류검토 15일 "}]})
    assert problems == [] and plain.short == "15일 이내에 회신해 드리겠습니다." and short.short == "서류검토 15일"
