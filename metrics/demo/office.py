"""Demo office data: the case logs with deadlines, the yearly events, the phone log.

The story: hundreds of cases a year, nearly all answered in time; a handful of certification
reviews received just before 설날 or 추석 run late; slow web inquiries get an interim notice; a
few cases received lately are still open. Every event is held every year, except that the
steering committee did not meet last year. Phones are answered within two rings, mostly, and
fewer callers wait for a third ring each year.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeAlias

import numpy as np
import pandas as pd

from metrics.demo import names
from metrics.demo.calendar import WorkCalendar, at_time, pick, rng_for
from metrics.demo.expo import company_pool, show_dates
from metrics.demo.training import future_courses


@dataclass(frozen=True)
class CaseSpec:
    """How one case type arrives and how long it usually takes."""

    code: str  # the middle part of the reference number
    per_year: tuple[int, int]
    workdays: tuple[int, int]  # usual handling time, counting the day of receipt
    weekend_share: float  # online forms arrive on Saturdays (and a few Sundays)
    months: tuple[int, int]
    slip: tuple[int, int] | None = None  # handling time of the rare case that misses the deadline


CASE_SPECS = {
    "cert_review": CaseSpec("서류", (140, 171), (2, 10), 0.06, (1, 12)),
    "cert_complaint": CaseSpec("민원", (20, 31), (3, 17), 0.10, (1, 12)),
    "regulation_notice": CaseSpec("개정", (6, 11), (1, 5), 0.0, (1, 12), slip=(8, 10)),
    "eval_report": CaseSpec("성과", (35, 46), (38, 58), 0.0, (2, 4), slip=(66, 71)),
    "tech_support": CaseSpec("기술", (15, 26), (3, 13), 0.0, (3, 11)),
    "web_inquiry": CaseSpec("문의", (170, 201), (1, 5), 0.25, (1, 12)),
    "service_complaint": CaseSpec("불만", (4, 9), (1, 5), 0.30, (1, 12)),
}
STEERING_GAP = 1  # years before the current one in which the steering committee never met
# Share of calls answered only at the 3rd or 4th ring, by years before the current one: improving.
SLOW_SHARE = {3: 0.05, 2: 0.035, 1: 0.02, 0: 0.01}
SHOW_WEEK_SLOW = 0.12  # the show week: half the office is at the exhibition hall
HOURLY_WEIGHT = (0.9, 1.3, 1.2, 0.9, 0.5, 1.1, 1.2, 1.1, 0.8)  # 09:00 .. 17:00
EXTENSIONS = ("7777", "7701", "7712", "7723", "7731", "7745")
CaseDraft: TypeAlias = tuple[date, date, "date | None", str]  # received, completed, interim notice, title


def cases_frame(cal: WorkCalendar, seed: int, years: list[int], today: date) -> pd.DataFrame:
    """Every case of every type, received up to today; completed empty while still open."""
    firms = company_pool(seed)
    rows = []
    for year in years:
        for case_type, spec in CASE_SPECS.items():
            rng = rng_for(seed, f"cases/{case_type}", year)
            found = [_one_case(cal, rng, case_type, spec, year, firms) for _ in range(int(rng.integers(*spec.per_year)))]
            if case_type == "cert_review":
                found += _holiday_backlog(cal, rng, year, firms)
            found = sorted((c for c in found if c[0] <= today), key=lambda c: c[0])
            teams = rng_for(seed, f"cases/{case_type}/team", year)  # its own stream: the cases stay as they were
            clocks = rng_for(seed, f"cases/{case_type}/clock", year)  # so has the time of receipt
            for seq, (received, completed, interim, title) in enumerate(found, start=1):
                rows.append((
                    names.enum_label("case_type", case_type), f"{year}-{spec.code}-{seq:04d}", title, received,
                    completed if completed <= today else None, interim if interim and interim <= today else None,
                    _expert_team(teams, case_type), _office_clock(clocks),
                ))
    rows.sort(key=lambda r: (r[3], r[1]))  # a register reads in order of receipt
    h = {r: names.header("cases", r) for r in ("case_type", "ref", "title", "received", "completed", "interim",
                                                "expert_team", "received_time")}
    columns: list[Sequence[object]] = list(zip(*rows, strict=True)) if rows else [[]] * 8
    frame = pd.DataFrame({h["case_type"]: columns[0], h["ref"]: columns[1], h["title"]: columns[2]})
    for name, values in zip(("received", "completed", "interim"), columns[3:6], strict=True):
        frame[h[name]] = pd.to_datetime(list(values))  # type: ignore[arg-type]  # dates, None reads as NaT
    frame[h["expert_team"]] = pd.Series(list(columns[6]), dtype=object)
    # 접수시각 beside 접수일, as a register kept by hand writes it.
    frame.insert(list(frame.columns).index(h["received"]) + 1, h["received_time"], pd.Series(list(columns[7]), dtype=object))
    return frame


def _office_clock(rng: np.random.Generator) -> time:
    """A time of receipt in office hours (09:00-17:59), busier in the morning and after lunch (HOURLY_WEIGHT)."""
    weights = np.asarray(HOURLY_WEIGHT) / sum(HOURLY_WEIGHT)
    return time(9 + int(rng.choice(len(HOURLY_WEIGHT), p=weights)), int(rng.integers(60)))


def _expert_team(rng: np.random.Generator, case_type: str) -> str | None:
    """기술지원단 구성: Y for most technical-support requests, N for about one in twenty; blank for other cases."""
    if case_type != "tech_support":
        return None
    return "N" if rng.random() < 0.05 else "Y"


def _one_case(cal: WorkCalendar, rng: np.random.Generator, case_type: str, spec: CaseSpec, year: int,
              firms: list[str]) -> CaseDraft:
    """(received, completed, interim, title) of one case with the type's usual timing."""
    first, last = date(year, spec.months[0], 1), date(year, spec.months[1], 28 if spec.months[1] == 2 else 30)
    if rng.random() < spec.weekend_share:
        received = _weekend_day(rng, first, last)
    else:
        received = cal.random_workday(rng, first, last)
    count, interim = int(rng.integers(spec.workdays[0], spec.workdays[1] + 1)), None
    if case_type == "web_inquiry" and rng.random() < 0.07:
        # A hard question: past seven days, but the person was told why in time.
        count = int(rng.integers(8, 15))
        interim = cal.add_workdays(received, int(rng.integers(2, 6)))
    elif spec.slip and rng.random() < 0.03:
        count = int(rng.integers(spec.slip[0], spec.slip[1] + 1))
    return received, cal.add_workdays(received, count), interim, _case_title(rng, case_type, firms)


def _weekend_day(rng: np.random.Generator, first: date, last: date) -> date:
    """A Saturday (or now and then a Sunday) between first and last."""
    day = first + timedelta(int(rng.integers((last - first).days - 6)))
    day += timedelta((5 - day.weekday()) % 7)
    return day + timedelta(1) if rng.random() < 0.2 else day


def _holiday_backlog(cal: WorkCalendar, rng: np.random.Generator, year: int, firms: list[str]) -> list[CaseDraft]:
    """Certification reviews received in the week before 설날 or 추석 that missed the 15-day promise."""
    late: list[CaseDraft] = []
    for holiday in cal.lunar_holidays(year):
        for _ in range(int(rng.integers(2, 5))):
            received = cal.on_or_after(holiday - timedelta(int(rng.integers(4, 10))))
            if received >= holiday:
                continue
            completed = cal.add_workdays(received, int(rng.integers(16, 20)))
            late.append((received, completed, None, _case_title(rng, "cert_review", firms)))
    return late


def _case_title(rng: np.random.Generator, case_type: str, firms: list[str]) -> str:
    """A subject line as staff write it in the log."""
    firm = pick(rng, firms)
    city = pick(rng, names.CITIES)
    titles: dict[str, Callable[[], str]] = {
        "cert_review": lambda: f"{firm} {pick(rng, names.PRODUCTS)} 단체표준 인증 신청",
        "cert_complaint": lambda: f"{firm} {pick(rng, names.CERT_COMPLAINTS)}",
        "regulation_notice": lambda: pick(rng, names.REGULATION_NOTICES),
        "eval_report": lambda: f"{city} {pick(rng, ('공공하수처리시설', '제1하수처리시설', '제2하수처리시설'))} 관리대행 성과평가 결과서",
        "tech_support": lambda: f"{city} 하수처리시설 {pick(rng, names.TECH_SUPPORT)} 기술지원",
        "web_inquiry": lambda: pick(rng, names.WEB_QUESTIONS),
        "service_complaint": lambda: pick(rng, names.SERVICE_COMPLAINTS),
    }
    return titles[case_type]()


def events_frame(cal: WorkCalendar, seed: int, years: list[int], today: date) -> pd.DataFrame:
    """The charter's yearly events: briefing, workshop, demand survey, steering committee (one gap year)."""
    rows = []
    for year in years:
        rng = rng_for(seed, "events", year)
        show = show_dates(cal, year)[0]
        rows.append(("exhibitor_briefing", cal.random_workday(rng, show - timedelta(75), show - timedelta(45)),
                     f"WATER KOREA {year} 참가기업 설명회", pick(rng, ("협회 대회의실", "대구 엑스코 세미나실")),
                     int(rng.integers(90, 161))))
        rows.append(("workshop", cal.random_workday(rng, date(year, 9, 1), date(year, 11, 20)),
                     f"{year}년 공공하수도 관리대행 성과평가 워크숍",
                     pick(rng, ("대전 컨벤션센터", "세종 정부컨벤션센터", "오송 컨벤션센터")), int(rng.integers(60, 131))))
        rows.append(("demand_survey", cal.random_workday(rng, date(year, 8, 16), date(year, 9, 30)),
                     f"{year + 1}년도 상하수도 교육 수요조사", "온라인 설문", int(rng.integers(180, 321))))
        if today.year - year != STEERING_GAP:
            meetings = 2 if rng.random() < 0.5 else 1
            for n, (start, end) in enumerate(((date(year, 3, 2), date(year, 4, 30)), (date(year, 9, 1), date(year, 10, 30)))[:meetings]):
                rows.append(("steering_committee", cal.random_workday(rng, start, end),
                             f"{year}년 제{n + 1}차 기업재직자 운영위원회", "협회 회의실", int(rng.integers(8, 15))))
        # The future-talent course runs, the roster their survey coverage (II.5.c) is counted against.
        rows += [("ft_course", end, course, "협회 교육장", 20 + len(course) % 15)
                 for course, end, _surveyed in future_courses(cal, seed, year, today)]
    rows = sorted((r for r in rows if r[1] <= today), key=lambda r: (r[1], r[0], r[2]))
    h = {r: names.header("events", r) for r in ("event_type", "date", "title", "participants", "participant_groups")}
    return pd.DataFrame(
        {
            h["event_type"]: [names.enum_label("event_type", r[0]) for r in rows],
            h["date"]: pd.to_datetime([r[1] for r in rows]),
            h["title"]: [r[2] for r in rows],
            "장소": [r[3] for r in rows],
            h["participants"]: [r[4] for r in rows],
            h["participant_groups"]: [_groups(r[0], r[1].year, today) for r in rows],
        }
    )


def _groups(event_type: str, year: int, today: date) -> str | None:
    """참여 대상 of a workshop: both groups most years; two years ago the local governments stayed away (a
    missed promise); blank for the other events."""
    if event_type != "workshop":
        return None
    return "관리대행업체" if today.year - year == 2 else "지자체 공무원, 관리대행업체"


def calls_frame(cal: WorkCalendar, seed: int, years: list[int], today: date) -> pd.DataFrame:
    """The switchboard log: about a dozen calls a working day, rings 1-2 mostly, 3-4 more often in the show week."""
    times, rings, extensions = [], [], []
    hour_p = np.asarray(HOURLY_WEIGHT) / sum(HOURLY_WEIGHT)
    for year in years:
        rng = rng_for(seed, "calls", year)
        show = show_dates(cal, year)
        usual = _ring_odds(SLOW_SHARE.get(today.year - year, 0.05))
        for day in cal.workdays(date(year, 1, 1), min(today, date(year, 12, 31))):
            ring_p = _ring_odds(SHOW_WEEK_SLOW) if show[0] <= day <= show[1] else usual
            day_times = _distinct_seconds(
                at_time(day, 9 + int(rng.choice(9, p=hour_p)), int(rng.integers(60)), int(rng.integers(60)))
                for _ in range(int(rng.poisson(12)))
            )
            times += day_times
            rings += [int(rng.choice(4, p=ring_p)) + 1 for _ in day_times]
            extensions += [pick(rng, EXTENSIONS) for _ in day_times]
    return pd.DataFrame(
        {
            names.header("calls", "call_time"): pd.to_datetime(times),
            "내선번호": extensions,
            names.header("calls", "rings"): rings,
        }
    )


def _ring_odds(slow: float) -> tuple[float, ...]:
    """Chances of answering at ring 1, 2, 3, 4 when a share `slow` waits for the 3rd or 4th ring."""
    return (0.5 * (1 - slow), 0.5 * (1 - slow), 0.8 * slow, 0.2 * slow)


def _distinct_seconds(times: Iterable[datetime]) -> list[datetime]:
    """Sorted call times, a clash moved on by a second: the call time is what identifies a call."""
    out: list[datetime] = []
    for t in sorted(times):
        out.append(t if not out or t > out[-1] else out[-1] + timedelta(seconds=1))
    return out
