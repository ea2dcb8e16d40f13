"""The explorer's filter on a KPI's state of each row ("전화 응대 …: 미충족"): the rows it keeps, worked out by hand,
are the ones the table shows in that state; it combines with the other filters, on the page, in the URL, in a
saved view and in the export."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from metrics import explore
from metrics.access import audit
from metrics.access.auth import LOCAL_MODE_NAME
from metrics.explore import saved_views
from metrics.explore.export import to_csv_bytes, to_xlsx_bytes
from metrics.intake.ingest import ingest_file
from tests.app_fixtures import local_mode_env, with_local_token
from tests.sheets import csv
from tests.test_explore import CASES, TODAY, _cases, _import
from ui import explore_views

APP = str(Path(__file__).resolve().parents[1] / "app.py")
MONITORING = "monitoring"
GREETING, LISTENING, CALLBACK = "cs.monitor_phone_greeting", "cs.monitor_phone_listening", "cs.monitor_phone_callback"
OFFICE = "cs.monitor_visit_office"
# One monitored contact a row; a blank item was not checked. By hand, per KPI (registry.toml's columns):
#   greeting (greeting + name_given):  P-1 met, P-2 missed (no name), P-3 met
#   listening (listening + transfer):  P-1 met, P-2 met (only listening checked), P-3 missed (transfer X)
#   callback:                          P-1 not checked, P-2 met, P-3 missed
#   office (visits only):              V-1 met, V-2 missed; the phone KPIs leave the visits blank, and back
SHEET = [
    ["점검일", "응대구분", "부서", "점검번호", "인사말", "소속·이름 안내", "경청", "연결 시 부서·이름·번호 안내",
     "부재 시 메모·회신", "안내도·좌석배치도", "민원실 응대", "대기시간(분)"],
    ["2025-03-04", "전화", "인증팀", "P-1", "Y", "Y", "Y", "Y", "", "", "", ""],
    ["2025-03-05", "전화", "교육팀", "P-2", "Y", "N", "Y", "", "Y", "", "", ""],
    ["2025-04-10", "전화", "총무팀", "P-3", "Y", "Y", "Y", "N", "N", "", "", ""],
    ["2025-04-11", "방문", "인증팀", "V-1", "", "Y", "", "", "", "Y", "Y", "5"],
    ["2025-05-20", "방문", "교육팀", "V-2", "", "Y", "", "", "", "Y", "N", "5"],
]


def _refs(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["ref"])


@pytest.fixture
def monitored(engine):
    assert ingest_file(engine, csv(SHEET), "모니터링.csv", kind=MONITORING).ok
    return engine


# ---- the core --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("chosen", "other", "expected"), [
    ((f"{GREETING}:missed",), {}, ["P-2"]),
    ((f"{GREETING}:met",), {}, ["P-1", "P-3"]),
    ((f"{CALLBACK}:not_checked",), {}, ["P-1"]),  # a visit is not "not checked" by a phone KPI: it is not its row
    ((f"{CALLBACK}:met", f"{CALLBACK}:not_checked"), {}, ["P-1", "P-2"]),  # one KPI twice: either state
    ((f"{LISTENING}:missed", f"{CALLBACK}:missed"), {}, ["P-3"]),  # two KPIs: both hold
    ((f"{GREETING}:missed", f"{CALLBACK}:missed"), {}, []),  # P-2's callback was met
    ((f"{OFFICE}:missed",), {}, ["V-2"]),
    ((f"{GREETING}:met",), {"date_to": date(2025, 3, 31)}, ["P-1"]),  # with the other filters
    ((f"{OFFICE}:met",), {"types": ("phone",)}, []),
])
def test_a_kpi_state_keeps_the_rows_worked_out_by_hand(monitored, chosen, other, expected):
    shown = explore.load(monitored, MONITORING, explore.Filters(kpi_states=chosen, **other))
    assert _refs(shown) == expected


def test_the_rows_kept_are_those_the_kpis_column_shows_in_that_state(monitored):
    everything = explore.load(monitored, MONITORING)
    for choice in explore.dataset(MONITORING).kpi_states:
        kept = explore.load(monitored, MONITORING, explore.Filters(kpi_states=(choice.code,)))
        assert _refs(kept) == _refs(everything[everything[choice.kpi_id] == choice.state]), choice.code


def test_the_choices_are_the_states_of_the_kpis_judging_the_table():
    from metrics.kpi.registry import load_registry

    codes = [s.code for s in explore.dataset(MONITORING).kpi_states]
    first = codes.index(f"{GREETING}:met")
    assert codes[first:first + 3] == [f"{GREETING}:met", f"{GREETING}:missed", f"{GREETING}:not_checked"]
    assert {c.split(":")[0] for c in codes} >= {GREETING, LISTENING, CALLBACK, OFFICE}
    posting = next(k.id for k in load_registry() if k.source == "postings" and k.spec.explore is not None)
    assert [s.code for s in explore.dataset("postings").kpi_states] == [  # the one KPI the postings' state is of
        f"{posting}:met", f"{posting}:missed", f"{posting}:pending"]
    assert explore.dataset("calls").kpi_states == ()  # no KPI judges a call for the explorer
    cases = [s.code for s in explore.dataset("cases").kpi_states]
    assert {"cert.review_15d:late", "eval.expert_team:not_checked"} <= set(cases)
    assert "cert.review_15d:no_deadline" not in cases  # a KPI's own case always has a deadline


@pytest.fixture
def cases_db(engine):
    _import(engine, "cases", _cases(CASES), "cases.xlsx")
    return engine


@pytest.mark.parametrize(("chosen", "expected"), [
    # By hand (tests/test_explore.py): A on time, B late by a day, C open past its deadline, D open in time.
    (("cert.review_15d:late",), ["B-late-by-one", "C-open-past-deadline"]),
    (("cert.review_15d:pending",), ["D-open-in-time"]),
    (("cs.web_inquiry_7d:on_time",), ["E-interim-in-time"]),  # the interim notice in time counts
    (("cert.review_15d:on_time", "cs.web_inquiry_7d:on_time"), []),  # no case is both types
    (("eval.expert_team:not_checked",), ["F-no-deadline"]),  # a tech support case with no team noted
])
def test_a_deadline_kpis_state_is_its_own_cases_timeliness(cases_db, chosen, expected):
    assert _refs(explore.load(cases_db, "cases", explore.Filters(kpi_states=chosen), today=TODAY)) == expected


def test_the_command_lines_where_on_a_kpi_is_the_same_filter(cases_db):
    filters, rest = explore.split_where("cases", [("cert.review_15d", "late"), ("year", "2025"), ("ref", "B-late-by-one")])
    assert (filters.kpi_states, filters.years, rest) == (("cert.review_15d:late",), (2025,), {"ref": ("B-late-by-one",)})
    shown = explore.where(explore.load(cases_db, "cases", filters, today=TODAY), rest)
    assert _refs(shown) == ["B-late-by-one"]


def _may_share_rows(a, b) -> bool:
    """Whether two KPIs' filters may both keep one row (a column both filter on must share a value)."""
    return all(set(a.filter[c]) & set(b.filter[c]) for c in set(a.filter) & set(b.filter))


def test_deadline_kpis_that_judge_the_same_rows_judge_them_alike():
    # One timeliness column holds the deadline KPIs' states (the last KPI of a row winning): exact for each KPI
    # only while KPIs sharing rows share their settings. Should this fail, give the KPIs a column each.
    from metrics.kpi.measures.explore import DEADLINES
    from metrics.kpi.registry import load_registry

    deadline = [k for k in load_registry() if k.spec.explore is DEADLINES]
    shared = [(a.id, b.id) for i, a in enumerate(deadline) for b in deadline[i + 1:]
              if a.source == b.source and _may_share_rows(a, b)]
    assert ("ft.suggestions_decided_30d", "cs.suggestions_decided_30d") in shared  # the case this guards
    for a, b in shared:
        assert dict(load_registry().get(a).params) == dict(load_registry().get(b).params), (a, b)


@pytest.mark.parametrize("code", ["cs.monitor_phone_greeting:late", "cert.review_15d:late", "nothing"])
def test_a_state_no_kpi_gives_these_rows_is_refused(monitored, code):
    with pytest.raises(ValueError, match="not a state a KPI gives these rows"):
        explore.load(monitored, MONITORING, explore.Filters(kpi_states=(code,)))


def test_the_export_holds_exactly_the_rows_in_that_state(monitored):
    shown = explore.load(monitored, MONITORING, explore.Filters(kpi_states=(f"{LISTENING}:missed", f"{GREETING}:missed")))
    assert shown.empty
    shown = explore.load(monitored, MONITORING, explore.Filters(kpi_states=(f"{CALLBACK}:met", f"{CALLBACK}:missed")))
    assert sorted(pd.read_csv(io.BytesIO(to_csv_bytes(shown)), encoding="utf-8-sig")["ref"]) == ["P-2", "P-3"]
    assert sorted(pd.read_excel(io.BytesIO(to_xlsx_bytes(shown)), engine="calamine")["ref"]) == ["P-2", "P-3"]


def test_the_file_name_says_the_kpi_and_its_state_in_korean():
    params = {"data": [MONITORING], "years": ["2025"], "kpi_state": [f"{GREETING}:missed"]}
    stem = explore_views.export_stem(params, explore.Choices((2025,), (), ("phone", "visit")))
    assert stem.endswith("_2025_판정-전화응대시인사말과소속·이름안내-미충족"), stem
    assert "cs." not in stem and "missed" not in stem


# ---- the page (AppTest) -----------------------------------------------------------------------------

STATE_KEY = f"explore-kpi-state-{MONITORING}"


@pytest.fixture
def page(monkeypatch, monitored):
    """The explorer in local mode on the monitoring sheet; what the page hands to its downloads is recorded."""
    import ui.explore

    local_mode_env(monkeypatch)
    handed: list[tuple[pd.DataFrame, str]] = []
    real = ui.explore.downloads

    def recorded(shown: pd.DataFrame, name: str, stem: str, *args: object, **kwargs: object) -> None:
        handed.append((shown, stem))
        real(shown, name, stem, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ui.explore, "downloads", recorded)
    return monitored, handed


def _explorer(**query: str | list[str]) -> AppTest:
    at = with_local_token(AppTest.from_file(APP, default_timeout=90))
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    at.switch_page("pages/explore.py").run()
    _clean(at)
    return at


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _shown(at: AppTest) -> list[str]:
    return sorted(at.dataframe[0].value["ref"]) if at.dataframe else []


def _url(at: AppTest, params: tuple[str, ...] = explore_views.PARAMS) -> dict[str, list[str]]:
    """The page's parameters in its address after the run, each as a list of values."""
    found = {k: at.query_params[k] for k in params if k in at.query_params}
    return {k: list(v) if isinstance(v, list | tuple) else [v] for k, v in found.items()}


@pytest.mark.db
def test_the_widget_filters_goes_into_the_url_a_saved_view_and_the_export(page):
    engine, handed = page
    at = _explorer(data=MONITORING, years="2025")
    widget = at.multiselect(key=STATE_KEY)
    assert "전화 응대 시 인사말과 소속·이름 안내: 미충족" in widget.options
    assert not [o for o in widget.options if "cs." in o or "missed" in o or "not_checked" in o]  # words, no codes
    assert _shown(at) == ["P-1", "P-2", "P-3", "V-1", "V-2"]

    widget.set_value([f"{GREETING}:missed"]).run()
    _clean(at)
    assert _shown(at) == ["P-2"]
    assert _url(at) == {"data": [MONITORING], "years": ["2025"], "kpi_state": [f"{GREETING}:missed"]}
    shown, stem = handed[-1]
    assert list(shown["접수번호"]) == ["P-2"] and stem.endswith("_판정-전화응대시인사말과소속·이름안내-미충족")
    at.download_button(key="explore-csv").click().run()
    [entry] = audit.details(audit.read(engine, audit.AuditFilter(actions=("export",))))
    assert entry["rows"] == 1 and f"kpi_states={GREETING}:missed" in entry["what"]

    opened = _explorer(**_url(at))  # the copied link, in a new tab
    assert (opened.multiselect(key=STATE_KEY).value, _shown(opened)) == ([f"{GREETING}:missed"], ["P-2"])

    at.text_input(key="explore-view-name").input("인사말 미충족").run()
    at.button(key="explore-view-save").click().run()
    [view] = saved_views.views(engine, LOCAL_MODE_NAME)
    assert view.params["kpi_state"] == (f"{GREETING}:missed",)
    at.multiselect(key=STATE_KEY).set_value([]).run()
    assert _shown(at) == ["P-1", "P-2", "P-3", "V-1", "V-2"] and "kpi_state" not in _url(at)
    at.button(key="explore-view-open").click().run()
    _clean(at)
    assert (at.multiselect(key=STATE_KEY).value, _shown(at)) == ([f"{GREETING}:missed"], ["P-2"])
    assert any("판정-전화 응대 시 인사말과 소속·이름 안내: 미충족" in c for c in at.caption.values)


@pytest.mark.db
def test_a_link_drops_a_state_the_table_has_no_kpi_for(page):
    at = _explorer(data=MONITORING, years="2025", kpi_state=["cert.review_15d:late", f"{OFFICE}:missed", "x"])
    assert at.multiselect(key=STATE_KEY).value == [f"{OFFICE}:missed"]
    assert _shown(at) == ["V-2"] and _url(at)["kpi_state"] == [f"{OFFICE}:missed"]


# ---- the rows behind one KPI's number: ?kpi=ID&year=YYYY, as a card links, and &state= ----------------

@pytest.mark.db
def test_the_cards_link_still_opens_every_row_behind_the_number_and_state_chooses_the_missed_ones(page):
    at = _explorer(kpi=GREETING, year="2025")  # the card's link: the rows behind its number, every state
    assert (at.radio(key="explore-mode").value, at.selectbox(key="explore-kpi").value) == ("kpi", GREETING)
    assert at.pills(key="explore-states").value == [] and len(at.dataframe[0].value) == 3  # P-1, P-2, P-3
    assert "state" not in at.query_params

    at = _explorer(kpi=GREETING, year="2025", state="missed")  # the same link asking for the missed rows
    assert at.pills(key="explore-states").value == ["missed"]
    assert list(at.dataframe[0].value["ref"]) == ["P-2"]
    at.pills(key="explore-states").set_value(["met"]).run()
    _clean(at)
    assert sorted(at.dataframe[0].value["ref"]) == ["P-1", "P-3"] and _url(at, ("state",)) == {"state": ["met"]}
    at.radio(key="explore-mode").set_value("dataset").run()
    _clean(at)
    assert "state" not in at.query_params and "kpi" not in at.query_params
