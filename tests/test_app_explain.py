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
from ui.cards import card_html
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
