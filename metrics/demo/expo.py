"""Demo WATER KOREA data: the show's dates, its exhibitors, their survey and their product postings.

The story: 175-200 exhibitors a year, two thirds of them returning; the overall rating clears
7.5 every year but one (7.3, two years ago); product pages go up after the show and mostly stay
six months or more, a few come down early, and this year's are still online.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from metrics.demo import names
from metrics.demo.calendar import WorkCalendar, months_later, pick, rng_for

# Overall rating (10-point) the year's answers are steered to, by years before the current one.
OVERALL_TARGET = {3: 7.8, 2: 7.3, 1: 7.9, 0: 8.1}
# The questionnaire grew: how many item questions each year asked.
ITEMS_ASKED = {3: 4, 2: 5, 1: 5, 0: 6}
EARLY_REMOVAL_NOTES = ("업체 요청으로 게시 종료", "제품 단종", "업체 정보 변경")


def show_dates(cal: WorkCalendar, year: int) -> tuple[date, date]:
    """The three show days: mid-May, except in years after a leap year, when the hall was free only in October."""
    day = date(year, 10 if year % 4 == 1 else 5, 15)
    day += timedelta((2 - day.weekday()) % 7)  # a Wednesday
    while not all(cal.is_workday(day + timedelta(n)) for n in range(3)):
        day += timedelta(7)
    return day, day + timedelta(2)


def company_pool(seed: int) -> list[str]:
    """Invented firm names, in a seeded order."""
    rng = rng_for(seed, "companies")
    combos = [(s, f) for s in names.COMPANY_STEMS for f in names.COMPANY_FIELDS]
    order = rng.permutation(len(combos))
    return [pick(rng, names.COMPANY_FORMS).format(combos[i][0] + combos[i][1]) for i in order]


def exhibitors_by_year(seed: int, years: list[int]) -> dict[int, list[str]]:
    """Each year's exhibitors: about two thirds come back the next year."""
    pool = company_pool(seed)
    used, out = 0, {}
    previous: list[str] = []
    for year in years:
        rng = rng_for(seed, "exhibitors", year)
        size = int(rng.integers(176, 199))
        keep = [c for c in previous if rng.random() < 0.66][:size]
        fresh = pool[used : used + size - len(keep)]
        used += len(fresh)
        out[year] = sorted(keep + fresh)
        previous = out[year]
    return out


def exhibitor_survey_frame(cal: WorkCalendar, seed: int, years: list[int], today: date) -> pd.DataFrame:
    """The hand-tallied exhibitor survey: 10-point overall and item ratings, one row per responding firm."""
    item_cols = [q for q, _o in names.EXHIBITOR_ITEMS]
    frames = []
    for year, firms in exhibitors_by_year(seed, years).items():
        if show_dates(cal, year)[1] > today:
            continue
        rng = rng_for(seed, "exhibitor_survey", year)
        back = today.year - year
        answering = sorted(rng.choice(firms, size=len(firms) - int(rng.integers(6, 22)), replace=False))
        overall = _steered_ratings(rng, len(answering), OVERALL_TARGET.get(back, 7.9))
        frame = pd.DataFrame(
            {
                names.header("exhibitor_survey", "exhibition_year"): year,
                names.header("exhibitor_survey", "company"): [str(f) for f in answering],
                names.header("exhibitor_survey", "overall"): overall,
            }
        )
        for n, (question, lean) in enumerate(names.EXHIBITOR_ITEMS):
            asked = n < ITEMS_ASKED.get(back, 5)
            noise = rng.normal(lean, 1.0, len(answering))
            frame[question] = np.clip(np.round(overall + noise), 1, 10) if asked else np.nan
        frame[names.header("exhibitor_survey", "comment")] = [
            pick(rng, names.EXHIBITOR_COMMENTS) if rng.random() < 0.12 else None for _ in answering
        ]
        frames.append(frame)
    columns = [names.header("exhibitor_survey", r) for r in ("exhibition_year", "company", "overall")]
    columns += item_cols + [names.header("exhibitor_survey", "comment")]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def _steered_ratings(rng: np.random.Generator, n: int, target: float) -> np.ndarray:
    """Whole-number ratings 3..10 whose mean is within 0.03 of target (so the story holds for any seed)."""
    ratings = np.clip(np.round(rng.normal(target, 1.4, n)), 3, 10).astype(int)
    while abs(ratings.mean() - target) > 0.03:
        step = -1 if ratings.mean() > target else 1
        movable = np.flatnonzero((ratings > 3) if step < 0 else (ratings < 10))
        ratings[movable[int(rng.integers(len(movable)))]] += step
    return ratings


def postings_frame(cal: WorkCalendar, seed: int, years: list[int], today: date) -> pd.DataFrame:
    """Product pages on the WATER KOREA site: posted after the show, most kept up 6-11 months."""
    rows = []
    for year, firms in exhibitors_by_year(seed, years).items():
        rng = rng_for(seed, "postings", year)
        show_end = show_dates(cal, year)[1]
        for firm in firms:
            if rng.random() > 0.76:
                continue
            for product in _products(rng, 2 if rng.random() < 0.09 else 1):
                posted = cal.add_workdays(show_end + timedelta(3), int(rng.integers(1, 20)))
                if posted > today:
                    continue
                early = rng.random() < 0.05
                if early:
                    until = posted + timedelta(int(rng.integers(30, 140)))
                else:
                    until = months_later(posted, int(rng.integers(6, 12))) + timedelta(int(rng.integers(0, 20)))
                rows.append((firm, product, year, posted, until if until <= today else None,
                             pick(rng, EARLY_REMOVAL_NOTES) if early and until <= today else None))
    h = {r: names.header("postings", r) for r in ("company", "product", "exhibition_year", "posted_from", "posted_to")}
    return pd.DataFrame(
        {
            h["company"]: [r[0] for r in rows],
            h["product"]: [r[1] for r in rows],
            h["exhibition_year"]: [r[2] for r in rows],
            h["posted_from"]: pd.to_datetime([r[3] for r in rows]),
            h["posted_to"]: pd.to_datetime([r[4] for r in rows]),  # type: ignore[arg-type]  # None reads as NaT
            "비고": [r[5] for r in rows],
        }
    )


def _products(rng: np.random.Generator, count: int) -> list[str]:
    """Distinct product names with a model code, e.g. 초음파 유량계 UF-320."""
    chosen = rng.choice(len(names.PRODUCTS), size=count, replace=False)
    letters = "ABCDEFGHKMPSTUW"
    return [
        f"{names.PRODUCTS[int(i)]} {letters[int(rng.integers(len(letters)))]}{letters[int(rng.integers(len(letters)))]}"
        f"-{int(rng.integers(10, 99)) * 10}"
        for i in chosen
    ]
