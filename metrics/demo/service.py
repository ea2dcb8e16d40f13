"""Demo customer-service logs (charter Ⅲ): the service monitoring checklist and the suggestions log.

The story: each month the charter's coordinator makes three or four mystery calls and one or two visits to a
department and scores them on the checklist, O or X, leaving an item blank when it did not arise (nobody was
transferred, nobody was absent, a phone call has no seat plan). The office gets better every year; absent staff
calling back is the weak point, and the year the reception room was being rebuilt most visitors were met at desks.
Suggestions come in by every channel, most from the course surveys; about three in four are acted on, fewer in
the early years, and the course team turned most requests down two years ago. A handful of complaints about
staff a year are put right; in the early years an apology or an action was sometimes not recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd

from metrics.demo import names
from metrics.demo.calendar import WorkCalendar, pick, rng_for

DEPARTMENTS = ("인증사업팀", "교육사업팀", "전시사업팀", "평가지원팀", "기술지원팀", "총무팀")
MONITORS = ("고객만족 담당 김서연", "고객만족 담당 박준호", "외부 모니터 이지은")
# Chance an item is missed, by years before the current one: the office improves.
MISS = {3: 0.13, 2: 0.09, 1: 0.05, 0: 0.03}
CALLBACK_MISS = {3: 0.30, 2: 0.22, 1: 0.12, 0: 0.06}  # absent staff calling back is the weak point
RECEPTION_REBUILT = 2  # years before the current one: the reception room was closed for works
WAIT_MEAN = 4.0  # minutes a visitor waits, on average (exponential: a few wait more than 10)


def monitoring_frame(cal: WorkCalendar, seed: int, years: list[int], today: date) -> pd.DataFrame:
    """Monitored contacts up to today: 3-4 calls and 1-2 visits a month, one checklist row each."""
    rows = []
    for year in years:
        rng = rng_for(seed, "monitoring", year)
        ago = today.year - year
        for month in range(1, 13):
            start = date(year, month, 1)
            if start > today:
                break
            end = min(today, (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date())
            if not cal.workdays(start, end):
                continue
            for channel, count in (("phone", int(rng.integers(3, 5))), ("visit", int(rng.integers(1, 3)))):
                for _ in range(count):
                    rows.append(_contact(rng, cal.random_workday(rng, start, end), channel, ago))
    frame = pd.DataFrame(rows).sort_values(["monitored", "channel"], kind="stable").reset_index(drop=True)
    frame.insert(3, "ref", [f"M{d.year}-{i:03d}" for i, d in _numbered(frame["monitored"])])
    return frame.rename(columns=lambda role: _HEADERS.get(role, role))


def _contact(rng: np.random.Generator, day: date, channel: str, ago: int) -> dict[str, object]:
    miss = MISS.get(ago, MISS[3])

    def mark(p_miss: float, asked: bool = True) -> str:
        return "" if not asked else ("X" if rng.random() < p_miss else "O")

    phone = channel == "phone"
    row = {
        "monitored": pd.Timestamp(day),
        "channel": names.enum_label("channel", channel),
        "department": pick(rng, DEPARTMENTS),
        "greeting": mark(miss, phone),
        "name_given": mark(miss),
        "listening": mark(miss / 2, phone),
        "transfer_details": mark(miss, phone and rng.random() < 0.3),
        "callback": mark(CALLBACK_MISS.get(ago, CALLBACK_MISS[3]), phone and rng.random() < 0.25),
        "signage": mark(miss / 2, not phone),
        "office_used": mark(0.6 if ago == RECEPTION_REBUILT else miss, not phone),
        "wait_minutes": round(float(rng.exponential(WAIT_MEAN)) * (1 + miss), 0) if not phone else np.nan,
        "점검자": pick(rng, MONITORS),
    }
    return row


def _years_begun(seed: int, stream: str, years: list[int], today: date) -> Iterator[tuple[int, np.random.Generator, date]]:
    """Each year whose first working day has come by `today`: the year, its random stream, its last day so far."""
    for year in years:
        last = min(today, date(year, 12, 31))
        if last >= date(year, 1, 2):
            yield year, rng_for(seed, stream, year), last


def _numbered(days: pd.Series) -> Iterator[tuple[int, date]]:
    """(number within its year, date) for each row, numbering from 1 each year."""
    counts: dict[int, int] = {}
    for d in days:
        counts[d.year] = counts.get(d.year, 0) + 1
        yield counts[d.year], d


_ROLES = ("monitored", "channel", "department", "ref", "greeting", "name_given", "listening", "transfer_details",
          "callback", "signage", "office_used", "wait_minutes")
_HEADERS = {role: names.header("monitoring", role) for role in _ROLES}


# ─── suggestions ──────────────────────────────────────────────────────────────
SUGGESTION_VIA = {"web": (8, 13), "phone": (4, 8), "letter": (1, 4), "visit": (2, 5), "course_survey": (10, 17)}
# Chance a decided suggestion is adopted fully or partly, by years before the current one.
REFLECT = {3: 0.58, 2: 0.72, 1: 0.8, 0: 0.78}
REFLECT_COURSES = {3: 0.76, 2: 0.6, 1: 0.82, 0: 0.86}  # two years ago the course team turned most requests down
# Calendar days from receipt to a decision, by years before the current one: slower before a 30-day rule was kept.
DECIDE_DAYS = {3: (10, 55), 2: (7, 45), 1: (5, 38), 0: (3, 33)}
SUMMARIES = {
    "web": ("인증 신청서 양식을 한글 파일로도 제공해 주십시오", "홈페이지 자료실 검색이 불편합니다",
            "전시회 참가 신청 마감일을 메인 화면에 안내해 주십시오", "인증 진행 상황을 온라인으로 조회하고 싶습니다"),
    "phone": ("대표전화 연결 대기가 깁니다", "교육 일정 변경 시 문자로 알려 주십시오", "인증 수수료 납부 방법을 다양화해 주십시오"),
    "letter": ("성과평가 결과서 양식 간소화 건의", "지역 순회 설명회 개최 요청"),
    "visit": ("민원실 주차 안내가 필요합니다", "방문 상담 예약제를 운영해 주십시오", "안내 데스크 위치 표지 보완"),
    "course_survey": ("실습 시간을 늘려 주십시오", "교재를 미리 배포해 주십시오", "온라인 수강 과정을 개설해 주십시오",
                      "현장 견학을 포함해 주십시오", "강의실 냉난방 개선", "수료증을 전자 문서로도 발급해 주십시오"),
}


def suggestions_frame(cal: WorkCalendar, seed: int, years: list[int], today: date) -> pd.DataFrame:
    """Suggestions received up to today, each decided 1-7 weeks later (sooner every year); the latest still under
    review."""
    rows = []
    for year, rng, last in _years_begun(seed, "suggestions", years, today):
        ago = today.year - year
        for via, (low, high) in SUGGESTION_VIA.items():
            reflect = (REFLECT_COURSES if via == "course_survey" else REFLECT).get(ago, 0.7)
            for _ in range(int(rng.integers(low, high))):
                received = cal.random_workday(rng, date(year, 1, 2), last)
                low_days, high_days = DECIDE_DAYS.get(ago, (7, 43))
                decided = cal.on_or_after(received + pd.Timedelta(days=int(rng.integers(low_days, high_days))).to_pytimedelta())
                reflected = rng.random() < reflect
                decision = ("반영" if rng.random() < 0.55 else "부분 반영") if reflected else "미반영"
                rows.append({
                    "received": pd.Timestamp(received),
                    "via": names.enum_label("via", via),
                    "summary": pick(rng, SUMMARIES[via]),
                    "decision": decision if decided <= today else "검토 중",
                    "decided_on": pd.Timestamp(decided) if decided <= today else pd.NaT,
                })
    frame = pd.DataFrame(rows).sort_values("received", kind="stable").reset_index(drop=True)
    frame.insert(0, "ref", [f"제안-{d.year}-{i:03d}" for i, d in _numbered(frame["received"])])
    return frame.rename(columns=lambda role: names.header("suggestions", role))


# ─── remedies ─────────────────────────────────────────────────────────────────
# Chance an apology is missed, or a cause or action not recorded, by years before the current one.
REMEDY_MISS = {3: 0.2, 2: 0.1, 1: 0.0, 0: 0.0}
# Calendar days from the complaint to the staff member's training, by years before the current one.
TRAIN_DAYS = {3: (8, 50), 2: (7, 45), 1: (5, 38), 0: (5, 30)}
ACTIONS = ("담당 직원 응대 매뉴얼 재교육", "전화 연결 절차 개선", "회신 기한 알림 설정", "안내문 문구 수정", "담당자 변경 후 재안내")
COMPENSATIONS = ("교육 수강료 일부 환불", "인증 수수료 재심사 면제", "전시회 홍보물 무상 게재", "교재 무상 제공")


def remedies_frame(cal: WorkCalendar, seed: int, years: list[int], today: date) -> pd.DataFrame:
    """Complaints about staff and how each was put right: 3-7 a year, fewer lapses every year."""
    rows = []
    for year, rng, last in _years_begun(seed, "remedies", years, today):
        miss = REMEDY_MISS.get(today.year - year, 0.2)
        for _ in range(int(rng.integers(3, 8))):
            received = cal.random_workday(rng, date(year, 1, 2), last)
            acted = rng.random() >= miss
            due = rng.random() < 0.45  # about half the wrong services call for compensation
            low_days, high_days = TRAIN_DAYS.get(today.year - year, (5, 30))
            trained = cal.on_or_after(received + pd.Timedelta(days=int(rng.integers(low_days, high_days))).to_pytimedelta())
            rows.append({
                "received": pd.Timestamp(received),
                "apology": "X" if rng.random() < miss else "O",
                "cause_found": "O" if acted or rng.random() < 0.5 else "X",
                "action": pick(rng, ACTIONS) if acted else "",
                "compensation_due": "O" if due else "X",
                "compensation": pick(rng, COMPENSATIONS) if due and acted and rng.random() >= miss else "",
                "training_on": pd.Timestamp(trained) if acted and trained <= today else pd.NaT,
            })
    frame = pd.DataFrame(rows).sort_values("received", kind="stable").reset_index(drop=True)
    frame.insert(0, "ref", [f"불만-{d.year}-{i:03d}" for i, d in _numbered(frame["received"])])
    return frame.rename(columns=lambda role: names.header("remedies", role))


# ─── website review and customer visits ───────────────────────────────────────
PAGES = ("협회 소개", "조직도·연락처", "단체표준 인증 안내", "인증 수수료", "인증 현황", "교육 일정", "교육 신청",
         "WATER KOREA 전시회", "참가기업 안내", "성과평가 안내", "자료실", "공지사항", "채용 정보", "찾아오시는 길")
STALE = {3: 0.2, 2: 0.14, 1: 0.08, 0: 0.05}  # pages found out of date at a review, by years before the current one
KEPT_UP = {3: 0.8, 2: 0.85, 1: 0.9, 0: 0.97}  # of the current pages, those touched within the last 4 months
VISIT_MISS = {3: 0.12, 2: 0.06, 1: 0.0, 0: 0.03}
VISITED = ("서울특별시 상수도사업본부", "수원시 상하수도사업소", "청주시 상하수도사업본부", "(주)한솔이엠이", "(주)부강테크",
           "김해시 수도과", "원주시 수도사업소", "한국환경공단")
PURPOSES = ("인증 현장심사", "기술지원 협의", "성과평가 현장 확인", "교육 수요 협의", "전시회 참가 상담")


def website_frame(cal: WorkCalendar, seed: int, years: list[int], today: date) -> pd.DataFrame:
    """Every page reviewed each half year (June and December), up to today."""
    rows = []
    for year in years:
        rng = rng_for(seed, "website", year)
        stale = STALE.get(today.year - year, 0.2)
        for month in (6, 12):
            reviewed = cal.on_or_after(date(year, month, 20))
            if reviewed > today:
                continue
            for page in PAGES:
                old = rng.random() < stale
                # An out-of-date page was last touched 7-16 months before; a current one mostly within 4 months,
                # now and then 5-8 (current still, or not touched for longer than the association's 6 months).
                recent = (3, 120) if rng.random() < KEPT_UP.get(today.year - year, 0.8) else (150, 240)
                updated = reviewed - pd.Timedelta(days=int(rng.integers(200, 500) if old else rng.integers(*recent)))
                rows.append({"page": page, "last_updated": pd.Timestamp(updated), "reviewed_on": pd.Timestamp(reviewed),
                             "up_to_date": "X" if old else "O"})
    return pd.DataFrame(rows).rename(columns=lambda role: names.header("website_review", role))


def visits_frame(cal: WorkCalendar, seed: int, years: list[int], today: date) -> pd.DataFrame:
    """Staff visits to customers, about two a month."""
    rows = []
    for year, rng, last in _years_begun(seed, "visits", years, today):
        miss = VISIT_MISS.get(today.year - year, 0.1)
        days = sorted({cal.random_workday(rng, date(year, 1, 2), last) for _ in range(int(rng.integers(18, 27)))})
        for day in days:
            rows.append({"visited": pd.Timestamp(day), "customer": pick(rng, VISITED), "purpose": pick(rng, PURPOSES),
                         "called_ahead": "X" if rng.random() < miss else "O",
                         "results_explained": "X" if rng.random() < miss / 2 else "O",
                         "card_given": "X" if rng.random() < miss else "O"})
    return pd.DataFrame(rows).rename(columns=lambda role: names.header("customer_visits", role))
