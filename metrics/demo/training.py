"""Demo training data: courses and cohorts, the attendance register, the two training surveys.

The story: about forty courses a year in one to four cohorts (차수), 3,200-3,600 trainees
completing; some people take several courses, in one year or across years; about 85% of trainees
are satisfied, and each year one course forgot to send its survey link.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

import numpy as np
import pandas as pd

from metrics.demo import names
from metrics.demo.calendar import WorkCalendar, at_time, pick, rng_for

SESSION_START = (2, 5)  # courses run from early February ...
SESSION_END = (12, 15)  # ... to mid-December
ENROLMENT_TARGET = (3650, 3950)  # enrolments in a whole year; ~90% complete
REPEAT_IN_YEAR, RETURNING = 0.03, 0.07
# Overall answers 1..5: about 85% answer 4 or 5.
TRAINEE_OVERALL_P = (0.01, 0.03, 0.11, 0.43, 0.42)
FUTURE_OVERALL_P = (0.005, 0.025, 0.15, 0.42, 0.40)


@dataclass(frozen=True)
class Cohort:
    """One run (차수) of a course."""

    course: str
    number: int
    start: date
    end: date
    size: int
    completion_rate: float


@dataclass
class TraineePool:
    """Everyone who has enrolled so far; a person keeps one name, birth date and phone."""

    rng: np.random.Generator
    people: list[tuple[str, date, str, str]]
    phones: set[str]

    def new_person(self) -> int:
        """Invent a person and return their index."""
        rng = self.rng
        name = pick(rng, names.SURNAMES, p=_weights(names.SURNAME_WEIGHTS)) + pick(rng, names.GIVEN_FIRST) + pick(
            rng, names.GIVEN_SECOND
        )
        birth = date(1962, 1, 1) + timedelta(int(rng.integers(0, 365 * 39)))
        phone = self._new_phone()
        self.people.append((name, birth, phone, pick(rng, names.AFFILIATIONS)))
        return len(self.people) - 1

    def _new_phone(self) -> str:
        while True:
            phone = f"010-{int(self.rng.integers(2000, 10000)):04d}-{int(self.rng.integers(0, 10000)):04d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone


def _weights(raw: Sequence[float]) -> np.ndarray:
    w = np.asarray(raw, dtype=float)
    weights: np.ndarray = w / w.sum()
    return weights


def plan_cohorts(cal: WorkCalendar, seed: int, year: int, last_day: date) -> list[Cohort]:
    """The year's cohorts that have ended by last_day, ordered by start date."""
    rng = rng_for(seed, "cohorts", year)
    chosen = sorted(rng.choice(len(names.COURSES), size=int(rng.integers(38, 43)), replace=False))
    season = (date(year, *SESSION_START), date(year, *SESSION_END))
    span = (season[1] - season[0]).days
    plans: list[tuple[str, int, date, date, int, float]] = []
    for index in chosen:
        course, days, low, high = names.COURSES[int(index)]
        runs = int(rng.choice([1, 2, 3, 4], p=[0.15, 0.35, 0.35, 0.15]))
        rate = float(rng.uniform(0.84, 0.96))
        for number in range(1, runs + 1):
            window = season[0] + timedelta(span * (number - 1) // runs)
            start = cal.random_workday(rng, window, window + timedelta(span // runs - 7))
            plans.append((course, number, start, cal.add_workdays(start, days), int(rng.integers(low, high + 1)), rate))
    # Scale class sizes so the whole year lands on a believable total.
    factor = int(rng.integers(*ENROLMENT_TARGET)) / sum(p[4] for p in plans)
    cohorts = [Cohort(c, n, s, e, max(8, round(size * factor)), r) for c, n, s, e, size, r in plans]
    return sorted((c for c in cohorts if c.end <= last_day), key=lambda c: (c.start, c.course, c.number))


def attendance_frame(cal: WorkCalendar, seed: int, years: list[int], today: date) -> pd.DataFrame:
    """The attendance register of all years: one row per enrolment, with personal columns."""
    pool = TraineePool(rng_for(seed, "people"), [], set())
    rows: list[tuple[str, date, str, str, Cohort, bool]] = []
    earlier: list[int] = []
    for year in years:
        rng = rng_for(seed, "attendance", year)
        this_year: dict[int, set[str]] = {}
        for cohort in plan_cohorts(cal, seed, year, min(today, date(year, 12, 31))):
            in_cohort: set[int] = set()
            for _ in range(cohort.size):
                person = _choose_person(rng, pool, this_year, earlier, cohort.course, in_cohort)
                in_cohort.add(person)
                this_year.setdefault(person, set()).add(cohort.course)
                rows.append((*pool.people[person], cohort, bool(rng.random() < cohort.completion_rate)))
        seen = set(earlier)
        earlier.extend(p for p in this_year if p not in seen)
    return pd.DataFrame(
        {
            names.header("attendance", "name"): [r[0] for r in rows],
            names.header("attendance", "birth_date"): pd.to_datetime([r[1] for r in rows]),
            names.header("attendance", "phone"): [r[2] for r in rows],
            "소속": [r[3] for r in rows],
            names.header("attendance", "course"): [r[4].course for r in rows],
            names.header("attendance", "cohort"): [f"{r[4].number}차" for r in rows],
            names.header("attendance", "start_date"): pd.to_datetime([r[4].start for r in rows]),
            names.header("attendance", "end_date"): pd.to_datetime([r[4].end for r in rows]),
            names.header("attendance", "completed"): [r[5] for r in rows],
        }
    )


def _choose_person(
    rng: np.random.Generator, pool: TraineePool, this_year: dict[int, set[str]], earlier: list[int], course: str,
    taken: set[int],
) -> int:
    """Someone enrolled this year in another course, a returning trainee, or a newcomer."""
    draw = rng.random()
    if draw < REPEAT_IN_YEAR and this_year:
        candidate = list(this_year)[int(rng.integers(len(this_year)))]
        if course not in this_year[candidate] and candidate not in taken:
            return candidate
    elif draw < REPEAT_IN_YEAR + RETURNING and earlier:
        candidate = earlier[int(rng.integers(len(earlier)))]
        if candidate not in this_year and candidate not in taken:
            return candidate
    return pool.new_person()


def typed_course(rng: np.random.Generator, course: str) -> str:
    """The course name as a trainee types it: mostly right, sometimes spaced or bracketed differently."""
    draw = rng.random()
    if draw < 0.85:
        return course
    if draw < 0.91:
        return course.replace(" ", "")
    if draw < 0.96:
        return course.replace("(", " (") if "(" in course else course + " "
    return course.replace("(", "[").replace(")", "]") if "(" in course else course.replace(" ", "  ", 1)


def _answers(
    rng: np.random.Generator, overall_p: Sequence[float], offsets: Sequence[float]
) -> tuple[int, list[int]]:
    """An overall answer 1..5 and item answers that follow it, each item with its own lean."""
    overall = int(rng.choice(5, p=overall_p)) + 1
    items = [int(np.clip(round(overall + off + rng.normal(0, 0.7)), 1, 5)) for off in offsets]
    return overall, items


def trainee_survey_frame(seed: int, attendance: pd.DataFrame, today: date) -> pd.DataFrame:
    """Google-Forms answers (Likert text) from trainees who completed a course; one course a year has none."""
    h = _survey_headers("trainee_survey")
    course_col, end_col = names.header("attendance", "course"), names.header("attendance", "end_date")
    done = attendance[attendance[names.header("attendance", "completed")]]
    records = []
    for year, group in done.groupby(done[end_col].dt.year, sort=True):
        rng = rng_for(seed, "trainee_survey", int(year))
        courses = sorted(group[course_col].unique())
        forgotten = pick(rng, courses)
        cohorts = group.groupby([course_col, names.header("attendance", "cohort"), end_col], sort=True)
        for key, members in cohorts:
            course, _cohort, end = cast("tuple[str, str, pd.Timestamp]", key)  # grouped by these three columns
            if course == forgotten:
                continue
            for _ in range(int(len(members) * rng.uniform(0.5, 0.75))):
                overall, items = _answers(rng, TRAINEE_OVERALL_P, [o for _q, _s, o in names.TRAINEE_ITEMS])
                record = {
                    h["response_date"]: _response_time(rng, end.date(), today),
                    h["course"]: typed_course(rng, course),
                    names.TRAINEE_ORG_QUESTION: pick(rng, names.TRAINEE_ORG_TYPES, p=[0.55, 0.2, 0.2, 0.05]),
                }
                for (question, scale, _o), answer in zip(names.TRAINEE_ITEMS, items, strict=True):
                    record[question] = scale[answer - 1]
                record[h["overall"]] = names.SATISFIED_SCALE[overall - 1]
                record[h["comment"]] = pick(rng, names.TRAINEE_COMMENTS) if rng.random() < 0.12 else None
                records.append(record)
    return _sorted_by_time(pd.DataFrame.from_records(records), h["response_date"])


def _response_time(rng: np.random.Generator, end: date, today: date) -> datetime:
    """Most answer on the course's last afternoon; some that evening or a day or two later (same year, not after today)."""
    day = end if rng.random() < 0.8 else min(end + timedelta(int(rng.integers(1, 3))), date(end.year, 12, 31), today)
    hour = int(rng.integers(13, 18)) if day == end else int(rng.integers(18, 23))
    return at_time(day, hour, int(rng.integers(60)), int(rng.integers(60)))


def future_courses(cal: WorkCalendar, seed: int, year: int, today: date) -> list[tuple[str, date, bool]]:
    """The year's future-talent course runs ended by today: (course, last day, surveyed). Last year, one course
    run once forgot its survey (a missed promise of II.5.c)."""
    rng = rng_for(seed, "future_talent/courses", year)
    runs = []
    for course in sorted(rng.choice(names.FUTURE_COURSES, size=4, replace=False)):
        for run in range(int(rng.integers(1, 3))):
            end = cal.random_workday(rng, date(year, 3 + 5 * run, 1), date(year, 7 + 4 * run, 20))
            if end <= today:
                runs.append((str(course), end, True))
    if year == today.year - 1 and runs:
        # A course run once only, so the course is left without any response that year.
        once = [r for r in runs if sum(c == r[0] for c, _e, _s in runs) == 1]
        if once:
            runs[runs.index(once[-1])] = (once[-1][0], once[-1][1], False)
    return runs


def future_talent_frame(cal: WorkCalendar, seed: int, years: list[int], today: date) -> pd.DataFrame:
    """Microsoft-Forms answers (numbers 1..5) after each future-talent course; mean about 4.2."""
    h = _survey_headers("future_talent_survey")
    records = []
    for year in years:
        rng = rng_for(seed, "future_talent", year)
        for course, end, surveyed in future_courses(cal, seed, year, today):
            if not surveyed:
                continue
            for _ in range(int(rng.integers(22, 42))):
                overall, items = _answers(rng, FUTURE_OVERALL_P, [o for _q, o in names.FUTURE_ITEMS])
                record = {h["response_date"]: _response_time(rng, end, today), h["course"]: str(course)}
                record.update({q: a for (q, _o), a in zip(names.FUTURE_ITEMS, items, strict=True)})
                record[h["overall"]] = overall
                record[h["comment"]] = pick(rng, names.TRAINEE_COMMENTS) if rng.random() < 0.1 else None
                records.append(record)
    return _sorted_by_time(pd.DataFrame.from_records(records), h["response_date"])


def _survey_headers(kind: str) -> dict[str, str]:
    return {role: names.header(kind, role) for role in ("response_date", "course", "overall", "comment")}


def _sorted_by_time(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    frame[column] = pd.to_datetime(frame[column])
    return frame.sort_values(column, kind="stable").reset_index(drop=True)
