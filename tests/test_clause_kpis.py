"""The KPIs issue 14 adds on existing kinds: the expert team of technical support (II.3.b) and the workshop
with both participant groups (II.3.c) — from the upload to the number."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from metrics import store
from metrics.intake.ingest import ingest_file
from metrics.kpi.measures.rows import checklist_rows, event_rows
from metrics.kpi.registry import load_registry, registry_from_text
from metrics.kpi.scorecard import compute_from_frames, compute_scorecard
from metrics.store.frames import frames_from_dict
from tests.sheets import xlsx

REGISTRY = load_registry()


def results(year: int, today: date, ids, **frames) -> dict:
    out = compute_from_frames(frames_from_dict(year, frames), year, today, REGISTRY.only(*ids))
    return {r.id: r for r in out}


def tech(*teams) -> pd.DataFrame:
    rows = [("tech_support", f"2025-0{i + 1}-10", f"2025-0{i + 1}-20", team) for i, team in enumerate(teams)]
    frame = pd.DataFrame(rows, columns=["case_type", "received", "completed", "expert_team"])
    frame["expert_team"] = frame["expert_team"].astype("boolean")
    return frame


def test_the_expert_team_share_counts_yes_over_recorded_requests_and_notes_the_blank_ones():
    r = results(2025, date(2026, 11, 27), ["eval.expert_team"], cases=tech(True, True, False, None))
    kpi = r["eval.expert_team"]
    # Y, Y, N and a blank: 2 of the 3 recorded = 66.7 %, below the association's own 100 %.
    assert (kpi.value, kpi.numerator, kpi.denominator, kpi.status) == (pytest.approx(2 / 3), 2, 3, "not_met")
    assert [(n.code, n.ko) for n in kpi.notes] == [("not_checked_left_out", "기록이 비어 있는 1건 제외")]
    assert kpi.clause == "II.3.b"


def test_every_request_with_its_team_meets_the_promise():
    kpi = results(2025, date(2026, 11, 27), ["eval.expert_team"], cases=tech(True, True))["eval.expert_team"]
    assert (kpi.value, kpi.status) == (1.0, "met")


def test_cases_uploaded_without_the_team_column_have_no_value_and_say_why():
    cases = tech(True, False).drop(columns="expert_team")
    kpi = results(2025, date(2026, 11, 27), ["eval.expert_team"], cases=cases)["eval.expert_team"]
    assert (kpi.value, kpi.status) == (None, "no_data")
    assert "not_checked_left_out" in [n.code for n in kpi.notes]


def test_each_request_is_shown_met_missed_or_not_recorded():
    rows = checklist_rows(tech(True, False, None), {"columns": ["expert_team"]}, None, {})
    assert rows["state"].tolist() == ["met", "missed", "excluded"]
    assert rows["reason"].tolist() == ["", "item_not_met", "not_checked"]


def workshops(*groups) -> pd.DataFrame:
    rows = [("workshop", f"2025-{9 + i:02d}-15", 50, g) for i, g in enumerate(groups)]
    return pd.DataFrame(rows, columns=["event_type", "date", "participants", "participant_groups"])


def test_a_workshop_counts_only_when_both_groups_took_part():
    ev = workshops("contractor,local_gov", "contractor", None)
    kpi = results(2025, date(2026, 11, 27), ["eval.workshop"], events=ev)["eval.workshop"]
    # Three held: one with both groups (counted), one with contractors only, one with nobody recorded.
    assert (kpi.value, kpi.status) == (1.0, "met")
    assert [n.code for n in kpi.notes] == ["groups_not_recorded", "groups_incomplete"]
    assert kpi.notes[0].ko == "참여 대상 미기재 1건: 함께 참여했는지 알 수 없어 세지 않음"


def test_a_year_whose_only_workshop_lacked_the_local_governments_is_not_met():
    kpi = results(2025, date(2026, 11, 27), ["eval.workshop"], events=workshops("contractor"))["eval.workshop"]
    assert (kpi.value, kpi.status) == (0.0, "not_met")


def test_workshops_stored_before_the_groups_column_are_not_counted_and_the_note_says_so():
    ev = workshops("x").drop(columns="participant_groups")
    kpi = results(2025, date(2026, 11, 27), ["eval.workshop"], events=ev)["eval.workshop"]
    assert (kpi.value, [n.code for n in kpi.notes]) == (0.0, ["groups_not_recorded"])


def test_each_workshop_row_says_why_it_did_not_count():
    rows = event_rows(workshops("contractor,local_gov", "local_gov", None), {"with_groups": ["local_gov", "contractor"]},
                      _Period(), {})
    assert rows["state"].tolist() == ["met", "excluded", "excluded"]
    assert rows["reason"].tolist() == ["", "groups_incomplete", "groups_not_recorded"]


class _Period:
    import numpy as np

    as_of64 = np.datetime64("2025-12-31", "D")


def test_other_events_are_counted_whoever_took_part():
    ev = pd.DataFrame([("exhibitor_briefing", "2025-03-10", 90, None)],
                      columns=["event_type", "date", "participants", "participant_groups"])
    assert results(2025, date(2026, 11, 27), ["wk.briefing"], events=ev)["wk.briefing"].value == 1.0


REGISTRY_WITH = """
[areas]
eval = {{ ko = "공공하수도 성과평가", en = "Public sewerage performance evaluation" }}

[[kpi]]
id = "eval.x"
area = "공공하수도 성과평가"
area_id = "eval"
title_ko = "x"
title_en = "x"
clause = "II.3.c"
source = "{source}"
{extra}
target = {{ comparator = ">=", value = 1, unit = "{unit}" }}
"""


@pytest.mark.parametrize(("source", "extra", "unit", "words"), [
    ("events", 'measure = "event_count"\nwith_groups = ["local_gov", "citizens"]', "count", "local_gov, contractor"),
    ("events", 'measure = "event_count"\nwith_groups = "local_gov"', "count", "write a list"),
    ("cases", 'measure = "share_true"\ncolumns = ["interim"]', "share", "use expert_team"),
])
def test_a_bad_group_list_or_flag_column_is_refused_by_name(source, extra, unit, words):
    from metrics.kpi.registry import RegistryError

    with pytest.raises(RegistryError, match=r"\[eval.x\]") as info:
        registry_from_text(REGISTRY_WITH.format(source=source, extra=extra, unit=unit))
    assert words in str(info.value)


def test_the_expert_team_and_the_groups_are_read_from_a_sheet_and_stored(engine):
    cases = xlsx([
        ["접수번호", "업무구분", "요청일", "지원일", "기술지원단 구성"],
        ["T-1", "기술지원", "2025-03-02", "2025-03-12", "Y"],
        ["T-2", "기술지원", "2025-04-01", "2025-04-20", "아니오"],
        ["T-3", "기술지원", "2025-05-01", "2025-05-09", ""],
        ["T-4", "기술지원", "2025-06-01", "2025-06-09", "글쎄"],
    ])
    report = ingest_file(engine, cases, "기술지원.xlsx", kind="cases")
    assert report.ok, report.message
    assert [(i.row, i.code) for i in report.issues] == [(5, "bad_flag")]  # imported without the value
    stored = store.read_active(engine, "cases").sort_values("ref")
    assert stored["expert_team"].tolist()[:2] == [True, False] and stored["expert_team"].isna().tolist() == [False, False, True, True]
    events = xlsx([
        ["행사구분", "개최일", "행사명", "참여 대상"],
        ["워크숍", "2025-10-01", "성과평가 워크숍", "지자체 공무원, 관리대행업체"],
        ["워크숍", "2025-11-01", "추가 워크숍", "관리대행업체 및 시민단체"],
    ])
    report = ingest_file(engine, events, "행사.xlsx", kind="events")
    assert report.ok, report.message
    assert [(i.row, i.code) for i in report.issues] == [(3, "unknown_group")]
    stored = store.read_active(engine, "events").sort_values("date")
    assert stored["participant_groups"].tolist() == ["contractor,local_gov", "contractor"]
    r = {x.id: x for x in compute_scorecard(engine, 2025, today=date(2026, 11, 27),
                                             registry=REGISTRY.only("eval.expert_team", "eval.workshop"))}
    # Team: Y and N recorded (the blank and the unreadable one left out) = 1 / 2. Workshops: the first only.
    assert (r["eval.expert_team"].value, r["eval.expert_team"].denominator) == (0.5, 2)
    assert r["eval.workshop"].value == 1.0


def ft_courses(*rows) -> pd.DataFrame:
    return pd.DataFrame([("ft_course", end, title) for title, end in rows], columns=["event_type", "date", "title"])


def ft_survey(*courses) -> pd.DataFrame:
    return pd.DataFrame({"kind": "future_talent_survey", "course": list(courses), "score": 4.0, "scale_max": 5.0})


def test_each_ended_future_talent_course_needs_one_survey_response_and_runs_count_once():
    courses = ft_courses(("스마트 물관리", "2025-04-10"), ("스마트 물관리", "2025-09-10"), ("해외진출 실무", "2025-06-01"),
                         ("공정설계", "2025-12-20"))
    survey = ft_survey("스마트 물관리", "스마트물관리", "[해외진출] 실무")
    kpi = results(2025, date(2025, 11, 30), ["ft.survey_per_course"], events=courses,
                  future_talent_survey=survey)["ft.survey_per_course"]
    # On 30 Nov: 스마트 물관리 (two runs, once) and 해외진출 실무 have ended and both have answers (spelling aside);
    # 공정설계 ends in December and is not counted yet: 2 / 2.
    assert (kpi.value, kpi.numerator, kpi.denominator, kpi.clause) == (1.0, 2, 2, "II.5.c")


def test_a_future_talent_course_without_any_response_misses_the_promise():
    courses = ft_courses(("스마트 물관리", "2025-04-10"), ("해외진출 실무", "2025-06-01"), ("공정설계", "2025-10-20"))
    kpi = results(2025, date(2026, 11, 27), ["ft.survey_per_course"], events=courses,
                  future_talent_survey=ft_survey("스마트 물관리"))["ft.survey_per_course"]
    assert (kpi.value, kpi.numerator, kpi.denominator, kpi.status) == (pytest.approx(1 / 3), 1, 3, "not_met")
    assert kpi.notes[0].ko == "의견 수렴 없는 과정 2개: 공정설계, 해외진출 실무"


def test_the_trainee_survey_does_not_cover_a_future_talent_course():
    courses = ft_courses(("스마트 물관리", "2025-04-10"))
    trainee = ft_survey("스마트 물관리").assign(kind="trainee_survey")
    kpi = results(2025, date(2026, 11, 27), ["ft.survey_per_course"], events=courses, trainee_survey=trainee,
                  future_talent_survey=ft_survey("다른 과정"))["ft.survey_per_course"]
    assert (kpi.value, kpi.denominator) == (0.0, 1)
