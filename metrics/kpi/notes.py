"""The human notes a measure or the scorecard attaches to a result: a stable code and its Korean and English words.

Readers that act on a note (the pages hide the ones their own lines already say) look at its code, never at
its wording, so a note can be reworded freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from metrics.messages import Message


class NoteCode(StrEnum):
    """Every kind of note; the value is what the JSON output carries."""

    # Case logs
    PENDING_LEFT_OUT = "pending_left_out"
    OVERDUE_COUNTED_LATE = "overdue_counted_late"
    COMPLETED_BEFORE_RECEIVED = "completed_before_received"
    OPEN_LEFT_OUT = "open_left_out"
    DAYS_WITHOUT_TIMES = "days_without_times"
    # Events, attendance, postings, calls
    SCHEDULED_NOT_COUNTED = "scheduled_not_counted"
    GROUPS_NOT_RECORDED = "groups_not_recorded"
    GROUPS_INCOMPLETE = "groups_incomplete"
    UNIQUE_TRAINEES = "unique_trainees"
    COMPLETIONS_WITHOUT_TRAINEE_ID = "completions_without_trainee_id"
    STILL_ONLINE_LEFT_OUT = "still_online_left_out"
    CALLS_WITHOUT_RINGS = "calls_without_rings"
    # Checklists (service monitoring and the other yes/no logs)
    NOT_CHECKED_LEFT_OUT = "not_checked_left_out"
    # Surveys
    SCALE_CONVERTED = "scale_converted"
    NO_SCORED_RESPONSES = "no_scored_responses"
    SINGLE_RESPONSE = "single_response"
    IDENTICAL_RESPONSES = "identical_responses"
    OVERALL_BLANK_ITEM_MEAN = "overall_blank_item_mean"
    SCORE_100 = "score_100"
    COURSES_WITHOUT_FEEDBACK = "courses_without_feedback"
    UNMATCHED_SURVEY_COURSES = "unmatched_survey_courses"
    RESPONSES_WITHOUT_COURSE = "responses_without_course"
    # The scorecard
    MISSING_UPLOAD = "missing_upload"
    NO_CASES_OF_TYPE = "no_cases_of_type"
    ALL_PENDING = "all_pending"
    PROJECTED = "projected"
    NOT_YET_DUE = "not_yet_due"
    SMALL_SAMPLE = "small_sample"
    YEAR_TO_DATE = "year_to_date"


@dataclass(frozen=True, init=False)
class Note(Message):
    """One note on a result: a Message whose code is a NoteCode (what it is about)."""

    def __init__(self, code: str, ko: str, en: str) -> None:
        # An unknown code would silently escape every reader that filters by code: refuse it here.
        object.__setattr__(self, "code", NoteCode(code))
        object.__setattr__(self, "ko", ko)
        object.__setattr__(self, "en", en)
