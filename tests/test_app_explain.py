"""A KPI in plain words: the core's notes are shown once, by their code, in the chosen language."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
import streamlit as st

from metrics.kpi.notes import Note
from metrics.kpi.registry import load_registry
from metrics.kpi.scorecard import compute_from_frames
from metrics.store.frames import frames_from_dict
from ui.cards import card_html, trend_svg
from ui.charts_kpi import months_figure, years_figure
from ui.explain import explanations
from ui.i18n import LANG_KEY

REGISTRY = load_registry()
TODAY = date(2026, 11, 27)


@pytest.fixture
def english(monkeypatch):
    monkeypatch.setitem(st.session_state, LANG_KEY, "en")


def cases(*rows) -> pd.DataFrame:
    """Rows of (case_type, received, completed)."""
    frame = pd.DataFrame(list(rows), columns=["case_type", "received", "completed"])
    frame["interim"] = None
    return frame


def result(kpi_id: str, **frames):
    [r] = compute_from_frames(frames_from_dict(2026, frames), 2026, TODAY, REGISTRY.only(kpi_id))
    return r


def three_reviews():
    """cert.review_15d of 2026 seen on 27 Nov: one met, one overdue, one pending."""
    return result("cert.review_15d", cases=cases(
        ("cert_review", "2026-11-02", "2026-11-03"),  # Mon to Tue: 2 working days, met
        ("cert_review", "2026-10-01", None),  # open, its deadline (23 Oct) has passed: overdue, counted late
        ("cert_review", "2026-11-25", None),  # open, its deadline is in December: pending
    ))


def test_a_note_already_worded_by_the_status_line_is_not_repeated():
    r = result("cert.review_15d")  # no case log covers 2026
    assert [n.code for n in r.notes] == ["missing_upload"]
    # The status line names the upload to make; the note "처리기한 업무 기록 업로드 없음 (2026)" would say it again.
    assert explanations(r) == ["처리기한 업무 기록을 업로드하면 여기에 표시됩니다."]


def test_pending_and_year_to_date_notes_are_said_once_and_the_other_notes_follow():
    r = three_reviews()
    assert [n.code for n in r.notes] == ["pending_left_out", "overdue_counted_late", "year_to_date"]
    assert explanations(r) == [
        "2건 중 1건을 기한 안에 처리했습니다. 아직 끝나지 않은 1건(기한 전)은 비율에서 뺐습니다.",
        "올해는 아직 진행 중입니다: 오늘까지의 실적입니다.",
        "기한 경과 미처리 1건 포함",
    ]


def test_notes_are_recognised_by_their_code_whatever_their_wording(english):
    reworded = (
        Note("year_to_date", "새 문구", "any new wording"),
        Note("pending_left_out", "새 문구", "more new wording"),
        Note("overdue_counted_late", "새 문구", "1 still open past its deadline"),
    )
    lines = explanations(replace(three_reviews(), notes=reworded))
    assert lines[-1] == "1 still open past its deadline"
    assert not any("new wording" in line for line in lines)


def test_a_card_without_data_shows_its_first_note_in_the_chosen_language(english):
    r = result("cert.complaint_30d", cases=cases(("cert_review", "2026-03-09", "2026-03-10")))
    assert [n.code for n in r.notes] == ["no_cases_of_type"]
    html = card_html(r, [])
    assert "no cases of this type in the year" in html and "0건" not in html


def test_the_card_names_its_charter_clause_in_the_chosen_language_and_quotes_it_on_hover(monkeypatch):
    r = result("cert.complaint_30d", cases=cases(("cert_complaint", "2026-03-09", "2026-03-10")))
    html = card_html(r, [])
    assert '<div class="kpi-clause"' in html and "헌장 Ⅱ.1.나</div>" in html
    assert 'title="단체표준표시 인증제도와 관련된 민원은 접수일부터 30일 이내에' in html
    monkeypatch.setitem(st.session_state, LANG_KEY, "en")
    assert "Charter II.1.b</div>" in card_html(r, [])


def test_postings_still_online_are_said_once_by_the_counts_line():
    postings = pd.DataFrame(
        [("A사", "밸브", "2026-01-05", "2026-07-10"),  # 6 months online: met
         ("B사", "펌프", "2026-09-01", None)],  # online under 3 months on 27 Nov: pending
        columns=["company", "product", "posted_from", "posted_to"],
    )
    postings["exhibition_year"] = 2026
    r = result("wk.posting_5m", postings=postings)
    assert "still_online_left_out" in [n.code for n in r.notes]
    lines = explanations(r)
    assert lines[0] == "게시물 1건 중 1건이 기간을 채웠습니다. 아직 끝나지 않은 1건(기한 전)은 비율에서 뺐습니다."
    assert not any("게시 중" in line for line in lines)


def trainees_2026(*earlier_years):
    """edu.trainees on 30 June 2026: 3 completions so far; each earlier year given as (year, by 30 June, after)."""
    hist = pd.DataFrame(
        [row for y, early, late in earlier_years for row in ((y, f"{y}-03-01", early), (y, f"{y}-10-01", late))],
        columns=["year", "date", "n"],
    )
    att = pd.DataFrame([(t, "과정", "과정", "2026-04-01", True) for t in "xyz"],
                       columns=["trainee_id", "course", "course_key", "end_date", "completed"])
    frames = frames_from_dict(2026, {"attendance": att}, {"attendance": hist})
    [r] = compute_from_frames(frames, 2026, date(2026, 6, 30), REGISTRY.only("edu.trainees"))
    return r


def test_the_card_draws_the_projection_with_its_range_from_two_earlier_years():
    r = trainees_2026((2024, 2, 2), (2025, 1, 3))
    # Pooled (2 + 1) / 8 = 0.375: 3 / 0.375 = 8; 2024 alone 3 / 0.5 = 6, 2025 alone 3 / 0.25 = 12.
    trend = [(2024, 4.0), (2025, 4.0), (2026, 3.0)]
    assert "올해 현재까지 · 연말 추정 8 (범위 6–12)" in card_html(r, trend)
    drawing = trend_svg(r, trend)
    assert 'class="projection-band"' in drawing and 'class="projection"' in drawing
    assert explanations(r)[:2] == [
        "지금 속도라면 연말에 8로 목표 3,000에 못 미칠 수 있습니다.",  # 8 (팔) takes 로
        "예년마다의 속도로 따지면 연말 실적은 6–12 사이입니다 (예년 2년의 폭이며 확률 구간은 아닙니다).",
    ]


def test_with_one_earlier_year_the_card_says_there_is_no_range_and_draws_none(english):
    r = trainees_2026((2025, 1, 3))
    trend = [(2025, 4.0), (2026, 3.0)]
    # 3 / 0.25 = 12, and one pace is not a range.
    assert "year-end projection 12 (no range: only 1 earlier year)" in card_html(r, trend)
    drawing = trend_svg(r, trend)
    assert 'class="projection"' in drawing and 'class="projection-band"' not in drawing
    assert explanations(r)[1] == "Only 1 earlier year to pace from, so the projection has no range."


def test_the_area_pages_running_total_carries_the_range_as_a_bar_or_says_why_not():
    months = pd.DataFrame({"month": [1, 2, 3, 4, 5, 6], "value": [0, 0, 0, 3, 0, 0], "cumulative": [0, 0, 0, 3, 3, 3]})
    banded = months_figure(months, trainees_2026((2024, 2, 2), (2025, 1, 3))).data[-1]
    assert (banded.x, banded.y) == ((12,), (8.0,))
    assert (banded.error_y.visible, banded.error_y.array, banded.error_y.arrayminus) == (True, (4.0,), (2.0,))
    assert banded.hovertext == ("범위 6–12",)
    bare = months_figure(months, trainees_2026((2025, 1, 3))).data[-1]
    assert bare.error_y.visible is False and bare.hovertext == ("범위 없음: 예년 자료 1년뿐",)


def test_the_area_pages_chart_by_year_draws_the_running_years_range():
    r = trainees_2026((2024, 2, 2), (2025, 1, 3))
    years = pd.DataFrame({"year": [2024, 2025, 2026], "value": [4.0, 4.0, 3.0], "status": ["not_met", "not_met", "at_risk"],
                          "n": [4, 4, 3], "ci_low": [None] * 3, "ci_high": [None] * 3, "pending": [None] * 3,
                          "projection": [None, None, 8.0], "projection_low": [None, None, 6.0],
                          "projection_high": [None, None, 12.0], "band_years": [None, None, 2]})
    [projected] = [trace for trace in years_figure(years, r).data if trace.name == "연말 추정 범위 (예년 속도별)"]
    assert (projected.x, projected.y, projected.error_y.array, projected.error_y.arrayminus) == ((2026,), (8.0,), (4.0,), (2.0,))
