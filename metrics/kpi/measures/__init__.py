"""The named measures a KPI in registry.toml can use, one row each.

A measure is a function (rows of the source kind for the year, already filtered; the KPI's
settings; the period; all frames of the year) -> MeasureResult, and beside it the function that
lists the rows behind it, each with its state (measures_rows). Each measure also carries what is
told about it elsewhere, as datasette registers facets: its `details` (what the area page shows:
breakdown, distribution, late cases, the views that draw them) and how the explorer judges its kind's
rows (`explore`), so pages and the explorer ask the measure instead of switching on its name.
Adding a KPI of a known measure is an edit of registry.toml only; a new measure is a function plus
one row in MEASURES (and a new setting one more key of base.KpiParams, which tests/test_kpi_params.py
holds to the settings).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, TypeAlias

import pandas as pd

from metrics.contract import load_contract
from metrics.kpi.details import cases as stories_cases
from metrics.kpi.details import checklists as stories_checklists
from metrics.kpi.details import counts as stories_counts
from metrics.kpi.details import surveys as stories_surveys
from metrics.kpi.measures import cases as measures_cases
from metrics.kpi.measures import checklists as measures_checklists
from metrics.kpi.measures import counts as measures_counts
from metrics.kpi.measures import explore as measures_explore
from metrics.kpi.measures import rows as measures_rows
from metrics.kpi.measures import surveys as measures_surveys
from metrics.kpi.measures.base import Frames, KpiParams, MeasureResult, Period

if TYPE_CHECKING:
    from metrics.kpi.registry import Kpi, Registry, Target
    from metrics.store.frames import YearFrames

SURVEYS = "survey"  # among a measure's kinds: every kind the data contract declares a survey
CHECKLISTS = "checklist"  # among a measure's kinds: every kind with a yes/no column that may be blank (checklist_kinds)
DATED = "dated"  # among a measure's kinds: every kind whose rows run from `received` to a closing date (dated_kinds)
UNITS = ("share", "count", "points", "days")
# (rows of the source kind for the year, the KPI's settings, the period, every frame of the year) -> the result
MeasureFn: TypeAlias = Callable[[pd.DataFrame, KpiParams, Period, Frames], MeasureResult]
# the same and the KPI's target -> the rows behind the result, each with its state and reason
RowsFn: TypeAlias = Callable[[pd.DataFrame, KpiParams, Period, Frames, "Target | None"], pd.DataFrame]
# (rows, the KPI's settings, the period) -> each row with its state: a measure's one rule
JudgeFn: TypeAlias = Callable[[pd.DataFrame, KpiParams, Period], pd.DataFrame]
# (kpi, the year's frames, today) -> what its area page shows; a breakdown also gets the registry
DetailFn: TypeAlias = Callable[["Kpi", "YearFrames", date], pd.DataFrame]
BreakdownFn: TypeAlias = Callable[["Kpi", "YearFrames", date, "Registry"], pd.DataFrame]


def checklist_kinds() -> tuple[str, ...]:
    """The kinds the checklist measure reads, in the contract's order: those stored with a yes/no column that may
    be blank (a role of type `yesno`, or a flag its builder derives: suggestions' reflected), the very columns a
    checklist KPI's `columns` may name (metrics.kpi.registry checks them with the same boolean_columns)."""
    # The tables are imported when first asked, as the registry does.
    from metrics.contract.kinds import boolean_columns

    return tuple(k.name for k in load_contract().kinds.values() if boolean_columns(k, nullable=True))


def dated_kinds() -> tuple[str, ...]:
    """The kinds the case measures read, in the contract's order: those declaring a `received` date and another date
    that can close the row (a case's completed, a suggestion's decided_on, a remedy's training_on; `done` names it)."""
    return tuple(
        k.name for k in load_contract().kinds.values()
        if any(c.role == "received" and c.type == "date" for c in k.columns)
        and any(c.role != "received" and c.type == "date" for c in k.columns)
    )


@dataclass(frozen=True)
class Setting:
    """A measure-specific setting a KPI may or must give in registry.toml."""

    name: str
    type: str  # int | float | bool | day_mode | survey_kind | hours ("HH:MM-HH:MM") | yesno_columns | limits
    required: bool
    help: str


@dataclass(frozen=True)
class Details:
    """What a KPI's area page shows behind its number, as its measure knows it.

    Each part is a function of (kpi, frames, today); `breakdown` also gets the registry. The views name, in
    order, what the page draws on each tab (ui/area_details has one drawing per view name).
    """

    breakdown: BreakdownFn | None = None  # by course, case type, event, posting, hour or the kind's grouping
    distribution: DetailFn | None = None  # ratings, days taken or rings
    cases: DetailFn | None = None  # the late, overdue and pending cases; the checklist rows that missed
    unmatched: DetailFn | None = None  # courses without feedback and survey course names matching none
    distribution_views: tuple[str, ...] = ()
    breakdown_views: tuple[str, ...] = ("table",)
    mark: Callable[[Kpi], float | None] | None = None  # the score one response must reach (a survey's rating chart)


@dataclass(frozen=True)
class MeasureSpec:
    """A named measure: its function, the kinds it reads, its unit and what a KPI must say about it."""

    name: str
    fn: MeasureFn
    reads: tuple[str, ...]  # the kinds it can read; SURVEYS, CHECKLISTS and DATED for every kind of that family
    unit: str
    needs_target: bool
    settings: tuple[Setting, ...] = ()
    one_of_settings: tuple[str, ...] = ()  # settings of which a KPI must give at least one
    sample: bool = False  # a survey: interval and conclusive verdict
    paced: bool = False  # a count: projected to the year end while the year runs
    paced_rows: str = ""  # SQL condition on the stored rows a paced count counts in earlier years ("" for all)
    summary: str = ""
    rows: RowsFn | None = None
    judge: JudgeFn | None = None
    explore: measures_explore.RowJudge | None = None  # how the explorer shows the kind's rows judged by the KPIs
    details: Details = Details()

    def setting(self, name: str) -> Setting | None:
        """The setting called `name`, if the measure has one."""
        return next((s for s in self.settings if s.name == name), None)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The upload kinds the measure can read, SURVEYS, CHECKLISTS and DATED spelled out from the data contract."""
        families = {SURVEYS: load_contract().survey_kinds} if SURVEYS in self.reads else {}
        if CHECKLISTS in self.reads:
            families[CHECKLISTS] = checklist_kinds()
        if DATED in self.reads:
            families[DATED] = dated_kinds()
        return tuple(k for name in self.reads for k in families.get(name, (name,)))

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
DONE = Setting("done", "date_column", False,
               'done = "decided_on": 끝난 날로 볼 날짜 열 (기본 completed; 개선의견의 결정일, 시정 건의 직원 교육일) '
               "/ the date column that closes a row (default completed: a suggestion's decided_on, a remedy's training_on)")
SCALE = Setting("scale", "float", True, "만점 / the scale the target speaks of, e.g. scale = 10")

# What the area pages show per family of measures; the view names are drawn by ui/area_details.
_CASES = Details(breakdown=stories_cases.case_type_summary, distribution=stories_cases.days_histogram,
                 cases=stories_cases.case_list, breakdown_views=("case_types",))
_SURVEYS = Details(breakdown=stories_surveys.by_course, distribution=stories_surveys.ratings,
                   distribution_views=("ratings",), breakdown_views=("question_means", "by_course"))

MEASURES: dict[str, MeasureSpec] = {
    m.name: m
    for m in (
        MeasureSpec(
            "deadline_share", measures_cases.deadline_share, (DATED,), "share", True,
            (DAYS, DAY_MODE, DONE, Setting("interim_counts", "bool", False, "interim_counts = true: 중간 안내도 답변으로 인정"),
             Setting("roll_to_working_day", "bool", False,
                     "roll_to_working_day = false: 달력일 기한의 말일이 토·일·공휴일이어도 다음 근무일로 미루지 않음 "
                     "(기본 true, 민법 제161조) / keep a calendar deadline ending on a day off (default true)"),
             *HOURS_SETTINGS),
            summary="Share of the year's cases answered within `days` (business or calendar); pending left out.",
            rows=measures_rows.deadline_rows, judge=measures_cases.judge_cases, explore=measures_explore.DEADLINES,
            details=replace(_CASES, distribution_views=("days", "late_cases")),
        ),
        MeasureSpec(
            "median_days", measures_cases.median_days, (DATED,), "days", False,
            (Setting("day_mode", "day_mode", False, 'day_mode = "calendar" (default) or "business"'), DONE),
            summary="Median days from request to completion over completed cases (tracked unless a target is set).",
            rows=measures_rows.median_days_rows, details=replace(_CASES, distribution_views=("days",)),
        ),
        MeasureSpec(
            "event_count", measures_counts.event_count, ("events",), "count", True,
            (Setting("with_groups", "groups", False, 'with_groups = ["local_gov", "contractor"]: 이 대상이 모두 참여한 '
                     "행사만 셈 / count an event only when every group took part ([enums.participant_group])"),),
            paced=True,
            summary="Events of the type held in the year (with `with_groups`: only those every named group took part in).",
            rows=measures_rows.event_rows,
            details=Details(breakdown=stories_counts.events_list, distribution_views=("events_held",)),
        ),
        MeasureSpec(
            "completed_enrolments", measures_counts.completed_enrolments, ("attendance",), "count", True, paced=True,
            paced_rows="completed",
            summary="Completed enrolments of courses that ended in the year; unique trainees beside.",
            rows=measures_rows.enrolment_rows,
            details=Details(breakdown=stories_counts.courses_completed, distribution_views=("courses",)),
        ),
        MeasureSpec(
            "survey_mean", measures_surveys.survey_mean, (SURVEYS,), "points", True, (SCALE,), sample=True,
            summary="Mean overall score converted to `scale` points, with a 95% t interval.",
            rows=measures_rows.survey_mean_rows, details=replace(_SURVEYS, mark=stories_surveys.target_mark),
        ),
        MeasureSpec(
            "survey_satisfied_share", measures_surveys.survey_satisfied_share, (SURVEYS,), "share", True,
            (SCALE, Setting("satisfied_at", "float", True, "만족 기준 / satisfied_at = 4.0 (on `scale`)")),
            sample=True,
            summary="Share of respondents whose score on `scale` is at least `satisfied_at`, with a Wilson interval.",
            rows=measures_rows.survey_satisfied_rows, details=replace(_SURVEYS, mark=stories_surveys.satisfied_mark),
        ),
        MeasureSpec(
            "course_feedback_coverage", measures_surveys.course_feedback_coverage, ("attendance", "events"), "share", True,
            (Setting("survey_kind", "survey_kind", True, 'survey_kind = "trainee_survey"'),),
            summary="Share of the year's distinct courses with at least one response of `survey_kind`.",
            rows=measures_rows.coverage_rows,
            details=Details(breakdown=stories_counts.coverage, unmatched=stories_counts.unmatched_courses,
                            distribution_views=("coverage",)),
        ),
        MeasureSpec(
            "posting_duration_share", measures_counts.posting_duration_share, ("postings",), "share", True,
            (Setting("months", "int", True, "게시 개월 수 / months = 5"),),
            summary="Share of the exhibition year's postings online at least `months` calendar months.",
            rows=measures_rows.posting_rows, judge=measures_counts.judge_postings, explore=measures_explore.POSTINGS,
            details=Details(breakdown=stories_counts.postings_judged, distribution_views=("postings",)),
        ),
        MeasureSpec(
            "calls_within_rings", measures_counts.calls_within_rings, ("calls",), "share", True,
            (Setting("max_rings", "int", True, "허용 벨 횟수 / max_rings = 2"),),
            summary="Share of calls answered within `max_rings` rings.", rows=measures_rows.call_rows,
            details=Details(breakdown=stories_counts.calls_by_hour, distribution=stories_counts.rings_distribution,
                            distribution_views=("rings",), breakdown_views=("hours",)),
        ),
        MeasureSpec(
            "share_true", measures_checklists.share_true, (CHECKLISTS,), "share", True,
            (Setting("columns", "yesno_columns", False,
                     'columns = ["greeting", "name_given"]: 모두 "예"여야 하는 예·아니오 열 / the yes/no columns that '
                     "must all be yes (a blank cell: not checked on that row)"),
             Setting("at_most", "limits", False,
                     "at_most = { wait_minutes = 10 }: 이 값 이하여야 하는 숫자 열 / number columns that must stay at "
                     "or below the limit")),
            one_of_settings=("columns", "at_most"),
            summary="Share of the year's rows, among those where an item was checked, meeting every checked item.",
            rows=measures_rows.checklist_rows, judge=measures_checklists.judge_checklist,
            explore=measures_explore.CHECKLISTS,
            details=Details(breakdown=stories_checklists.by_group, distribution=stories_checklists.item_shares,
                            cases=stories_checklists.missed_rows,
                            distribution_views=("checklist_misses", "checklist_items")),
        ),
    )
}
