"""The demo: deterministic, the promised sizes and story, sample files in realistic layouts."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from metrics.contract import load_contract
from metrics.demo import SAMPLES_DIR, generate, has_uploads, run_demo, year_of
from metrics.demo.files import read_manifest, write_samples
from metrics.settings import CONFIG_DIR

TODAY = date(2026, 11, 27)
FULL_YEARS = (2023, 2024, 2025)


@pytest.fixture(scope="module")
def data():
    return generate(TODAY)


@pytest.fixture(scope="module")
def samples(data, tmp_path_factory):
    out = tmp_path_factory.mktemp("samples")
    return write_samples(data, out)


def _per_year(data, kind) -> dict[int, int]:
    frame = getattr(data, kind)
    return year_of(kind, frame).value_counts().to_dict()


def _completed(data) -> pd.DataFrame:
    return data.attendance[data.attendance["수료여부"]]


# --- determinism ---------------------------------------------------------------------------

def test_same_seed_gives_identical_frames(data):
    again = generate(TODAY)
    for kind, frame in data.frames().items():
        pd.testing.assert_frame_equal(frame, again.frames()[kind], obj=kind)


def test_another_seed_gives_other_data(data):
    other = generate(TODAY, seed=7)
    assert not other.attendance["성명"].equals(data.attendance["성명"])


def test_rewriting_the_samples_gives_the_same_bytes(data, samples, tmp_path):
    again = write_samples(data, tmp_path)
    assert [s.path.name for s in again] == [s.path.name for s in samples]
    for first, second in zip(samples, again, strict=True):
        assert first.path.read_bytes() == second.path.read_bytes(), first.path.name


# --- shape: contract headers, years, sizes --------------------------------------------------

def test_frames_carry_every_required_contract_header(data):
    contract = load_contract()
    for kind, frame in data.frames().items():
        required = {c.ko for c in contract.kind(kind).columns if c.required}
        assert required <= set(frame.columns), kind


def test_every_kind_covers_all_four_years(data):
    assert data.years == (2023, 2024, 2025, 2026)
    for kind in data.frames():
        assert set(_per_year(data, kind)) == set(data.years), kind


@pytest.mark.parametrize(
    "kind, low, high",
    [
        ("exhibitor_survey", 150, 200),
        ("postings", 120, 200),
        ("cases", 300, 700),
        ("calls", 2000, 5000),
        ("trainee_survey", 1000, 3000),
        ("future_talent_survey", 80, 300),
    ],
)
def test_rows_per_full_year_are_in_the_promised_range(data, kind, low, high):
    counts = _per_year(data, kind)
    for year in FULL_YEARS:
        assert low <= counts[year] <= high, (kind, year, counts[year])


def test_thousands_complete_training_each_year_over_dozens_of_courses(data):
    done = _completed(data)
    per_year = done.groupby(done["교육종료일"].dt.year)
    for year in FULL_YEARS:
        group = per_year.get_group(year)
        assert 3200 <= len(group) <= 3600
        assert 35 <= group["교육과정명"].nunique() <= 45
    rate = data.attendance["수료여부"].mean()
    assert 0.86 <= rate <= 0.94


def test_every_case_type_appears_every_year(data):
    labels = data.cases.groupby(year_of("cases", data.cases))["업무구분"].nunique()
    assert (labels == 7).all()


def test_the_current_year_stops_at_today(data):
    for kind, frame in data.frames().items():
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]) and column != "생년월일":
                assert frame[column].max() <= pd.Timestamp(TODAY) + pd.Timedelta(days=1), (kind, column)


def test_an_early_today_leaves_the_rest_of_the_year_empty():
    early = generate(date(2026, 3, 10))
    assert 2026 not in set(early.exhibitor_survey["전시회 연도"])  # the show is in May
    assert early.attendance["교육종료일"].max() <= pd.Timestamp("2026-03-10")
    assert early.calls["수신일시"].max() < pd.Timestamp("2026-03-11")
    assert len(early.for_year("attendance", 2026)) < 1000


# --- the story an executive would believe ----------------------------------------------------

def test_one_year_misses_the_exhibitor_rating_promise(data):
    means = data.exhibitor_survey.groupby("전시회 연도")["종합 만족도"].mean()
    assert list(means[means < 7.5].index) == [2024]
    assert means[2024] == pytest.approx(7.3, abs=0.05)


def test_the_steering_committee_skipped_exactly_last_year(data):
    events = data.events.assign(year=year_of("events", data.events))
    held = events.groupby("year")["행사구분"].apply(set)
    for year in data.years:
        expected = {"참가기업 설명회", "지자체·관리대행업체 워크숍", "교육수요조사"}
        assert expected <= held[year], year
        assert ("기업재직자 운영위원회" in held[year]) == (year != 2025)


def test_trainees_are_mostly_satisfied(data):
    survey = data.trainee_survey
    satisfied = survey["전반적 만족도"].isin(["만족", "매우 만족"]).groupby(year_of("trainee_survey", survey)).mean()
    assert satisfied.between(0.8, 0.9).all()
    future = data.future_talent_survey
    assert 4.0 <= future["전반적 만족도"].mean() <= 4.4


def test_survey_answers_are_known_likert_wordings(data):
    with open(CONFIG_DIR / "likert.toml", "rb") as fh:
        known = set(tomllib.load(fh)["five_point"])
    questions = [c for c in data.trainee_survey.columns if c.endswith("?")] + ["전반적 만족도"]
    answers = set(pd.unique(data.trainee_survey[questions].to_numpy().ravel()))
    assert answers <= known


def _course_key(names: pd.Series) -> pd.Series:
    return names.str.replace(r"[\s()\[\]]", "", regex=True)


def test_each_year_one_course_has_no_survey_and_names_vary_only_in_spacing(data):
    survey, done = data.trainee_survey, _completed(data)
    for year in data.years:
        typed = data.for_year("trainee_survey", year)["교육과정명"]
        taught = set(_course_key(done[done["교육종료일"].dt.year == year]["교육과정명"]))
        assert len(taught - set(_course_key(typed))) == 1
        assert set(_course_key(typed)) <= taught  # every spelling maps back to a real course
        assert typed.nunique() > len(set(_course_key(typed)))  # and some are spelled differently
    assert len(survey) > 0


def test_some_trainees_take_several_courses_within_and_across_years(data):
    a = data.attendance
    person = a["성명"] + "|" + a["생년월일"].astype(str) + "|" + a["연락처"]
    year = a["교육종료일"].dt.year
    courses_in_year = a.groupby([person, year])["교육과정명"].nunique()
    years_per_person = year.groupby(person).nunique()
    assert (courses_in_year > 1).sum() > 50
    assert (years_per_person > 1).sum() > 300


def test_late_certification_reviews_cluster_around_lunar_holidays(data):
    from metrics.demo.calendar import WorkCalendar

    cal = WorkCalendar(2023, 2026)
    reviews = data.cases[data.cases["업무구분"] == "인증 신청 서류검토"].dropna(subset=["처리일"])
    taken = [len(cal.workdays(r.date(), c.date())) for r, c in zip(reviews["접수일"], reviews["처리일"], strict=True)]
    late = reviews[[t > 15 for t in taken]]
    assert 3 <= len(late) / len(data.years) <= 15
    holidays = [h for y in data.years for h in cal.lunar_holidays(y)]
    for received in late["접수일"]:
        assert any(0 < (h - received.date()).days <= 14 for h in holidays), received


def test_cases_are_handled_on_workdays_some_arrive_on_saturday_some_still_open(data):
    from metrics.demo.calendar import WorkCalendar

    cal = WorkCalendar(2023, 2026)
    cases = data.cases
    assert all(cal.is_workday(d.date()) for d in cases["처리일"].dropna())
    assert (cases["접수일"].dt.day_of_week == 5).sum() > 50
    still_open = cases[cases["처리일"].isna()]
    assert 1 <= len(still_open) <= 20
    assert (still_open["접수일"] >= pd.Timestamp(TODAY) - pd.Timedelta(days=30)).all()


def test_phones_ring_mostly_twice_or_less_and_ever_less_often_more(data):
    rings = data.calls["벨 울린 횟수"]
    assert 0.95 <= (rings <= 2).mean() <= 0.995
    assert set(rings) == {1, 2, 3, 4}
    slow = (rings > 2).groupby(year_of("calls", data.calls)).mean()
    assert slow[2023] > slow[2025] > slow[2026] > 0
    assert data.calls["수신일시"].is_unique  # the call time is what identifies a call


def test_postings_go_up_after_the_show_and_mostly_stay_five_months(data):
    from metrics.demo.calendar import months_later

    p = data.postings
    past = p[p["전시회 연도"] < 2026]
    kept = [months_later(f.date(), 5) <= t.date() for f, t in zip(past["게시시작일"], past["게시종료일"], strict=True)]
    assert 0.9 <= sum(kept) / len(kept) < 1.0
    current = p[p["전시회 연도"] == 2026]
    assert current["게시종료일"].isna().mean() > 0.85
    assert (p["게시시작일"].dt.year == p["전시회 연도"]).all()


# --- sample files -----------------------------------------------------------------------------

def _data_rows(path: Path) -> int:
    """Data rows in a sample as a person would count them: no title, header, 소계/합계/평균 or footnote."""
    if path.suffix == ".csv":
        encoding = "cp949" if "cp949" in path.name else "utf-8-sig"
        return len(pd.read_csv(path, encoding=encoding))
    raw = pd.read_excel(path, engine="calamine", header=None)
    if raw.iloc[1].notna().any():  # a plain table: the header on the first row, data right under it
        return len(raw) - 1
    numbered = pd.to_numeric(raw.iloc[:, 0], errors="coerce")
    return int(numbered.notna().sum())


def test_every_sample_reads_back_with_as_many_rows_as_generated(data, samples):
    for sample in samples:
        assert _data_rows(sample.path) == sample.rows, sample.path.name
    for kind in data.frames():
        written = sum(s.rows for s in samples if s.kind == kind)
        assert written == len(getattr(data, kind)), kind


def test_samples_cover_every_kind_with_the_options_they_need(samples):
    assert {s.kind for s in samples} == set(load_contract().kinds)
    exhibitor = [s for s in samples if s.kind == "exhibitor_survey"]
    assert all(s.upload_options() == {"year": int(s.path.stem[-4:])} for s in exhibitor)
    web = [s for s in samples if s.path.name.startswith("web_inquiries")]
    assert [s.upload_options() for s in web] == [{"case_type": "web_inquiry"}]


def test_attendance_sample_carries_personal_columns(samples):
    sample = next(s for s in samples if s.kind == "attendance")
    frame = pd.read_excel(sample.path, engine="calamine", header=2)
    assert {"성명", "생년월일", "연락처", "수료여부"} <= set(frame.columns)
    phones = frame["연락처"].dropna()
    assert phones.str.fullmatch(r"010-\d{4}-\d{4}").all()


def test_trainee_sample_looks_like_a_google_forms_export(samples):
    sample = next(s for s in samples if s.kind == "trainee_survey")
    frame = pd.read_excel(sample.path, engine="calamine")
    assert frame.columns[0] == "타임스탬프"
    assert frame["타임스탬프"].str.fullmatch(r"\d{4}\. \d{1,2}\. \d{1,2} 오[전후] \d{1,2}:\d{2}:\d{2}").all()
    assert "교육 내용에 전반적으로 만족하십니까?" in frame.columns


def test_exhibitor_sample_is_hand_made_with_title_group_header_average_and_footnote(samples):
    sample = next(s for s in samples if s.kind == "exhibitor_survey")
    raw = pd.read_excel(sample.path, engine="calamine", header=None)
    assert raw.iloc[0, 0] == f"{sample.year} WATER KOREA 참가기업 만족도 조사 결과"
    assert raw.iloc[1].isna().all()
    assert "항목별 만족도" in set(raw.iloc[2]) and "종합 만족도" in set(raw.iloc[2])
    labels = list(raw.iloc[:, 0].dropna())
    assert "평균" in labels and labels[-1].startswith("※ 10점 만점")


def test_case_csv_is_cp949_with_dotted_dates_and_calls_csv_has_a_bom(samples):
    cases = next(s for s in samples if s.path.suffix == ".csv" and s.kind == "cases")
    raw = cases.path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert re.search(r"\d{4}\.\d{2}\.\d{2}", raw.decode("cp949"))
    calls = next(s for s in samples if s.kind == "calls")
    assert calls.path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_events_sample_writes_dates_in_korean(samples):
    sample = next(s for s in samples if s.kind == "events")
    frame = pd.read_excel(sample.path, engine="calamine")
    assert frame["개최일"].str.fullmatch(r"\d{4}년 \d{1,2}월 \d{1,2}일").all()


def test_all_samples_together_stay_small(samples):
    assert sum(s.path.stat().st_size for s in samples) < 5_000_000


def test_stale_samples_from_an_earlier_run_are_removed(data, tmp_path):
    write_samples(generate(date(2027, 2, 1)), tmp_path)
    assert (tmp_path / "attendance_2024.xlsx").exists()
    write_samples(data, tmp_path)
    names = {p.name for p in tmp_path.iterdir()}
    assert "attendance_2027.xlsx" not in names and "attendance_2023.xlsx" in names


def test_committed_samples_are_what_the_generator_makes(data, samples, tmp_path):
    manifest = read_manifest(SAMPLES_DIR)
    if manifest is None:
        pytest.skip("data/samples not generated")
    today, seed = date.fromisoformat(manifest["today"]), manifest["seed"]
    fresh = samples if (today, seed) == (TODAY, data.seed) else write_samples(generate(today, seed), tmp_path)
    assert [f["file"] for f in manifest["files"]] == [s.path.name for s in fresh]
    for sample in fresh:
        committed = SAMPLES_DIR / sample.path.name
        assert committed.read_bytes() == sample.path.read_bytes(), (
            f"{committed} is stale: regenerate with write_samples(generate({today!r}, {seed}), SAMPLES_DIR)"
        )


# --- run_demo -------------------------------------------------------------------------------

def test_an_empty_database_has_no_uploads(engine):
    assert not has_uploads(engine)


def test_the_demo_lands_in_the_database_exactly_as_the_samples_hold_it(engine, data, tmp_path):
    pytest.importorskip("metrics.intake.ingest")
    from metrics.store import read_active

    reports = run_demo(engine, today=TODAY, out_dir=tmp_path)
    manifest = read_manifest(tmp_path)
    assert [r.filename for r in reports] == [f["file"] for f in manifest["files"]]
    tables = {"enrolments": "attendance", "cases": "cases", "events": "events", "postings": "postings", "calls": "calls"}
    for table, kind in tables.items():
        assert len(read_active(engine, table)) == len(getattr(data, kind)), table
    assert run_demo(engine, today=TODAY, out_dir=tmp_path, if_empty=True) == []

    short = [
        r.filename for r, entry in zip(reports, manifest["files"], strict=True)
        if not r.ok or (r.rows_imported, r.rows_held) != (entry["rows"], 0)
    ]
    assert short == []
    surveys = read_active(engine, "survey_responses")
    assert len(surveys) == sum(len(getattr(data, k)) for k in ("exhibitor_survey", "trainee_survey", "future_talent_survey"))
