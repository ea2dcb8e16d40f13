"""Stored in UTC whatever the server's zone, shown in Korea time (metrics.clock)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from metrics import clock
from metrics.access import audit, auth, sessions
from metrics.access.auth import Policy
from metrics.access.tables import audit_log, sign_in_sessions
from metrics.intake.ingest import ingest_file
from metrics.kpi import checkins
from metrics.report.words import Words
from metrics.store import tables
from tests.app_fixtures import local_mode_env, with_local_token
from tests.sheets import csv

APP = str(Path(__file__).resolve().parents[1] / "app.py")
CASES = [["업무구분", "접수번호", "제목", "접수일", "처리일"], ["홈페이지 문의", "T-1", "문의", "2026-03-03", "2026-03-04"]]


@pytest.fixture
def server_in_seoul(monkeypatch):
    """The server's own zone set to Korea (UTC+9): a store that kept local times would be nine hours off."""
    monkeypatch.setenv("TZ", "Asia/Seoul")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _close_to_utc_now(moment: datetime) -> bool:
    # Minutes apart at most; a server-local time in Seoul would be nine hours ahead.
    return abs(moment - _utc_now()) < timedelta(minutes=5)


def test_a_stored_moment_is_shown_in_korea_time_with_its_mark():
    assert clock.shown(datetime(2026, 12, 1, 0, 30)) == "2026-12-01 09:30 (KST)"
    assert clock.shown(datetime(2026, 11, 30, 15, 5)) == "2026-12-01 00:05 (KST)"  # the Korean day has begun
    assert clock.shown_day(datetime(2026, 11, 30, 15, 5)) == "2026-12-01"
    assert clock.shown(datetime(2026, 12, 1, 0, 30, tzinfo=UTC), mark=False) == "2026-12-01 09:30"
    assert clock.shown(None) == "" and clock.shown(float("nan")) == "" and clock.shown(pd.NaT) == ""
    assert clock.shown(pd.Timestamp("2026-12-01 00:30")) == "2026-12-01 09:30 (KST)"


def test_a_korean_day_starts_at_15_utc_the_day_before():
    assert clock.utc_from_korea_day(date(2026, 12, 1)) == datetime(2026, 11, 30, 15, 0)
    assert clock.utc_from_korea_day(date(2026, 12, 1), end=True) == datetime(2026, 12, 1, 14, 59, 59, 999999)


def test_the_report_writes_moments_in_korea_time():
    assert Words("ko").moment(datetime(2026, 12, 1, 0, 30)) == "2026-12-01 09:30 (KST)"


def test_uploads_audit_entries_and_notes_are_stored_in_utc_on_a_server_in_seoul(engine, server_in_seoul):
    ingest_file(engine, csv(CASES), "cases.csv", kind="cases", uploaded_by="kim")
    audit.record(engine, "kim", "export", {"what": "cases", "rows": 1})
    checkins.add_note(engine, "cs.web_inquiry_7d", 2026, cause="원인", action="조치", author="kim")
    with engine.connect() as conn:
        uploaded = conn.execute(select(tables.uploads.c.created_at)).scalar_one()
        logged = conn.execute(select(audit_log.c.at).where(audit_log.c.action == "export")).scalar_one()
        noted = conn.execute(select(tables.kpi_notes.c.noted_at)).scalar_one()
    assert _close_to_utc_now(uploaded) and _close_to_utc_now(logged) and _close_to_utc_now(noted)


def test_a_session_expires_by_utc_on_a_server_in_seoul(engine, server_in_seoul):
    policy = Policy(max_hours=8, idle_minutes=120)
    auth.add_user(engine, "kim", "Pumpkin-Seventeen-42", ["viewer"], actor="test")
    token = sessions.start(engine, "kim", policy=policy)
    with engine.connect() as conn:
        expires = conn.execute(select(sign_in_sessions.c.expires_at)).scalar_one()
    assert abs(expires - (_utc_now() + timedelta(hours=8))) < timedelta(minutes=5)
    assert sessions.resume(engine, token, policy=policy).session is not None  # judged by the same clock: live
    # Its end in UTC passed a minute ago (in Seoul's server-local time it would still be 9 hours away): over.
    with engine.begin() as conn:
        conn.execute(update(sign_in_sessions).values(expires_at=_utc_now() - timedelta(minutes=1)))
    assert sessions.resume(engine, token, policy=policy).ended == "max_age"


def test_an_identity_token_issued_at_the_epoch_started_at_0000_utc_on_a_server_in_seoul(server_in_seoul):
    from metrics.access.oidc import oidc_started_at

    assert oidc_started_at({"iat": 0}) == datetime(1970, 1, 1, 0, 0)


@pytest.mark.db
def test_an_upload_stored_at_0030_utc_shows_as_0930_kst_on_the_upload_page(monkeypatch, database_url, engine):
    local_mode_env(monkeypatch)
    ingest_file(engine, csv(CASES), "cases.csv", kind="cases", uploaded_by="kim")
    with engine.begin() as conn:
        conn.execute(update(tables.uploads).values(created_at=datetime(2026, 3, 4, 0, 30)))
    at = with_local_token(AppTest.from_file(APP, default_timeout=90)).run()
    at.switch_page("pages/upload.py").run()
    assert not at.exception, [e.value for e in at.exception]
    [history] = [d.value for d in at.dataframe if "filename" in d.value.columns]
    assert list(history["created_at"]) == ["2026-03-04 09:30 (KST)"]
