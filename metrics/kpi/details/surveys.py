"""Survey stories: ratings per course, the distribution behind a mean, and each question's answers.

items_json holds a response's item scores in question order (null for unanswered); the question
texts live per upload in survey_questions, so the same position may mean another question in
another upload, and questions are matched by their text.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from metrics.kpi.measures.surveys import course_keys, is_satisfied, scores_on_scale

if TYPE_CHECKING:
    from metrics.kpi.registry import Kpi, Registry
    from metrics.store.frames import YearFrames

QUESTION_COLUMNS = ["question", "n", "mean", "sd", "scale"]
LIKERT_COLUMNS = ["question", "scale_max", "rating", "count", "share"]


def _round_half_up(values: pd.Series[float]) -> pd.Series[float]:
    # numpy rounds 3.5 to 4 but 4.5 to 4 (to even); a rating of 4.5 is read as 5 here.
    rounded: pd.Series[float] = np.floor(values + 0.5)  # type: ignore[assignment]  # a ufunc keeps a Series a Series
    return rounded


def course_breakdown(kpi: Kpi, survey: pd.DataFrame) -> pd.DataFrame:
    """Per course (spelling variants together, named as first written): responses, mean on the KPI's scale,
    share satisfied, 100-point score; lowest first."""
    columns = ["course", "n", "mean", "satisfied_share", "score_100"]
    if survey.empty or "course" not in survey.columns or survey["course"].isna().all():
        return pd.DataFrame(columns=columns)
    scale = float(kpi.params.get("scale", 5))
    satisfied_at = float(kpi.params.get("satisfied_at", 0.8 * scale))
    frame = pd.DataFrame({
        "key": course_keys(survey).replace("", np.nan),
        "course": survey["course"].astype("object"),
        "x": scores_on_scale(survey, scale),
        "s100": (pd.to_numeric(survey["score"]) - 1) / (pd.to_numeric(survey["scale_max"]) - 1) * 100,
    }, index=survey.index).dropna(subset=["key", "course", "x"])
    frame["satisfied"] = is_satisfied(frame["x"].to_numpy(), satisfied_at)
    grouped = frame.groupby("key", sort=False)
    out = pd.DataFrame({
        "course": grouped["course"].first(), "n": grouped.size(), "mean": grouped["x"].mean(),
        "satisfied_share": grouped["satisfied"].mean(), "score_100": grouped["s100"].mean(),
    }).reset_index(drop=True)
    return out.sort_values(["mean", "course"]).reset_index(drop=True)[columns]


def rating_distribution(survey: pd.DataFrame) -> pd.DataFrame:
    """How many responses gave each rating, per scale: the overall answer, else the item mean rounded."""
    columns = ["scale_max", "rating", "count", "share"]
    if survey.empty:
        return pd.DataFrame(columns=columns)
    score = pd.to_numeric(survey["score"])
    if "overall" in survey.columns:
        score = pd.to_numeric(survey["overall"]).fillna(score)
    frame = pd.DataFrame({"scale_max": pd.to_numeric(survey["scale_max"]), "rating": _round_half_up(score)}).dropna()
    counts = frame.groupby(["scale_max", "rating"]).size().rename("count").reset_index()
    counts["share"] = counts["count"] / counts.groupby("scale_max")["count"].transform("sum")
    return counts[columns]


def items_matrix(survey: pd.DataFrame) -> pd.DataFrame:
    """Item scores as a float matrix (one column per question position), parsed without a row loop."""
    if survey.empty or "items_json" not in survey.columns or survey["items_json"].isna().all():
        return pd.DataFrame(index=survey.index)
    body = survey["items_json"].astype("str").str.strip().str.strip("[]")
    parts = body.str.split(",", expand=True)
    # "null" and blanks become NaN: an unanswered item is left out of its question's mean.
    matrix: pd.DataFrame = parts.apply(lambda col: pd.to_numeric(col.str.strip(), errors="coerce")).astype(float)
    return matrix


def _long_items(survey: pd.DataFrame, questions: pd.DataFrame | None) -> pd.DataFrame:
    """One row per answered item: question text, own scale, value."""
    matrix = items_matrix(survey)
    if matrix.empty or matrix.shape[1] == 0:
        return pd.DataFrame(columns=["question", "scale_max", "value"])
    # pandas 3 keeps NaN when stacking: unanswered items are dropped explicitly.
    stacked = cast("pd.Series[float]", matrix.stack())  # one level of columns: stacked into a Series
    long = stacked.dropna().rename("value").reset_index()
    long.columns = ["row", "position", "value"]
    long["position"] = long["position"].astype("int64")
    long["scale_max"] = pd.to_numeric(survey["scale_max"]).reindex(long["row"]).to_numpy()
    uploads = survey["upload_id"] if "upload_id" in survey.columns else pd.Series(-1, index=survey.index)
    long["upload_id"] = uploads.reindex(long["row"]).to_numpy()
    long["question"] = "문항 " + (long["position"] + 1).astype("str")
    if questions is not None and not questions.empty:
        texts = questions.rename(columns={"text": "qtext"})[["upload_id", "position", "qtext"]]
        long = long.merge(texts.astype({"upload_id": "int64", "position": "int64"}), how="left",
                          on=["upload_id", "position"])
        long["question"] = long["qtext"].fillna(long["question"])
    return long[["question", "scale_max", "value"]]


def question_means(survey: pd.DataFrame, questions: pd.DataFrame | None, scale: float) -> pd.DataFrame:
    """Each question's mean on `scale` (other scales converted), lowest first: where to improve."""
    long = _long_items(survey, questions)
    if long.empty:
        return pd.DataFrame(columns=QUESTION_COLUMNS)
    long["x"] = long["value"] * scale / long["scale_max"]
    grouped = long.groupby("question")["x"]
    out = pd.DataFrame({"n": grouped.size(), "mean": grouped.mean(), "sd": grouped.std(ddof=1)}).reset_index()
    out["scale"] = scale
    return out.sort_values(["mean", "question"]).reset_index(drop=True)[QUESTION_COLUMNS]


def likert_distribution(survey: pd.DataFrame, questions: pd.DataFrame | None) -> pd.DataFrame:
    """Per question and own scale: how many answered each rating, and its share of the question."""
    long = _long_items(survey, questions)
    if long.empty:
        return pd.DataFrame(columns=LIKERT_COLUMNS)
    long["rating"] = _round_half_up(long["value"])
    counts = long.groupby(["question", "scale_max", "rating"]).size().rename("count").reset_index()
    counts["share"] = counts["count"] / counts.groupby(["question", "scale_max"])["count"].transform("sum")
    return counts[LIKERT_COLUMNS]


def by_course(kpi: Kpi, frames: YearFrames, today: date, registry: Registry | None = None) -> pd.DataFrame:
    """The survey KPI's breakdown: its responses per course (course_breakdown on the KPI's kind)."""
    return course_breakdown(kpi, frames.frame(kpi.source))


def ratings(kpi: Kpi, frames: YearFrames, today: date) -> pd.DataFrame:
    """The survey KPI's distribution: how many of its responses gave each rating."""
    return rating_distribution(frames.frame(kpi.source))


def target_mark(kpi: Kpi) -> float | None:
    """The rating a response must reach under a mean KPI: its target (in points)."""
    return kpi.target.value if kpi.target else None


def satisfied_mark(kpi: Kpi) -> float | None:
    """The rating a response must reach under a share KPI: its 'satisfied' mark."""
    return float(kpi.params.get("satisfied_at", 0)) or None
