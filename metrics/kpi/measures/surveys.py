"""Survey measures: mean rating, share satisfied, and feedback coverage of the year's courses.

A response's score (survey_responses.score) is its overall question, or the mean of its Likert
items when the overall question was left blank or the survey has none; it is on the survey's own
scale (`scale_max`). Every score taken from the item mean is counted in a note (never silent). Measures convert
it proportionally to the scale the charter speaks of (x * scale / scale_max) and say so.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import date

import numpy as np
import pandas as pd

from metrics.kpi.measures.base import Frames, KpiParams, MeasureResult, Period, dates64, share_result
from metrics.kpi.notes import Note, NoteCode
from metrics.kpi.stats import t_interval, wilson_interval

EPS = 1e-9  # item means such as 4.0 may arrive as 3.9999999999
NO_SCORES = Note(NoteCode.NO_SCORED_RESPONSES, "점수 있는 응답 없음", "no scored responses")
SINGLE = Note(NoteCode.SINGLE_RESPONSE, "응답 1건: 신뢰구간 없음, 결론 불확실", "a single response: no interval, not conclusive")


def scores_on_scale(rows: pd.DataFrame, scale: float) -> np.ndarray:
    """Each response's score converted to `scale` (x * scale / scale_max); NaN where it has none to use."""
    score = pd.to_numeric(rows["score"]).to_numpy(dtype=float, na_value=np.nan)
    scale_max = pd.to_numeric(rows["scale_max"]).to_numpy(dtype=float, na_value=np.nan)
    keep = ~np.isnan(score) & ~np.isnan(scale_max) & (scale_max > 0)
    out = np.full(score.shape, np.nan)
    out[keep] = score[keep] * scale / scale_max[keep]
    return out


def converted_scores(rows: pd.DataFrame, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """(scores on `scale`, own scale of each) for the responses that have a score."""
    on_scale = scores_on_scale(rows, scale)
    keep = ~np.isnan(on_scale)
    return on_scale[keep], pd.to_numeric(rows["scale_max"]).to_numpy(dtype=float, na_value=np.nan)[keep]


def is_satisfied(scores: np.ndarray, satisfied_at: float) -> np.ndarray:
    """Which scores (on the KPI's scale) count as satisfied: at least `satisfied_at`, allowing float noise."""
    return scores >= satisfied_at - EPS


def score_100(rows: pd.DataFrame) -> float | None:
    """Mean 100-point score, linear on each response's own scale: (x - 1) / (max - 1) * 100."""
    score = pd.to_numeric(rows["score"]).to_numpy(dtype=float, na_value=np.nan)
    scale_max = pd.to_numeric(rows["scale_max"]).to_numpy(dtype=float, na_value=np.nan)
    keep = ~np.isnan(score) & (scale_max > 1)
    if not keep.any():
        return None
    return float(((score[keep] - 1) / (scale_max[keep] - 1) * 100).mean())


def overall_fallback_note(rows: pd.DataFrame) -> tuple[Note, ...]:
    """A note counting the scored responses whose overall question is blank, so their item mean stood in."""
    if "overall" not in rows.columns or rows.empty:
        return ()
    overall = pd.to_numeric(rows["overall"]).to_numpy(dtype=float, na_value=np.nan)
    score = pd.to_numeric(rows["score"]).to_numpy(dtype=float, na_value=np.nan)
    count = int((np.isnan(overall) & ~np.isnan(score)).sum())
    if not count:
        return ()
    return (Note(
        NoteCode.OVERALL_BLANK_ITEM_MEAN,
        f"종합 만족도 무응답 {count}건: 평가 문항 평균으로 계산",
        f"{count} responses left the overall question blank: their item mean was used",
    ),)


def conversion_note(own_scales: np.ndarray, scale: float) -> tuple[Note, ...]:
    """A note per other scale that was converted, e.g. 5-point answers shown on 10 points."""
    notes = []
    for other, count in zip(*np.unique(own_scales, return_counts=True), strict=True):
        if abs(other - scale) > EPS:
            notes.append(Note(
                NoteCode.SCALE_CONVERTED,
                f"{other:g}점 척도 응답 {count}건을 {scale:g}점으로 환산(×{scale / other:g})",
                f"{count} responses on a {other:g}-point scale converted to {scale:g} points",
            ))
    return tuple(notes)


def survey_mean(rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames) -> MeasureResult:
    """Mean score on the `scale` of the charter, with a 95% t interval."""
    scale = float(params["scale"])
    values, own = converted_scores(rows, scale)
    n = int(values.size)
    notes = [*overall_fallback_note(rows), *conversion_note(own, scale)]
    if n == 0:
        return MeasureResult(value=None, n=0, sample=True, notes=(NO_SCORES,))
    mean = float(values.mean())
    sd = float(values.std(ddof=1)) if n > 1 else math.nan
    ci = t_interval(mean, sd, n)
    notes.extend(_interval_notes(n, sd))
    extra = {"scale": scale, "sd": None if math.isnan(sd) else sd, "score_100": score_100(rows)}
    return MeasureResult(value=mean, n=n, ci=ci, sample=True, notes=tuple(notes), extra=extra)


def _interval_notes(n: int, sd: float) -> list[Note]:
    if n == 1:
        return [SINGLE]
    if sd == 0:
        return [Note(
            NoteCode.IDENTICAL_RESPONSES, "모든 응답이 같아 흩어짐을 알 수 없음: 신뢰구간 없음, 결론 불확실",
            "all responses identical: no spread to estimate, so no interval and not conclusive",
        )]
    return []


def survey_satisfied_share(rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames) -> MeasureResult:
    """Share of respondents satisfied (score >= satisfied_at on `scale`), with a Wilson interval."""
    scale = float(params.get("scale", 5))
    satisfied_at = float(params.get("satisfied_at", 4.0))
    values, own = converted_scores(rows, scale)
    n = int(values.size)
    if n == 0:
        return MeasureResult(value=None, n=0, sample=True, notes=(NO_SCORES,))
    satisfied = int(is_satisfied(values, satisfied_at).sum())
    s100 = score_100(rows)
    notes = overall_fallback_note(rows) + conversion_note(own, scale)
    if n == 1:
        notes += (SINGLE,)
    if s100 is not None:
        notes += (Note(NoteCode.SCORE_100, f"100점 환산 {s100:.1f}점", f"100-point score {s100:.1f}"),)
    extra = {"score_100": s100, "satisfied_at": satisfied_at, "scale": scale}
    return MeasureResult(
        value=satisfied / n, n=n, numerator=satisfied, denominator=n,
        ci=wilson_interval(satisfied, n), sample=True, notes=notes, extra=extra,
    )


def normalise_course(name: object) -> str:
    """A course name reduced for matching: NFKC, case folded, letters and digits only."""
    # pd.isna takes any scalar; its stubs list only some
    if name is None or (not isinstance(name, str) and pd.isna(name)):  # type: ignore[call-overload]
        return ""
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    # Spaces, bracket styles and punctuation differ between the attendance sheet and the survey.
    return "".join(ch for ch in text if ch.isalnum())


def course_keys(frame: pd.DataFrame) -> pd.Series:
    """Each row's course matching key, as course_table matches it: its course_key (else its name) normalised."""
    if frame.empty or not ({"course", "course_key"} & set(frame.columns)):
        return pd.Series("", index=frame.index, dtype="str")
    names = frame["course"].astype("object") if "course" in frame.columns else None
    raw = frame["course_key"].astype("object") if "course_key" in frame.columns else names
    assert raw is not None  # a course or course_key column (checked above)
    if names is not None:
        raw = raw.where(raw.notna(), names)
    codes, uniques = pd.factorize(raw)
    keys = np.array([normalise_course(u) for u in uniques] + [""], dtype=object)
    return pd.Series(keys[codes], index=frame.index, dtype="str")


def _as_category(col: pd.Series) -> pd.Series:
    return col if isinstance(col.dtype, pd.CategoricalDtype) else col.astype("object").astype("category")


def course_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per matching key: key, name (as first written), rows; rows without a course dropped."""
    empty = pd.DataFrame({"key": pd.Series(dtype="str"), "name": pd.Series(dtype="str"), "rows": pd.Series(dtype="int64")})
    if frame.empty or not ({"course", "course_key"} & set(frame.columns)):
        return empty
    names = _as_category(frame["course"] if "course" in frame.columns else frame["course_key"])
    raw = _as_category(frame["course_key"] if "course_key" in frame.columns else names)
    rc, nc = raw.cat.codes.to_numpy(), names.cat.codes.to_numpy()
    if ((rc < 0) & (nc >= 0)).any():
        # A course written without its stored key: match on the name itself.
        raw = _as_category(raw.astype("object").fillna(names.astype("object")))
        rc = raw.cat.codes.to_numpy()
    keep = rc >= 0
    rc, nc = rc[keep].astype(np.int64), nc[keep].astype(np.int64)
    if rc.size == 0:
        return empty
    # Distinct (key, name) pairs on integer codes, in order of first appearance, then the first per key.
    width = len(names.cat.categories) + 1
    pairs = pd.unique(rc * width + (nc + 1))
    pair_raw, pair_name = pairs // width, pairs % width - 1
    _, first = np.unique(pair_raw, return_index=True)
    raw_codes, name_codes = pair_raw[first], pair_name[first]
    raw_text = raw.cat.categories.to_numpy(dtype=object)[raw_codes]
    name_text = np.where(name_codes >= 0, names.cat.categories.to_numpy(dtype=object)[np.maximum(name_codes, 0)], raw_text)
    per_raw = pd.DataFrame({"raw": raw_text, "name": name_text, "rows": np.bincount(rc)[raw_codes]})
    # Normalise each distinct spelling once, then merge the spellings that agree.
    per_raw["key"] = per_raw["raw"].map(normalise_course)
    per_raw = per_raw[per_raw["key"] != ""]
    table = per_raw.groupby("key", sort=True).agg(name=("name", "first"), rows=("rows", "sum")).reset_index()
    return table.astype({"key": "str", "name": "str", "rows": "int64"})


def course_roster(rows: pd.DataFrame) -> pd.DataFrame:
    """The courses a coverage KPI counts, from attendance (course, end_date) or from events, where a course run is
    an event (title = the course, date = its last day: the future-talent courses, which have no attendance upload)."""
    if "end_date" in rows.columns or "date" not in rows.columns:
        return rows
    return rows.rename(columns={"title": "course", "date": "end_date"})


def coverage_table(
    attendance: pd.DataFrame, survey: pd.DataFrame, as_of: date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(courses ended by as_of with responses and covered, survey course names matching no course)."""
    attendance = course_roster(attendance)
    ended = dates64(attendance["end_date"]) <= np.datetime64(as_of, "D")
    course_cols = [c for c in ("course", "course_key") if c in attendance.columns]
    # A finished year has every course ended: skip copying a million rows for nothing.
    courses = course_table(attendance[course_cols] if ended.all() else attendance.loc[ended, course_cols])
    answered = course_table(survey)
    courses = courses.merge(
        answered[["key", "rows"]].rename(columns={"rows": "responses"}), on="key", how="left"
    )
    courses["responses"] = courses["responses"].fillna(0).astype("int64")
    courses["covered"] = courses["responses"] > 0
    unmatched = answered[~answered["key"].isin(courses["key"])].rename(columns={"rows": "responses"})
    return courses, unmatched.reset_index(drop=True)


def course_feedback_coverage(
    rows: pd.DataFrame, params: KpiParams, period: Period, frames: Frames
) -> MeasureResult:
    """Share of the year's courses (distinct names, cohorts once) with at least one survey response."""
    survey = frames.get(params["survey_kind"], pd.DataFrame())
    courses, unmatched = coverage_table(rows, survey, period.as_of)
    covered = int(courses["covered"].sum())
    uncovered = courses.loc[~courses["covered"], "name"].tolist()
    # Every response with a usable course name is either matched (in courses) or listed as unmatched.
    no_course = int(len(survey) - courses["responses"].sum() - unmatched["responses"].sum())
    notes = _coverage_notes(uncovered, unmatched["name"].tolist(), no_course)
    extra = {"uncovered_courses": uncovered, "unmatched_survey_courses": unmatched["name"].tolist(), "courses": len(courses)}
    return share_result(covered, len(courses), None, notes, extra)


def _coverage_notes(uncovered: list[str], unmatched: list[str], no_course: int) -> tuple[Note, ...]:
    """Courses without feedback and survey responses that found no course, the first ten names listed."""
    notes = []
    if uncovered:
        names = ", ".join(uncovered[:10])
        notes.append(Note(
            NoteCode.COURSES_WITHOUT_FEEDBACK, f"의견 수렴 없는 과정 {len(uncovered)}개: {names}",
            f"{len(uncovered)} courses without feedback: {names}",
        ))
    if unmatched:
        names = ", ".join(unmatched[:10])
        notes.append(Note(
            NoteCode.UNMATCHED_SURVEY_COURSES, f"과정명이 맞지 않는 설문 과정 {len(unmatched)}개: {names}",
            f"{len(unmatched)} survey course names match no course: {names}",
        ))
    if no_course:
        notes.append(Note(
            NoteCode.RESPONSES_WITHOUT_COURSE, f"과정명 없는 응답 {no_course}건", f"{no_course} responses without a course name"
        ))
    return tuple(notes)

