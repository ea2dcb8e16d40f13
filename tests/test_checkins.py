"""Notes on a promise (check-ins): kept per KPI and year with author and time, audited, never overwritten."""

from __future__ import annotations

from datetime import datetime

import pytest

from metrics.access import audit
from metrics.kpi import checkins
from metrics.kpi.checkins import CheckinError
from metrics.kpi.registry import registry_from_text
from metrics.store import database

pytestmark = pytest.mark.db

REGISTRY = registry_from_text("""
[areas]
cs = { ko = "고객 응대", en = "Customer service" }

[[kpi]]
id = "cs.visit_3d"
area = "고객 응대"
area_id = "cs"
title_ko = "방문 민원 3일 이내 처리"
title_en = "Visit complaints within 3 days"
clause = "II.1.a"
source = "cases"
filter = { case_type = "service_complaint" }
measure = "deadline_share"
days = 3
day_mode = "business"
target = { comparator = ">=", value = 0.9 }

[[kpi]]
id = "cs.written_30d"
area = "고객 응대"
area_id = "cs"
title_ko = "서면 민원 30일 이내 처리"
title_en = "Written complaints within 30 days"
clause = "II.1.a"
source = "cases"
filter = { case_type = "web_inquiry" }
measure = "deadline_share"
days = 30
day_mode = "calendar"
target = { comparator = ">=", value = 0.9 }
""")
VISIT, PHONE = "cs.visit_3d", "cs.written_30d"


def _add(engine, kpi_id=VISIT, year=2025, cause="인력 부족 / short of staff", action="임시 인력 / temp staff",
         author="kim", at=datetime(2025, 6, 2, 9, 0), corrects=None):
    return checkins.add_note(engine, kpi_id, year, cause=cause, action=action, author=author, now=at,
                             corrects=corrects, registry=REGISTRY)


def test_a_note_keeps_cause_action_author_and_time(engine):
    _add(engine, cause="  접수 폭주 ", action=" 주말 처리 ", author="lee")
    [note] = checkins.notes(engine, 2025, VISIT)
    assert (note.kpi_id, note.year, note.cause, note.action, note.author) == (VISIT, 2025, "접수 폭주", "주말 처리", "lee")
    assert note.noted_at == datetime(2025, 6, 2, 9, 0)


def test_the_latest_note_per_kpi_is_the_newest_of_that_year_only(engine):
    _add(engine, cause="첫째", at=datetime(2025, 3, 1))
    _add(engine, cause="둘째", at=datetime(2025, 9, 1))
    _add(engine, cause="작년", year=2024, at=datetime(2025, 12, 1))
    _add(engine, kpi_id=PHONE, cause="전화", at=datetime(2025, 4, 1))
    latest = checkins.latest_notes(engine, 2025)
    assert {k: n.cause for k, n in latest.items()} == {VISIT: "둘째", PHONE: "전화"}
    assert [n.cause for n in checkins.notes(engine, 2025)] == ["둘째", "전화", "첫째"]


def test_a_correction_is_a_new_note_and_the_first_stays(engine):
    first = _add(engine, cause="틀린 원인")
    _add(engine, cause="바른 원인", corrects=first.id, at=datetime(2025, 6, 3))
    listed = checkins.notes(engine, 2025, VISIT)
    assert [(n.cause, n.corrects) for n in listed] == [("바른 원인", first.id), ("틀린 원인", None)]


def test_a_correction_must_name_a_note_of_the_same_kpi_and_year(engine):
    other = _add(engine, kpi_id=PHONE)
    with pytest.raises(CheckinError, match="not a note on this KPI"):
        _add(engine, corrects=other.id)
    assert checkins.notes(engine, 2025, VISIT) == []


def test_every_note_is_audited_with_its_kpi_and_year(engine):
    _add(engine, author="park")
    log = audit.read(engine, audit.AuditFilter(actions=("kpi_note",)))
    assert list(log["actor"]) == ["park"]
    assert audit.details(log) == [{"kpi_id": VISIT, "year": 2025}]


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"kpi_id": "cs.nothing"}, "unknown KPI"),
    ({"cause": "  "}, "both the cause and the action"),
    ({"action": ""}, "both the cause and the action"),
    ({"author": " "}, "needs its author"),
    ({"cause": "가" * 2001}, "at most 2000"),
])
def test_a_note_missing_what_it_must_say_is_refused_and_nothing_is_stored(engine, kwargs, words):
    with pytest.raises(CheckinError, match=words):
        _add(engine, **kwargs)
    assert checkins.notes(engine, 2025) == []
    assert audit.read(engine, audit.AuditFilter(actions=("kpi_note",))).empty


def test_managers_and_admins_may_write_notes_viewers_and_analysts_may_not():
    assert checkins.may_write({"manager"}) and checkins.may_write({"admin"})
    assert not checkins.may_write({"viewer"}) and not checkins.may_write({"analyst"})


def test_a_new_database_and_an_upgraded_one_both_hold_the_notes_table(engine):
    assert database.current_revision(engine) == database.head_revision()
    assert checkins.notes_version(engine) == 0
    _add(engine)
    assert checkins.notes_version(engine) == 1
