"""The explorer's view in the URL and as saved views; export file names that say what is in them."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from metrics import explore
from metrics.access.auth import LOCAL_MODE_NAME
from metrics.explore import filenames, saved_views
from metrics.intake.ingest import ingest_file
from tests.app_fixtures import local_mode_env, with_local_token
from tests.sheets import csv
from ui import explore_views

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SURVEY = [
    ["교육과정명", "응답일시", "전반적 만족도"],
    ["상수도 기초", "2025-03-04", "5"], ["상수도 기초", "2025-05-04", "4"], ["하수도 실무", "2025-06-01", "3"],
    ["상수도 기초", "2026-03-04", "5"],
]
TRAINEES = "trainee_survey"


# ---- file names -----------------------------------------------------------------------------------

def test_an_export_file_name_says_the_dataset_year_and_course_in_korean():
    choices = explore.Choices((2025,), ("상수도기초",), (), (("상수도기초", "상수도 기초"),))
    params = {"data": [TRAINEES], "years": ["2025"], "course": ["상수도기초"]}
    assert explore_views.export_stem(params, choices) == "교육생만족도_2025_과정-상수도기초"


def test_an_export_file_name_names_every_filter_and_a_run_of_years():
    params = {"data": ["cases"], "years": ["2025", "2024"], "type": ["cert_review"], "from": ["2025-03-01"],
              "timeliness": ["late", "pending"]}
    assert explore_views.export_stem(params, explore.Choices((2024, 2025), (), ("cert_review",))) == (
        "처리기한업무_2024-2025_구분-인증신청서류검토_2025-03-01~_기한-기한넘김+처리중"
    )
    assert explore_views.export_stem({"data": ["calls"]}, explore.Choices((), (), ())) == "전화응대_전체연도"


@pytest.mark.parametrize(("parts", "expected"), [
    (['보고서: "1/2" <초안>?', "a|b*c"], "보고서-1-2-초안_a-b-c"),  # characters Windows refuses
    (["CON"], "_CON"), (["nul.txt"], "_nul.txt"), (["COM1"], "_COM1"),  # device names, whatever the extension
    (["자료. ", " . "], "자료"),  # no name ends in a dot or a space
    ([], "export"), (["", "  "], "export"),
    ([unicodedata.normalize("NFD", "교육")], "교육"),  # macOS's decomposed Hangul, composed again
    (["Trainee survey", "GIS 활용 과정"], "Trainee-survey_GIS-활용과정"),  # spaces go between Hangul only
])
def test_a_file_name_is_safe_on_windows(parts, expected):
    assert filenames.stem(parts) == expected


def test_a_long_file_name_is_cut_and_a_sheet_name_fits_excel():
    assert len(filenames.stem(["과정" * 200])) == filenames.MAX_CHARS
    assert filenames.sheet("[교육생] 만족도: 2025/2026*") == "교육생 만족도 20252026"  # no [ ] : / * in a sheet name
    assert len(filenames.sheet("x" * 40)) == 31 and filenames.sheet("[]") == "data"


# ---- saved views in the database ------------------------------------------------------------------

def test_a_view_is_saved_replaced_listed_and_deleted_per_account(engine):
    first = saved_views.save(engine, "kim", " 상수도  2025 ", {"data": TRAINEES, "years": ["2025"], "course": []},
                             now=datetime(2026, 12, 1, 0, 30))
    assert (first.name, first.params) == ("상수도 2025", {"data": (TRAINEES,), "years": ("2025",)})
    saved_views.save(engine, "kim", "상수도 2025", {"data": [TRAINEES], "years": ["2026"]})  # the same name: replaced
    saved_views.save(engine, "lee", "내 보기", {"data": ["cases"]})
    [mine] = saved_views.views(engine, "kim")
    assert mine.params == {"data": (TRAINEES,), "years": ("2026",)}
    assert not saved_views.remove(engine, "lee", mine.id)  # another account cannot delete it
    assert saved_views.remove(engine, "kim", mine.id) and saved_views.views(engine, "kim") == []
    assert [v.name for v in saved_views.views(engine, "lee")] == ["내 보기"]


def test_a_database_upgraded_from_0005_has_the_saved_views_table_the_model_describes(database_url):
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    from metrics.store import database, tables

    old = create_engine(database_url)
    with old.begin() as conn:
        command.upgrade(database._alembic_config(conn), "0005")
    old.dispose()
    upgraded = database.get_engine(database_url)  # brought to the newest revision on first use
    with upgraded.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    assert [d for d in differences if "saved_views" in repr(d)] == []
    assert database.current_revision(upgraded) == database.head_revision()
    saved_views.save(upgraded, "kim", "보기", {"data": ["calls"]})
    assert [v.name for v in saved_views.views(upgraded, "kim")] == ["보기"]


@pytest.mark.parametrize("name", ["", "   ", "x" * (saved_views.MAX_NAME + 1)])
def test_a_view_needs_a_short_name(engine, name):
    with pytest.raises(saved_views.SavedViewError):
        saved_views.save(engine, "kim", name, {"data": [TRAINEES]})


# ---- the page (AppTest) -----------------------------------------------------------------------------

@pytest.fixture
def survey(monkeypatch, engine):
    local_mode_env(monkeypatch)
    assert ingest_file(engine, csv(SURVEY), "survey.csv", kind=TRAINEES).ok
    return engine


def _explorer(**query) -> AppTest:
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


def _view(at: AppTest) -> tuple:
    """What the page shows: dataset, years, courses, and how many rows."""
    return (at.selectbox(key="explore-dataset").value, at.multiselect(key=f"explore-years-{TRAINEES}").value,
            at.multiselect(key=f"explore-courses-{TRAINEES}").value, len(at.dataframe[0].value))


def _url(at: AppTest) -> dict[str, list[str]]:
    """The explorer's parameters in the page's address after the run, each as a list of values."""
    found = {k: at.query_params[k] for k in explore_views.PARAMS if k in at.query_params}
    return {k: list(v) if isinstance(v, list | tuple) else [v] for k, v in found.items()}


def _choose(at: AppTest, years: list[int], courses: list[str]) -> AppTest:
    at.selectbox(key="explore-dataset").select(TRAINEES).run()
    at.multiselect(key=f"explore-years-{TRAINEES}").set_value(years).run()
    at.multiselect(key=f"explore-courses-{TRAINEES}").set_value(courses).run()
    _clean(at)
    return at


@pytest.mark.db
def test_the_filters_go_into_the_url_and_a_copied_link_opens_the_same_view(survey):
    at = _choose(_explorer(), [2025], ["상수도기초"])
    assert _view(at) == (TRAINEES, [2025], ["상수도기초"], 2)
    assert _url(at) == {"data": [TRAINEES], "years": ["2025"], "course": ["상수도기초"]}
    link = {k: v for k, v in _url(at).items()}
    opened = _explorer(**link)  # a new session, as a new tab opening the copied address
    assert _view(opened) == (TRAINEES, [2025], ["상수도기초"], 2)


@pytest.mark.db
def test_a_link_keeps_what_still_exists_and_drops_the_rest(survey):
    at = _explorer(data=TRAINEES, years=["2025", "1999"], course=["없는과정", "하수도실무"], timeliness="late")
    assert _view(at) == (TRAINEES, [2025], ["하수도실무"], 1)
    assert _url(at) == {"data": [TRAINEES], "years": ["2025"], "course": ["하수도실무"]}


@pytest.mark.db
def test_an_analyst_saves_a_view_opens_it_again_and_deletes_it(survey):
    at = _choose(_explorer(), [2025], ["상수도기초"])
    at.text_input(key="explore-view-name").input("상수도 2025").run()
    at.button(key="explore-view-save").click().run()
    _clean(at)
    assert any("상수도 2025" in s.value for s in at.success)
    [view] = saved_views.views(survey, LOCAL_MODE_NAME)
    assert view.params == {"data": (TRAINEES,), "years": ("2025",), "course": ("상수도기초",)}

    _choose(at, [2025, 2026], [])  # somewhere else
    assert _view(at)[3] == 4
    at.button(key="explore-view-open").click().run()
    _clean(at)
    assert _view(at) == (TRAINEES, [2025], ["상수도기초"], 2)
    assert _url(at) == {"data": [TRAINEES], "years": ["2025"], "course": ["상수도기초"]}

    saved_views.save(survey, LOCAL_MODE_NAME, "하수도", {"data": [TRAINEES], "course": ["하수도실무"]})
    at.run()
    at.selectbox(key="explore-view-choice").set_value(view.id).run()
    at.button(key="explore-view-delete").click().run()
    _clean(at)
    assert [v.name for v in saved_views.views(survey, LOCAL_MODE_NAME)] == ["하수도"]
    assert at.selectbox(key="explore-view-choice").value != view.id  # the list no longer offers it
