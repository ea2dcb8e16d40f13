"""The admins' tables in Korean: no raw field names, codes or JSON reach the page (ui.admin_tables)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from metrics.access import audit, auth
from metrics.kpi import checkins, targets
from metrics.kpi.registry import load_registry
from ui import admin_tables

PASSWORD = "Pumpkin-Seventeen-42"
TITLES = {k.id: k.title_ko for k in load_registry()}
# What must never show: a field or code as stored, or the detail's JSON.
RAW = re.compile(r"[a-z]+_[a-z_]+|[{}\"]|\b(True|False|None|nan|NaT)\b")


@pytest.fixture
def history(engine):
    auth.add_user(engine, "kim", PASSWORD, ["admin"], actor="test", now=datetime(2026, 3, 4, 0, 30))
    auth.set_roles(engine, "kim", ["admin", "analyst"], actor="test")
    targets.change_target(engine, "edu.trainees", ">=", 3500, reason="이사회 결정", actor="kim",
                          effective_from=date(2026, 1, 1), now=datetime(2026, 3, 4, 1, 0))
    checkins.add_note(engine, "edu.trainees", 2026, cause="과정 취소", action="추가 개설", author="kim")
    audit.record(engine, "kim", "export", {"what": "cases [years=2025]", "format": "xlsx", "rows": 1204})
    audit.record(engine, "kim", "logout", {"reason": "idle"})
    audit.record(engine, "kim", "login", {"source": "oidc", "roles": ["admin"]})
    return engine


def _headers_are_labelled_words(frame, section: str) -> bool:
    from ui.i18n import labels

    words = {entry["ko"] for key, entry in labels().items() if key.startswith(f"fields.{section}.")}
    return set(frame.columns) <= words


def _raw_cells(frame) -> list[str]:
    return [str(v) for col in frame.columns for v in frame[col] if RAW.search(str(v))]


def test_the_accounts_table_names_its_fields_and_shows_roles_and_times_in_words(history):
    shown = admin_tables.accounts_frame(auth.list_users(history))
    assert _headers_are_labelled_words(shown, "account")
    [row] = shown.to_dict("records")
    assert row["역할"] == "분석(탐색·내려받기), 관리자" and row["상태"] == "사용"
    assert row["만든 시각"] == "2026-03-04 09:30 (KST)" and row["잠금 해제 시각"] == ""
    assert _raw_cells(shown) == []


def test_the_target_history_reads_as_phrases(history):
    shown = admin_tables.target_history_frame(targets.history(history), TITLES)
    assert _headers_are_labelled_words(shown, "target_history")
    [row] = shown.to_dict("records")
    assert (row["지표"], row["새 목표"], row["이전 목표"]) == (TITLES["edu.trainees"], "목표 3,500 이상", "목표 3,000 이상")
    assert (row["적용 시작일"], row["바꾼 시각"]) == ("2026-01-01", "2026-03-04 10:00 (KST)")
    assert _raw_cells(shown) == []


def test_the_audit_log_shows_actions_and_details_in_words(history):
    shown = admin_tables.audit_frame(audit.read(history), TITLES)
    assert _headers_are_labelled_words(shown, "audit")
    by_action = dict(zip(shown["작업"], shown["내용"], strict=True))
    assert by_action["목표 변경"].startswith(f"지표: {TITLES['edu.trainees']} · 비교: 이상 (≥) · 목표값: 3,500")
    assert by_action["내려받기"] == "대상: 처리기한 업무 (연도: 2025) · 행 수: 1,204 · 형식: xlsx"
    assert by_action["로그아웃"] == "사유: 오래 쓰지 않음"
    assert by_action["로그인"] == "방식: 기관 계정 · 역할: 관리자"
    assert by_action["역할 변경"] == "아이디: kim · 역할: 분석(탐색·내려받기), 관리자"
    assert _raw_cells(shown) == []


def test_an_exports_filters_and_an_unknown_address_read_as_words_in_the_audit_log(engine):
    audit.record(engine, "kim", "export", {"what": "cases [years=2024,2025; types=cert_review; timeliness=late; "
                                                   "date_from=2025-01-01]", "format": "csv", "rows": 3})
    audit.record(engine, "kim", "export", {"what": "kpi_rows [state=met,missed]", "format": "csv", "rows": 2})
    audit.record(engine, "kim", "login_failed", {"username": "kim", "address": "unknown"})
    shown = admin_tables.audit_frame(audit.read(engine), TITLES)
    details = "\n".join(shown["내용"])
    assert "대상: 처리기한 업무 (연도: 2024, 2025; 업무 구분: 인증 신청 서류검토; 기한 준수: 기한 넘김; 시작일: 2025-01-01)" in details
    assert "대상: 지표 근거 행 (상태: 충족, 미충족)" in details
    assert "접속 주소: 알 수 없음" in details
    assert _raw_cells(shown) == []


def test_an_uncoded_reason_for_a_sign_out_is_refused(engine):
    with pytest.raises(ValueError):
        audit.record(engine, "kim", "logout", {"reason": "tired"})
    audit.record(engine, "kim", "target_change", {"kpi_id": "edu.trainees", "reason": "이사회 결정"})  # free words
