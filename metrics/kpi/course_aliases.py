"""Survey course names mapped by hand to roster courses: the table managers keep.

A survey export often names a course otherwise than the attendance roster ("수질분석 실무" against
"수질 분석 실무 과정"). Names that differ only in spaces, case or punctuation already match
(measures_surveys.normalise_course); the others are mapped here, once, by a manager. The mapping is read
where survey rows are loaded for the KPIs (metrics.store.frames) and applied to their course key, so the course
coverage KPI, its story and the explorer count those responses under the roster course.

Saving or removing a mapping changes what the KPIs compute, so it counts as a change to the data
(database.bump_data_version): cached pages are recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, delete, select, text

from metrics.contract import load_contract
from metrics.kpi.measures.surveys import course_keys, normalise_course
from metrics.messages import CharterError
from metrics.store import database, tables


class CourseAliasError(CharterError, ValueError):
    """A mapping that cannot be saved; the message says why, Korean / English."""


@dataclass(frozen=True)
class CourseAlias:
    """One survey course name and the roster course it means."""

    survey_name: str
    course_name: str
    survey_key: str
    course_key: str


def load(engine: Engine) -> dict[str, str]:
    """{survey matching key: roster matching key} of every saved mapping."""
    a = tables.course_aliases.c
    with engine.connect() as conn:
        return {r[0]: r[1] for r in conn.execute(select(a.survey_key, a.course_key))}


def list_aliases(engine: Engine) -> list[CourseAlias]:
    """Every saved mapping, by survey name."""
    a = tables.course_aliases.c
    with engine.connect() as conn:
        rows = conn.execute(select(a.survey_name, a.course_name, a.survey_key, a.course_key).order_by(a.survey_name)).all()
    return [CourseAlias(*r) for r in rows]


def apply_aliases(frame: pd.DataFrame, aliases: dict[str, str]) -> pd.DataFrame:
    """Survey rows with the course key of every mapped course name replaced by its roster course's key."""
    if frame.empty or not aliases or not ({"course", "course_key"} & set(frame.columns)):
        return frame
    keys = course_keys(frame)
    mapped = keys.map(aliases)
    if mapped.isna().all():
        return frame
    new_keys = mapped.where(mapped.notna(), frame["course_key"].astype("object") if "course_key" in frame.columns else None)
    out = frame.copy()
    was_category = "course_key" in frame.columns and isinstance(frame["course_key"].dtype, pd.CategoricalDtype)
    out["course_key"] = new_keys.astype("category") if was_category else new_keys.astype("object")
    return out


def roster_courses(engine: Engine) -> pd.DataFrame:
    """Every course of the live attendance rows: key and name (as first written), by name."""
    with engine.connect() as conn:
        rows = pd.read_sql(text("SELECT DISTINCT course, course_key FROM enrolments WHERE active"), conn)
    return _by_key(rows)


def survey_courses(engine: Engine) -> pd.DataFrame:
    """Every course named by live survey responses: key, name and how many responses, by name."""
    # The survey kinds that name a course (the exhibitor survey names companies).
    courses = [k.name for k in load_contract().kinds.values() if k.is_survey and k.course_column]
    kinds = {f"k{i}": k for i, k in enumerate(courses)}
    sql = ("SELECT course, course_key, COUNT(*) AS responses FROM survey_responses WHERE active AND course IS NOT NULL "
           "AND kind IN (" + ", ".join(f":{p}" for p in kinds) + ") GROUP BY course, course_key")
    with engine.connect() as conn:
        rows = pd.read_sql(text(sql), conn, params=kinds)
    return _by_key(rows, count="responses")


def unmatched(engine: Engine) -> pd.DataFrame:
    """Survey course names whose key matches no roster course (by name, with their responses), mapped or not;
    column `course_key` holds the roster course a saved mapping gives, else ""."""
    survey, roster, saved = survey_courses(engine), roster_courses(engine), load(engine)
    alone = survey[~survey["key"].isin(set(roster["key"]))].copy()
    alone["course_key"] = [saved.get(k, "") for k in alone["key"]]
    return alone.reset_index(drop=True)


def save(engine: Engine, choices: dict[str, str | None], updated_by: str | None = None) -> int:
    """Save {survey course name: roster course name} (None or "" removes the mapping); returns how many changed."""
    roster = roster_courses(engine)
    roster_key = dict(zip(roster["name"], roster["key"], strict=True))
    rows, removed = [], []
    for survey_name, course_name in choices.items():
        survey_key = normalise_course(survey_name)
        if not survey_key:
            continue
        if not course_name:
            removed.append(survey_key)
            continue
        key = roster_key.get(course_name) or normalise_course(course_name)
        if key not in set(roster["key"]):
            raise CourseAliasError(
                f"명부에 없는 교육과정입니다: {course_name}", f"No such course in the attendance records: {course_name}"
            )
        rows.append({"survey_key": survey_key, "survey_name": survey_name, "course_key": key, "course_name": course_name,
                     "updated_at": datetime.now(), "updated_by": updated_by})
    a = tables.course_aliases
    with database.writing(engine, serialise=True) as conn:
        keys = [r["survey_key"] for r in rows] + removed
        if keys:
            conn.execute(delete(a).where(a.c.survey_key.in_(keys)))
        if rows:
            conn.execute(a.insert(), rows)
        if keys:
            database.bump_data_version(conn)  # the KPIs now count these responses elsewhere
    return len(keys)


def _by_key(rows: pd.DataFrame, count: str | None = None) -> pd.DataFrame:
    """One row per matching key: key, name (the first spelling by name), and the summed `count`."""
    empty = {"key": pd.Series(dtype="str"), "name": pd.Series(dtype="str")} | ({count: pd.Series(dtype="int64")} if count else {})
    if rows.empty:
        return pd.DataFrame(empty)
    rows = rows.assign(key=course_keys(rows)).sort_values("course", kind="stable")
    rows = rows[rows["key"] != ""]
    agg = {"name": ("course", "first")} | ({count: (count, "sum")} if count else {})
    out = rows.groupby("key", sort=False).agg(**agg).reset_index()
    return out.sort_values("name", kind="stable").reset_index(drop=True).astype({"key": "str", "name": "str"})
