"""Per kind, the last upload and the newest data date, so stale data is obvious on the upload page."""

from __future__ import annotations

from datetime import date

import pytest

from metrics import store
from metrics.intake.ingest import ingest_file
from metrics.store import freshness
from metrics.store.freshness import KindFreshness
from tests.sheets import xlsx

HEADER = ["업무구분", "접수번호", "제목", "접수일", "처리일"]


def _by_kind(engine) -> dict[str, KindFreshness]:
    return {f.kind: f for f in freshness.freshness(engine)}


def test_every_kind_is_listed_even_without_data(engine):
    found = _by_kind(engine)
    assert found["calls"] == KindFreshness("calls", 0, None, None, None)
    assert "exhibitor_survey" in found and "attendance" in found


def test_the_newest_received_date_of_live_cases_and_the_last_live_upload(engine):
    march = ingest_file(engine, xlsx([HEADER, ["홈페이지 문의", "T-1", "문의", "2025-03-04", None]]), "m.xlsx", kind="cases")
    may = ingest_file(engine, xlsx([HEADER, ["홈페이지 문의", "T-2", "문의", "2025-05-20", None]]), "may.xlsx", kind="cases")
    cases = _by_kind(engine)["cases"]
    assert (cases.uploads, cases.newest, cases.newest_year) == (2, date(2025, 5, 20), 2025)
    last = store.list_uploads(engine).set_index("id").loc[may.upload_id, "created_at"]
    assert cases.last_upload == last
    store.undo_upload(engine, may.upload_id)  # an undone upload's rows and date no longer count
    cases = _by_kind(engine)["cases"]
    assert (cases.uploads, cases.newest) == (1, date(2025, 3, 4))
    assert cases.last_upload == store.list_uploads(engine).set_index("id").loc[march.upload_id, "created_at"]


def test_a_survey_without_response_times_has_only_its_year(engine):
    survey = xlsx([["업체명", "종합 만족도"], ["가", 8], ["나", 9]])
    assert ingest_file(engine, survey, "wk.xlsx", kind="exhibitor_survey", year=2024).ok
    wk = _by_kind(engine)["exhibitor_survey"]
    assert (wk.uploads, wk.newest, wk.newest_year) == (1, None, 2024)


@pytest.mark.parametrize(("newest", "year", "today", "stale"), [
    (date(2026, 1, 1), 2026, date(2026, 4, 2), False),  # 91 days: within a quarter
    (date(2026, 1, 1), 2026, date(2026, 4, 4), True),  # 93 days
    (None, 2025, date(2026, 1, 10), True),  # a year of responses without dates, and that year is over
    (None, 2026, date(2026, 1, 10), False),
    (None, None, date(2026, 1, 10), False),  # nothing uploaded: nothing to call stale
])
def test_data_older_than_a_quarter_is_stale(newest, year, today, stale):
    assert KindFreshness("cases", 1, None, newest, year).stale(today) is stale


def test_a_kpi_is_behind_on_a_stale_kind_it_reads_only_in_the_current_year():
    today = date(2026, 12, 1)
    found = [
        KindFreshness("trainee_survey", 3, None, date(2026, 7, 31), 2026),  # 123 days behind
        KindFreshness("attendance", 5, None, date(2026, 11, 20), 2026),  # 11 days
        KindFreshness("cases", 2, None, date(2026, 1, 5), 2026),  # stale, but not read by this KPI
    ]
    reads = ("attendance", "trainee_survey")
    assert [f.kind for f in freshness.behind(found, reads, 2026, today)] == ["trainee_survey"]
    assert freshness.behind(found, reads, 2025, today) == ()  # a past year is complete
    assert freshness.behind(found, ("attendance",), 2026, today) == ()
