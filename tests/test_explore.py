"""The analysts' explorer: each filter keeps exactly the rows worked out by hand, and the export holds them."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from metrics import explore, store
from metrics.explore.export import to_csv_bytes, to_xlsx_bytes


def _import(engine, kind: str, rows: pd.DataFrame, name: str, questions: tuple[str, ...] = ()) -> int:
    meta = store.UploadMeta(filename=name, sha256=name.ljust(64, "0"), kind=kind, questions=questions)
    return store.import_rows(engine, meta, rows.assign(excel_row=range(2, len(rows) + 2))).upload_id


def _day(text: str | None):
    return pd.Timestamp(text) if text else pd.NaT


def _cases(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["case_type", "ref", "received", "completed", "interim"])
    for col in ("received", "completed", "interim"):
        frame[col] = pd.to_datetime(frame[col].map(_day)).astype("datetime64[us]")
    frame["title"] = "t-" + frame["ref"]
    frame["year"] = frame["received"].dt.year
    return frame


# 2025-04-07 is a Monday and April 2025 has no public holiday: its 15th working day is Friday 25 April.
CASES = [
    ("cert_review", "A-on-time-boundary", "2025-04-07", "2025-04-25", None),
    ("cert_review", "B-late-by-one", "2025-04-07", "2025-04-28", None),
    ("cert_review", "C-open-past-deadline", "2025-12-01", None, None),
    ("cert_review", "D-open-in-time", "2026-01-05", None, None),
    ("web_inquiry", "E-interim-in-time", "2025-04-07", "2025-05-30", "2025-04-09"),
    ("tech_support", "F-no-deadline", "2025-06-02", "2025-07-01", None),
]
TODAY = date(2026, 1, 9)


@pytest.fixture
def cases_db(engine):
    _import(engine, "cases", _cases(CASES), "cases.xlsx")
    return engine


def _refs(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["ref"])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (explore.Filters(), ["A-on-time-boundary", "B-late-by-one", "C-open-past-deadline", "D-open-in-time",
                             "E-interim-in-time", "F-no-deadline"]),
        (explore.Filters(years=(2026,)), ["D-open-in-time"]),
        (explore.Filters(types=("web_inquiry", "tech_support")), ["E-interim-in-time", "F-no-deadline"]),
        (explore.Filters(timeliness=("late",)), ["B-late-by-one", "C-open-past-deadline"]),
        (explore.Filters(timeliness=("on_time",)), ["A-on-time-boundary", "E-interim-in-time"]),
        (explore.Filters(timeliness=("pending",)), ["D-open-in-time"]),
        (explore.Filters(timeliness=("no_deadline",)), ["F-no-deadline"]),
        (explore.Filters(date_from=date(2025, 4, 7), date_to=date(2025, 6, 1)),
         ["A-on-time-boundary", "B-late-by-one", "E-interim-in-time"]),
        (explore.Filters(years=(2025,), types=("cert_review",), timeliness=("late",)),
         ["B-late-by-one", "C-open-past-deadline"]),
    ],
)
def test_case_filters_keep_exactly_the_expected_rows(cases_db, filters, expected):
    assert _refs(explore.load(cases_db, "cases", filters, today=TODAY)) == expected


def test_late_cases_carry_their_deadline_and_days_over(cases_db):
    frame = explore.load(cases_db, "cases", explore.Filters(timeliness=("late",)), today=TODAY).set_index("ref")
    assert frame.loc["B-late-by-one", "deadline"] == pd.Timestamp("2025-04-25")
    assert frame.loc["B-late-by-one", "days_taken"] == 16
    assert frame.loc["B-late-by-one", "days_over"] == 1
    # Still open: judged on today, as the KPI judges it.
    assert frame.loc["C-open-past-deadline", "completed"] is pd.NaT


def test_choices_list_what_is_stored(cases_db):
    found = explore.choices(cases_db, "cases")
    assert found.years == (2026, 2025)
    assert found.types == ("cert_review", "tech_support", "web_inquiry")
    assert found.courses == ()


def _survey(rows: list[tuple], kind: str = "trainee_survey") -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["course", "response_date", "items_json", "overall"])
    frame["response_date"] = pd.to_datetime(frame["response_date"]).astype("datetime64[us]")
    frame["kind"] = kind
    frame["year"] = frame["response_date"].dt.year
    frame["course_key"] = frame["course"]
    frame["company"] = None
    frame["score"] = frame["overall"]
    frame["scale_max"] = 5.0
    frame["comments"] = None
    return frame


def test_survey_questions_become_columns_and_course_filter_applies(engine):
    rows = [
        ("정수처리 기초", "2025-05-02 10:00", "[5,4]", 5.0),
        ("정수처리 기초", "2025-05-02 11:00", "[3,null]", 3.0),
        ("하수처리 심화", "2025-06-10 09:00", "[4,4]", 4.0),
    ]
    _import(engine, "trainee_survey", _survey(rows), "survey.xlsx", questions=("강사는 친절했다", "교재가 유익했다"))
    _import(engine, "future_talent_survey", _survey([("미래", "2025-06-10 09:00", "[1]", 1.0)], "future_talent_survey"),
            "future.xlsx", questions=("다른 설문",))
    frame = explore.load(engine, "trainee_survey", explore.Filters(courses=("정수처리 기초",)))
    assert list(frame["course"]) == ["정수처리 기초", "정수처리 기초"]
    assert list(frame["강사는 친절했다"]) == [5, 3]
    assert frame["교재가 유익했다"].iloc[0] == 4 and pd.isna(frame["교재가 유익했다"].iloc[1])
    assert "다른 설문" not in frame.columns  # another kind's questions never leak in
    assert {"items_json", "upload_id", "id"}.isdisjoint(frame.columns)


def test_undone_upload_disappears_from_the_explorer(engine):
    upload = _import(engine, "cases", _cases(CASES[:2]), "two.xlsx")
    assert len(explore.load(engine, "cases", today=TODAY)) == 2
    store.undo_upload(engine, upload)
    assert explore.load(engine, "cases", today=TODAY).empty


def test_attendance_shows_only_the_pseudonym_and_filters_by_course(engine):
    frame = pd.DataFrame({
        "trainee_id": ["p1", "p2", "p3"],
        "course": ["가", "가", "나"],
        "course_key": ["가", "가", "나"],
        "cohort": ["1", "1", "2"],
        "start_date": pd.to_datetime(["2025-03-01"] * 3),
        "end_date": pd.to_datetime(["2025-03-05", "2025-03-05", "2025-09-05"]),
        "year": [2025, 2025, 2025],
        "completed": [True, False, True],
    })
    _import(engine, "attendance", frame, "att.xlsx")
    shown = explore.load(engine, "attendance", explore.Filters(courses=("가",)))
    assert list(shown["trainee_id"]) == ["p1", "p2"]
    assert list(shown["completed"]) == [True, False]
    assert not {"name", "birth_date", "phone"} & set(shown.columns)


def test_export_holds_exactly_the_filtered_rows(cases_db):
    shown = explore.load(cases_db, "cases", explore.Filters(timeliness=("late",)), today=TODAY)
    from_csv = pd.read_csv(io.BytesIO(to_csv_bytes(shown)), encoding="utf-8-sig")
    assert sorted(from_csv["ref"]) == _refs(shown) == ["B-late-by-one", "C-open-past-deadline"]
    assert list(from_csv.columns) == list(shown.columns)
    from_xlsx = pd.read_excel(io.BytesIO(to_xlsx_bytes(shown)), engine="calamine")
    assert sorted(from_xlsx["ref"]) == _refs(shown)
    assert len(from_xlsx) == len(shown)


def test_every_dataset_loads_on_an_empty_database(engine):
    for ds in explore.datasets():
        assert explore.load(engine, ds.name).empty
        assert explore.choices(engine, ds.name).years == ()


# --- survey answers stay with their respondent under every filter ----------------------------

# Two courses interleaved in time, each respondent's answers unique to them (r<i> in the comments).
INTERLEAVED = [
    ("정수처리 기초" if i % 2 == 0 else "하수처리 심화", f"2025-05-{1 + i:02d} 10:00", f"[{1 + i % 5},{5 - i % 5},{i}]", float(1 + i % 5))
    for i in range(9)
]


def _stored_answers(engine) -> dict[str, list]:
    """comment -> the answers stored for that respondent, read straight from the table."""
    stored = store.read_active(engine, "survey_responses", "kind = 'trainee_survey'", columns="comments, items_json")
    return {c: json.loads(items) for c, items in zip(stored["comments"], stored["items_json"], strict=True)}


@pytest.mark.parametrize(
    "filters",
    [
        explore.Filters(),
        explore.Filters(courses=("하수처리 심화",)),
        explore.Filters(courses=("정수처리 기초",)),
        explore.Filters(date_from=date(2025, 5, 4), date_to=date(2025, 5, 7)),
        explore.Filters(courses=("하수처리 심화",), date_from=date(2025, 5, 3)),
    ],
)
def test_filtered_survey_rows_carry_their_own_respondents_answers_in_table_csv_and_xlsx(engine, filters):
    survey = _survey(INTERLEAVED).assign(comments=[f"r{i}" for i in range(len(INTERLEAVED))])
    questions = ("강사", "교재", "번호")
    _import(engine, "trainee_survey", survey, "survey.xlsx", questions=questions)
    stored = _stored_answers(engine)
    shown = explore.load(engine, "trainee_survey", filters)
    assert len(shown) > 0
    from_csv = pd.read_csv(io.BytesIO(to_csv_bytes(shown)), encoding="utf-8-sig")
    from_xlsx = pd.read_excel(io.BytesIO(to_xlsx_bytes(shown)), engine="calamine")
    for frame in (shown, from_csv, from_xlsx):
        for _, row in frame.iterrows():
            assert [row[q] for q in questions] == stored[row["comments"]], row["comments"]


# --- one rule for deadlines and postings on every surface ------------------------------------

def test_an_open_case_of_a_past_year_is_judged_on_today_as_the_scorecard_judges_it(engine):
    from metrics.kpi.scorecard import compute_scorecard

    # Received Monday 22 Dec 2025, never answered. 15 working days (25 Dec and 1 Jan are holidays):
    # 22, 23, 24, 26 (4), 29, 30, 31 (7), 2 Jan (8), 5-9 (13), 12, 13 (15): deadline Tue 13 Jan 2026.
    # Judged on 2 Mar 2026 it is overdue; judging it on 31 Dec 2025 would call it pending. Working days
    # so far: 13 by 9 Jan, 12-16 Jan (18), 19-23 (23), 26-30 (28), 2-6 Feb (33), 9-13 (38), Seollal 16-18 Feb
    # leaves 19, 20 (40), 23-27 (45), and 2 Mar is the substitute holiday for 1 Mar: 45 - 15 = 30 days over.
    _import(engine, "cases", _cases([("cert_review", "X-open", "2025-12-22", None, None)]), "x.xlsx")
    today = date(2026, 3, 2)
    (row,) = explore.load(engine, "cases", explore.Filters(years=(2025,)), today=today).to_dict("records")
    assert (row["timeliness"], row["deadline"], row["days_over"]) == ("late", pd.Timestamp("2026-01-13"), 30)
    card = next(r for r in compute_scorecard(engine, 2025, today=today) if r.id == "cert.review_15d")
    assert (card.numerator, card.denominator, card.pending) == (0, 1, 0)


def test_postings_carry_the_scorecards_state(engine):
    posts = pd.DataFrame({
        "company": ["A", "B", "C"], "product": ["p1", "p2", "p3"],
        "posted_from": pd.to_datetime(["2025-03-10", "2025-03-10", "2025-10-01"]),
        "posted_to": pd.to_datetime(["2025-08-10", "2025-08-09", None]), "year": 2025,
    })
    _import(engine, "postings", posts, "posts.xlsx")
    # A reaches five months on 10 Aug exactly; B is a day short; C, still online, reaches them on 1 Mar 2026.
    shown = explore.load(engine, "postings", today=date(2026, 2, 1)).set_index("company")
    assert shown["state"].to_dict() == {"A": "met", "B": "missed", "C": "pending"}
    assert shown.loc["C", "online_until"] == pd.Timestamp("2026-02-01")


def test_spelling_variants_of_a_course_are_one_choice_and_one_filter_as_the_kpi_matches_them(engine):
    from metrics.kpi.measures.surveys import course_table

    rows = [
        ("정수처리 기초", "2025-05-02 10:00", "[5]", 5.0),
        ("정수처리기초", "2025-05-03 10:00", "[4]", 4.0),
        ("[정수처리] 기초", "2025-05-04 10:00", "[3]", 3.0),
        ("하수처리 심화", "2025-05-05 10:00", "[2]", 2.0),
    ]
    survey = _survey(rows)
    _import(engine, "trainee_survey", survey, "survey.xlsx", questions=("강사",))
    found = explore.choices(engine, "trainee_survey")
    # Two courses, as the coverage KPI counts them; each named by its first spelling (in sorted order).
    assert len(found.courses) == 2 == len(course_table(survey))
    assert [found.course_name(k) for k in found.courses] == ["[정수처리] 기초", "하수처리 심화"]
    for chosen in (found.courses[0], "정수처리기초", " 정수처리  기초 "):
        shown = explore.load(engine, "trainee_survey", explore.Filters(courses=(chosen,)))
        assert sorted(shown["강사"]) == [3, 4, 5], chosen


# --- exported answers equal the stored answers of the same respondents, under every filter ---------

def _answers_by_hand(engine, kind: str, filters: explore.Filters) -> list[dict]:
    """Each respondent the filters keep, oldest first, as {question text: answer}, read and filtered here
    without the explorer: the stored rows, their upload's questions, the filters applied one by one."""
    from metrics.kpi.measures.surveys import normalise_course

    stored = store.read_active(engine, "survey_responses", "kind = :k", {"k": kind},
                               columns="id, upload_id, year, response_date, course, course_key, items_json")
    with engine.connect() as conn:
        texts = pd.read_sql("SELECT upload_id, position, text FROM survey_questions ORDER BY upload_id, position", conn)
    asked = {int(u): list(g["text"]) for u, g in texts.groupby("upload_id")}
    stored["response_date"] = pd.to_datetime(stored["response_date"])
    keep = pd.Series(True, index=stored.index)
    if filters.years:
        keep &= stored["year"].isin(filters.years)
    if filters.courses:
        wanted = {normalise_course(c) for c in filters.courses}
        keys = stored["course_key"].where(stored["course_key"].notna(), stored["course"]).map(normalise_course)
        keep &= keys.isin(wanted)
    if filters.date_from:
        keep &= stored["response_date"].dt.normalize() >= pd.Timestamp(filters.date_from)
    if filters.date_to:
        keep &= stored["response_date"].dt.normalize() <= pd.Timestamp(filters.date_to)
    kept = stored[keep].sort_values(["response_date", "id"], na_position="last")
    out = []
    for upload_id, items in zip(kept["upload_id"], kept["items_json"], strict=True):
        answers = json.loads(items) if isinstance(items, str) else []
        out.append({q: a for q, a in zip(asked.get(int(upload_id), []), answers, strict=False) if a is not None})
    return out


def _answers_exported(engine, kind: str, filters: explore.Filters) -> list[dict]:
    """Each exported respondent's answers, read back from the CSV the page offers."""
    shown = explore.load(engine, kind, filters)
    back = pd.read_csv(io.BytesIO(to_csv_bytes(shown)), encoding="utf-8-sig")
    questions = [c for c in back.columns if c not in explore.dataset(kind).columns]
    return [{q: a for q, a in row.items() if pd.notna(a)} for row in back[questions].to_dict("records")]


@pytest.mark.parametrize("kind", ["trainee_survey", "future_talent_survey", "exhibitor_survey"])
def test_on_the_demo_every_course_year_and_date_filter_exports_each_respondents_own_answers(demo_database_url, kind):
    from metrics.kpi.measures.surveys import course_keys
    from metrics.store import get_engine

    engine = get_engine(demo_database_url)
    found = explore.choices(engine, kind)
    year = found.years[1]  # the last full year: every course of it, alone and with the year
    of_year = explore.load(engine, kind, explore.Filters(years=(year,)))
    courses = sorted(set(course_keys(of_year)) - {""})[:8]
    filters = [explore.Filters(), *(explore.Filters(years=(y,)) for y in found.years),
               *(explore.Filters(years=(year,), courses=(c,)) for c in courses),
               *(explore.Filters(courses=(c,)) for c in found.courses[:1])]
    when = of_year["response_date"].dropna()
    if len(when):  # a survey whose year was given at upload has no dates to filter on
        middle = (when.quantile(0.25).date(), when.quantile(0.75).date())
        filters += [explore.Filters(date_from=middle[0], date_to=middle[1]),
                    *(explore.Filters(years=(year,), courses=(c,), date_from=middle[0]) for c in courses[-1:])]
    for chosen in filters:
        expected = _answers_by_hand(engine, kind, chosen)
        assert expected or (chosen.courses and chosen.date_from), chosen  # only a combination may keep no one
        assert _answers_exported(engine, kind, chosen) == expected, chosen


SPELLINGS = ("정수처리 기초", "정수처리기초", "[정수처리] 기초", "하수 심화", "하수심화", "관로관리")
answer = st.one_of(st.none(), st.integers(1, 5))
respondent = st.tuples(
    st.sampled_from((*SPELLINGS, None)),
    st.one_of(st.none(), st.datetimes(datetime(2024, 1, 1), datetime(2026, 12, 31))),
    st.lists(answer, min_size=3, max_size=3),
)
a_filter = st.builds(
    explore.Filters,
    years=st.lists(st.sampled_from((2024, 2025, 2026)), max_size=2, unique=True).map(tuple),
    courses=st.lists(st.sampled_from((*SPELLINGS, "없는 과정")), max_size=2, unique=True).map(tuple),
    date_from=st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2026, 12, 31))),
    date_to=st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2026, 12, 31))),
)
_uploads = iter(range(10**6))


# Each example imports its uploads and undoes them, so the test's one database starts empty every time;
# no shrinking (minutes on a shared machine): the failing example is printed as found.
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(first=st.lists(respondent, max_size=12), second=st.lists(respondent, max_size=8),
       filters=st.lists(a_filter, min_size=1, max_size=4))
def test_on_random_surveys_every_filter_exports_each_respondents_own_answers(engine, first, second, filters):
    uploads = []
    # Two uploads asking the same questions in another order: answers are matched by question text.
    for rows, questions in ((first, ("강사", "교재", "시설")), (second, ("시설", "강사", "교재"))):
        if not rows:
            continue
        frame = pd.DataFrame({
            "course": [c for c, _, _ in rows], "course_key": [c and c.replace(" ", "") for c, _, _ in rows],
            "response_date": pd.to_datetime([w for _, w, _ in rows]).astype("datetime64[us]"),
            "items_json": [json.dumps(items) for _, _, items in rows],
            "overall": [items[0] for _, _, items in rows], "kind": "trainee_survey",
            "company": None, "comments": [f"r{n}" for n in range(len(rows))],
        })
        frame["year"] = frame["response_date"].dt.year.fillna(2025).astype("int64")
        frame["score"], frame["scale_max"] = frame["overall"], 5.0
        uploads.append(_import(engine, "trainee_survey", frame, f"survey-{next(_uploads)}.xlsx", questions=questions))
    try:
        for chosen in filters:
            assert _answers_exported(engine, "trainee_survey", chosen) == _answers_by_hand(engine, "trainee_survey", chosen)
    finally:
        for upload in uploads:
            store.undo_upload(engine, upload)


def test_a_survey_course_name_mapped_by_a_manager_joins_its_roster_course_in_the_explorer_and_the_rows(engine):
    from metrics.intake.ingest import ingest_file
    from metrics.kpi import course_aliases
    from metrics.kpi.kpi_rows import kpi_rows
    from tests.sheets import xlsx

    roster = [["성명", "교육과정명", "교육종료일", "수료여부"], ["홍길동", "수질 분석 실무 과정", "2025-05-02", "수료"]]
    survey = [["교육과정명", "응답일시", "전반적 만족도"], ["수질분석 실무", "2025-05-03 09:00", 4],
              ["수질분석실무과정", "2025-05-03 09:05", 5]]
    assert ingest_file(engine, xlsx(roster), "명부.xlsx", kind="attendance").ok
    assert ingest_file(engine, xlsx(survey), "설문.xlsx", kind="trainee_survey").ok
    assert len(explore.choices(engine, "trainee_survey").courses) == 2  # before the mapping: two names
    course_aliases.save(engine, {"수질분석 실무": "수질 분석 실무 과정"})
    found = explore.choices(engine, "trainee_survey")
    assert len(found.courses) == 1
    shown = explore.load(engine, "trainee_survey", explore.Filters(courses=("수질 분석 실무 과정",)))
    assert sorted(shown["course"]) == ["수질분석 실무", "수질분석실무과정"]
    rows = kpi_rows(engine, "edu.feedback_per_course", 2025, today=date(2026, 1, 15)).rows
    assert rows[["course", "responses", "state"]].values.tolist() == [["수질 분석 실무 과정", 2, "met"]]


def test_a_csv_export_writes_whole_numbers_without_a_decimal_point_and_keeps_fractions():
    frame = pd.DataFrame({"점수": [8.0, None, 10.0], "평균": [4.25, 4.0, None], "건수": [3, 4, 5]})
    text = to_csv_bytes(frame).decode("utf-8-sig")
    assert text == "점수,평균,건수\r\n8,4.25,3\r\n,4.0,4\r\n10,,5\r\n"
