"""The explorer page: the rows behind a KPI's number, reached from its scorecard card."""

from __future__ import annotations

from pathlib import Path

import pytest

from metrics import clock
from metrics.kpi.kpi_rows import kpi_rows
from metrics.kpi.registry import load_registry
from metrics.store import get_engine
from tests.app_fixtures import card_hrefs, local_mode_env
from tests.roles_app import navigation_only, signed_in  # noqa: F401 - navigation_only is a fixture
from tests.test_app_pages import _assert_clean, _open

pytestmark = pytest.mark.db
LAST_YEAR = clock.today().year - 1
APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(autouse=True)
def _local_mode(monkeypatch):
    local_mode_env(monkeypatch)


def _row_links(at) -> list[str]:
    """The query strings of the scorecard's links to the explorer."""
    return card_hrefs(at, "explore")


def test_every_card_links_to_the_rows_behind_its_number_for_the_year_shown(demo_database_url):
    at = _open("pages/scorecard.py", year=str(LAST_YEAR))
    _assert_clean(at)
    assert _row_links(at) == [f"kpi={k.id}&year={LAST_YEAR}" for k in load_registry()]


@pytest.mark.parametrize(("roles", "links"), [(("viewer",), 0), (("analyst",), len(load_registry()))])
def test_only_those_who_may_export_see_the_link(engine, roles, links):
    at = signed_in(engine, roles, APP)
    _assert_clean(at)
    assert len(_row_links(at)) == links == (len(load_registry()) if links else 0)


def test_the_link_opens_the_rows_behind_that_number_and_they_add_up_to_the_card(demo_database_url):
    at = _open("pages/explore.py", kpi="cert.review_15d", year=str(LAST_YEAR))
    _assert_clean(at)
    assert at.radio(key="explore-mode").value == "kpi"
    assert at.selectbox(key="explore-kpi").value == "cert.review_15d"
    found = kpi_rows(get_engine(demo_database_url), "cert.review_15d", LAST_YEAR)
    counts = found.counts()
    shown = {m.label: m.value for m in at.metric}
    assert shown == {"충족": f"{counts['met']:,}", "미충족": f"{counts['missed']:,}", "대기": f"{counts['pending']:,}",
                     "제외": f"{counts['excluded']:,}"}
    assert (counts["met"], counts["met"] + counts["missed"]) == (found.result.numerator, found.result.denominator)
    table = at.dataframe[0].value
    assert len(table) == len(found.rows) and set(table["state"]) <= {"충족", "미충족", "대기", "제외"}
    at.pills(key="explore-states").set_value(["missed"]).run()
    _assert_clean(at)
    assert len(at.dataframe[0].value) == counts["missed"]


def test_a_survey_kpis_rows_carry_the_score_it_used(demo_database_url):
    at = _open("pages/explore.py", kpi="edu.satisfaction", year=str(LAST_YEAR))
    _assert_clean(at)
    assert at.selectbox(key="explore-kpi").value == "edu.satisfaction"
    table = at.dataframe[0].value
    assert list(table.columns[:3]) == ["state", "reason", "score"]
    used = table[table["state"].isin(["충족", "미충족"])]
    assert (used["state"] == "충족").sum() == (used["score"] >= 4.0 - 1e-9).sum()


def test_every_row_state_and_reason_has_words():
    from metrics.kpi.measures.rows import REASONS, ROW_STATES
    from ui.i18n import labels

    keys = [f"values.row_state.{s}" for s in ROW_STATES] + [f"values.reason.{r}" for r in REASONS]
    assert [k for k in keys if k not in labels()] == []
