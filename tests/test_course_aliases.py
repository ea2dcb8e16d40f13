"""Survey course names that match no roster course, mapped by a manager to the course they mean: saved in the
database (revision 0003), used by the course-feedback KPI."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import create_engine

from metrics import store
from metrics.intake.ingest import ingest_file
from metrics.kpi import course_aliases
from metrics.kpi.scorecard import compute_scorecard
from metrics.store import database
from tests.sheets import xlsx

ROSTER = [["성명", "교육과정명", "교육종료일", "수료여부"],
          ["홍길동", "수질 분석 실무 과정", "2025-05-02", "수료"],
          ["김철수", "수질 분석 실무 과정", "2025-05-02", "수료"],
          ["이영희", "정수처리 기초", "2025-06-20", "수료"]]
# The survey writes one course as the roster does (spacing aside) and the other in its own words.
SURVEY = [["교육과정명", "응답일시", "전반적 만족도"],
          ["정수처리기초", "2025-06-21 10:00", 5],
          ["수질분석 실무", "2025-05-03 09:00", 4],
          ["수질분석 실무", "2025-05-03 09:05", 5]]


def _fill(engine) -> None:
    assert ingest_file(engine, xlsx(ROSTER), "명부.xlsx", kind="attendance").ok
    assert ingest_file(engine, xlsx(SURVEY), "설문.xlsx", kind="trainee_survey").ok


def _coverage(engine):
    [kpi] = [r for r in compute_scorecard(engine, 2025, today=date(2026, 1, 15)) if r.id == "edu.feedback_per_course"]
    return kpi


def test_a_survey_course_matching_no_roster_course_is_listed_until_mapped(engine):
    _fill(engine)
    alone = course_aliases.unmatched(engine)
    assert alone[["name", "responses", "course_key"]].values.tolist() == [["수질분석 실무", 2, ""]]
    assert course_aliases.save(engine, {"수질분석 실무": "수질 분석 실무 과정"}, updated_by="kim") == 1
    [saved] = course_aliases.list_aliases(engine)
    assert (saved.survey_name, saved.course_name) == ("수질분석 실무", "수질 분석 실무 과정")
    assert course_aliases.unmatched(engine)["course_key"].tolist() == [saved.course_key]


def test_the_feedback_kpi_counts_the_mapped_course_as_covered(engine):
    _fill(engine)
    before = _coverage(engine)
    # Two courses ended in 2025; only 정수처리 기초 has a response under its own name: 1 of 2.
    assert (before.numerator, before.denominator) == (1, 2)
    version = store.data_version(engine)
    course_aliases.save(engine, {"수질분석 실무": "수질 분석 실무 과정"})
    assert store.data_version(engine) == version + 1  # cached pages recompute
    after = _coverage(engine)
    assert (after.numerator, after.denominator) == (2, 2)
    course_aliases.save(engine, {"수질분석 실무": None})  # removed: back to 1 of 2
    assert (_coverage(engine).numerator, course_aliases.list_aliases(engine)) == (1, [])


def test_a_mapping_to_a_course_the_roster_lacks_is_refused(engine):
    _fill(engine)
    with pytest.raises(course_aliases.CourseAliasError, match="명부에 없는 교육과정"):
        course_aliases.save(engine, {"수질분석 실무": "없는 과정"})
    assert course_aliases.list_aliases(engine) == []


def test_aliases_replace_the_course_key_of_mapped_rows_only():
    frame = pd.DataFrame({"course": ["수질분석 실무", "정수처리 기초", None], "course_key": ["수질분석실무", "정수처리기초", None]})
    out = course_aliases.apply_aliases(frame, {"수질분석실무": "수질분석실무과정"})
    assert out["course_key"].tolist()[:2] == ["수질분석실무과정", "정수처리기초"] and pd.isna(out["course_key"].iloc[2])
    assert frame["course_key"].tolist()[0] == "수질분석실무"  # the caller's frame is left as it was


def test_a_database_upgraded_from_0002_has_the_course_aliases_table_the_model_describes(database_url):
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from metrics.store import tables

    old = create_engine(database_url)
    with old.begin() as conn:
        command.upgrade(database._alembic_config(conn), "0002")
    old.dispose()
    upgraded = database.get_engine(database_url)
    with upgraded.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    assert [d for d in differences if "course_aliases" in repr(d)] == []
    assert database.current_revision(upgraded) == database.head_revision()
