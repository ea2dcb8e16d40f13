"""The named measures a KPI in registry.toml can use, one row each.

A measure is a function (rows of the source kind for the year, already filtered; the KPI's
settings; the period; all frames of the year) -> MeasureResult, and beside it the function that
lists the rows behind it, each with its state (measures_rows). Adding a KPI of a known measure
is an edit of registry.toml only; a new measure is a function plus one row in MEASURES (and a new setting
one more key of base.KpiParams, which tests/test_kpi_params.py holds to the settings).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import pandas as pd

from metrics.kpi.measures import cases as measures_cases
from metrics.kpi.measures import counts as measures_counts
from metrics.kpi.measures import rows as measures_rows
from metrics.kpi.measures import surveys as measures_surveys
from metrics.kpi.measures.base import Frames, KpiParams, MeasureResult, Period

if TYPE_CHECKING:
    from metrics.kpi.registry import Target

SURVEY_KINDS = ("exhibitor_survey", "trainee_survey", "future_talent_survey")
UNITS = ("share", "count", "points", "days")
# (rows of the source kind for the year, the KPI's settings, the period, every frame of the year) -> the result
MeasureFn: TypeAlias = Callable[[pd.DataFrame, KpiParams, Period, Frames], MeasureResult]
# the same and the KPI's target -> the rows behind the result, each with its state and reason
RowsFn: TypeAlias = Callable[[pd.DataFrame, KpiParams, Period, Frames, "Target | None"], pd.DataFrame]


@dataclass(frozen=True)
class Setting:
    """A measure-specific setting a KPI may or must give in registry.toml."""

    name: str
    type: str  # int | float | bool | day_mode | survey_kind | hours ("HH:MM-HH:MM")
    required: bool
    help: str


@dataclass(frozen=True)
class MeasureSpec:
    """A named measure: its function, the kinds it reads, its unit and what a KPI must say about it."""

    name: str
    fn: MeasureFn
    kinds: tuple[str, ...]
    unit: str
    needs_target: bool
    settings: tuple[Setting, ...] = ()
    sample: bool = False  # a survey: interval and conclusive verdict
    paced: bool = False  # a count: projected to the year end while the year runs
    summary: str = ""
    rows: RowsFn | None = None

    def setting(self, name: str) -> Setting | None:
        """The setting called `name`, if the measure has one."""
        return next((s for s in self.settings if s.name == name), None)

    def kinds_needed(self, source: str, params: KpiParams) -> tuple[str, ...]:
        """Upload kinds that must cover the year: the source and any kind named by a setting."""
        given: Mapping[str, object] = params  # looked up by the setting's name
        named = tuple(str(given[s.name]) for s in self.settings if s.type == "survey_kind" and given.get(s.name))
        return (source, *named)


DAYS = Setting("days", "int", True, "기한 일수 / deadline in days, e.g. days = 15")
DAY_MODE = Setting("day_mode", "day_mode", True, 'day_mode = "business" (영업일) or "calendar" (달력일)')
# A business-day deadline of 5 days or less is counted in working hours (민원처리법 제19조 ①).
HOURS_SETTINGS = (
    Setting("count_hours", "bool", False, "count_hours = false: 5일 이하 영업일 기한도 일 단위로 셈 (기본 true, "
            "민원처리법 제19조 ①) / count whole days even for a deadline of 5 business days or less (default true)"),
    Setting("working_hours", "hours", False, 'working_hours = "09:00-18:00" (기본값 / default): 근무시간 / office hours'),
    Setting("lunch_break", "hours", False, 'lunch_break = "12:00-13:00" (기본값 / default; "none": 없음) / lunch, not counted'),
)
SCALE = Setting("scale", "float", True, "만점 / the scale the target speaks of, e.g. scale = 10")

MEASURES: dict[str, MeasureSpec] = {
    m.name: m
    for m in (
        MeasureSpec(
            "deadline_share", measures_cases.deadline_share, ("cases",), "share", True,
            (DAYS, DAY_MODE, Setting("interim_counts", "bool", False, "interim_counts = true: 중간 안내도 답변으로 인정"),
             Setting("roll_to_working_day", "bool", False,
                     "roll_to_working_day = false: 달력일 기한의 말일이 토·일·공휴일이어도 다음 근무일로 미루지 않음 "
                     "(기본 true, 민법 제161조) / keep a calendar deadline ending on a day off (default true)"),
             *HOURS_SETTINGS),
            summary="Share of the year's cases answered within `days` (business or calendar); pending left out.",
            rows=measures_rows.deadline_rows,
        ),
        MeasureSpec(
            "median_days", measures_cases.median_days, ("cases",), "days", False,
            (Setting("day_mode", "day_mode", False, 'day_mode = "calendar" (default) or "business"'),),
            summary="Median days from request to completion over completed cases (tracked unless a target is set).",
            rows=measures_rows.median_days_rows,
        ),
        MeasureSpec(
            "event_count", measures_counts.event_count, ("events",), "count", True, paced=True,
            summary="Events of the type held in the year.", rows=measures_rows.event_rows,
        ),
        MeasureSpec(
            "completed_enrolments", measures_counts.completed_enrolments, ("attendance",), "count", True, paced=True,
            summary="Completed enrolments of courses that ended in the year; unique trainees beside.",
            rows=measures_rows.enrolment_rows,
        ),
        MeasureSpec(
            "survey_mean", measures_surveys.survey_mean, SURVEY_KINDS, "points", True, (SCALE,), sample=True,
            summary="Mean overall score converted to `scale` points, with a 95% t interval.",
            rows=measures_rows.survey_mean_rows,
        ),
        MeasureSpec(
            "survey_satisfied_share", measures_surveys.survey_satisfied_share, SURVEY_KINDS, "share", True,
            (SCALE, Setting("satisfied_at", "float", True, "만족 기준 / satisfied_at = 4.0 (on `scale`)")),
            sample=True,
            summary="Share of respondents whose score on `scale` is at least `satisfied_at`, with a Wilson interval.",
            rows=measures_rows.survey_satisfied_rows,
        ),
        MeasureSpec(
            "course_feedback_coverage", measures_surveys.course_feedback_coverage, ("attendance",), "share", True,
            (Setting("survey_kind", "survey_kind", True, 'survey_kind = "trainee_survey"'),),
            summary="Share of the year's distinct courses with at least one response of `survey_kind`.",
            rows=measures_rows.coverage_rows,
        ),
        MeasureSpec(
            "posting_duration_share", measures_counts.posting_duration_share, ("postings",), "share", True,
            (Setting("months", "int", True, "게시 개월 수 / months = 5"),),
            summary="Share of the exhibition year's postings online at least `months` calendar months.",
            rows=measures_rows.posting_rows,
        ),
        MeasureSpec(
            "calls_within_rings", measures_counts.calls_within_rings, ("calls",), "share", True,
            (Setting("max_rings", "int", True, "허용 벨 횟수 / max_rings = 2"),),
            summary="Share of calls answered within `max_rings` rings.", rows=measures_rows.call_rows,
        ),
    )
}
