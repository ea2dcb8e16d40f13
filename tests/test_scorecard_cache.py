"""Scorecards kept in the process (metrics.kpi.scorecard_cache): filled ahead, computed once, never stale."""

from datetime import date

import pytest
from sqlalchemy import create_engine

from metrics.kpi import scorecard, scorecard_cache
from metrics.store import undo_upload
from tests.test_kpi_scorecard import events, put

TODAY = date(2026, 1, 10)


@pytest.fixture(autouse=True)
def nothing_kept():
    scorecard_cache.forget()
    yield
    scorecard_cache.forget()


@pytest.fixture
def computed(monkeypatch):
    """The years compute_scorecard was called for, in order (it still computes)."""
    calls: list[int] = []

    def counting(engine, year, *, today):
        calls.append(year)
        return scorecard.compute_scorecard(engine, year, today=today)

    monkeypatch.setattr(scorecard_cache, "compute_scorecard", counting)
    return calls


def workshops(results) -> float | None:
    return {r.id: r for r in results}["eval.workshop"].value


def test_a_kept_scorecard_is_not_computed_again_for_the_same_data(engine, computed):
    put(engine, "events", events([("workshop", "2025-09-01", "워크숍")]), "one.xlsx")
    first = scorecard_cache.scorecard(engine, 2025, TODAY)
    again = scorecard_cache.scorecard(engine, 2025, TODAY)
    assert again is first
    assert computed == [2025]


def test_an_upload_and_an_undo_from_another_server_give_a_new_scorecard(engine, database_url, computed):
    put(engine, "events", events([("workshop", "2025-09-01", "워크숍")]), "one.xlsx")
    assert workshops(scorecard_cache.scorecard(engine, 2025, TODAY)) == 1.0
    other_server = create_engine(database_url)  # its own connections: nothing of this process is told
    try:
        second = put(other_server, "events", events([("workshop", "2025-10-01", "워크숍 2")]), "two.xlsx")
        assert workshops(scorecard_cache.scorecard(engine, 2025, TODAY)) == 2.0
        undo_upload(other_server, second)
    finally:
        other_server.dispose()
    assert workshops(scorecard_cache.scorecard(engine, 2025, TODAY)) == 1.0
    assert computed == [2025, 2025, 2025]


def test_another_day_is_another_scorecard(engine, computed):
    scorecard_cache.scorecard(engine, 2025, TODAY)
    scorecard_cache.scorecard(engine, 2025, date(2026, 1, 11))
    assert computed == [2025, 2025]


def test_warming_keeps_this_year_every_earlier_year_with_data_and_the_year_before_them(engine, computed):
    put(engine, "events", events([("workshop", "2024-09-01", "워크숍"), ("workshop", "2025-09-01", "워크숍"),
                                  ("workshop", "2027-03-01", "계획된 워크숍")]), "years.xlsx")
    scorecard_cache.warm_in_background(engine, TODAY).join()
    assert computed == [2026, 2025, 2024, 2023]  # not 2027: planned events are no scorecard yet
    for year in (2026, 2025, 2024, 2023):
        scorecard_cache.scorecard(engine, year, TODAY)
    assert computed == [2026, 2025, 2024, 2023]


def test_a_failed_warm_up_leaves_the_page_to_compute_it(engine, computed, monkeypatch):
    def broken(engine, year, *, today):
        raise RuntimeError("database gone")

    monkeypatch.setattr(scorecard_cache, "compute_scorecard", broken)
    scorecard_cache.warm(engine, TODAY)  # logged, not raised
    monkeypatch.undo()
    assert scorecard_cache.scorecard(engine, 2026, TODAY) == scorecard.compute_scorecard(engine, 2026, today=TODAY)


def test_the_launcher_computes_the_scorecards_of_its_database_before_the_first_visitor(engine, database_url,
                                                                                       monkeypatch, computed):
    from metrics import clock
    from ui import serve

    monkeypatch.setenv("DATABASE_URL", database_url)
    put(engine, "events", events([("workshop", "2025-09-01", "워크숍")]), "one.xlsx")
    serve.warm_scorecards().join()
    this_year = clock.today().year
    assert computed[0] == this_year and 2025 in computed
    scorecard_cache.scorecard(engine, 2025, clock.today())  # what the page asks for: already there
    assert computed.count(2025) == 1
