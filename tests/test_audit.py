"""The audit log: staff actions recorded and read back by filter, and nothing personal let in."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from metrics.access import audit, auth
from metrics.access.audit import AuditFilter

T0 = datetime(2025, 3, 10, 9, 0)
PASSWORD = "Pumpkin-Seventeen-42"


def _entries(engine, **filters):
    frame = audit.read(engine, AuditFilter(**filters))
    return list(zip(frame["actor"], frame["action"], audit.details(frame), strict=True))


def test_a_recorded_action_reads_back_with_its_time_actor_and_detail(engine):
    audit.record(
        engine, "kim@kwwa.or.kr", "upload", {"upload_id": 7, "filename": "교육생.xlsx", "rows": 120}, now=T0
    )
    frame = audit.read(engine)
    assert list(frame.columns) == ["id", "at", "actor", "action", "detail"]
    assert frame["at"].tolist() == [T0]
    assert _entries(engine) == [
        ("kim@kwwa.or.kr", "upload", {"upload_id": 7, "filename": "교육생.xlsx", "rows": 120})
    ]


def test_entries_are_filtered_by_actor_action_and_time_newest_first(engine):
    audit.record(engine, "kim", "upload", {"upload_id": 1}, now=T0)
    audit.record(engine, "lee", "undo", {"upload_id": 1}, now=T0 + timedelta(hours=1))
    audit.record(engine, "kim", "export", {"what": "cases", "rows": 3}, now=T0 + timedelta(hours=2))
    assert [a for _, a, _ in _entries(engine)] == ["export", "undo", "upload"]
    assert [a for _, a, _ in _entries(engine, actor="KI")] == [
        "export",
        "upload",
    ]  # part of the name, any case
    assert [a for _, a, _ in _entries(engine, actions=("upload", "undo"))] == ["undo", "upload"]
    since, until = T0 + timedelta(minutes=30), T0 + timedelta(hours=1, minutes=30)
    assert [a for _, a, _ in _entries(engine, since=since, until=until)] == ["undo"]


def test_an_actor_filter_with_like_wildcards_matches_them_literally(engine):
    audit.record(engine, "kim", "logout", now=T0)
    audit.record(engine, "k_m", "logout", now=T0)
    assert [who for who, _, _ in _entries(engine, actor="k_m")] == ["k_m"]


def test_an_unknown_action_is_refused(engine):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(engine, "kim", "delete_everything", {})


def test_a_detail_key_outside_the_allow_list_is_refused_so_no_trainee_data_gets_in(engine):
    with pytest.raises(ValueError, match="trainee_name"):
        audit.record(
            engine, "kim", "upload", {"upload_id": 1, "trainee_name": "홍길동", "phone": "010-1234-5678"}
        )
    assert audit.read(engine).empty


def test_long_text_is_cut_so_a_pasted_sheet_cannot_fill_the_log(engine):
    audit.record(engine, "kim", "upload", {"filename": "x" * 2000}, now=T0)
    [(_, _, detail)] = _entries(engine)
    assert len(detail["filename"]) == audit.MAX_TEXT


def test_logins_failures_and_account_changes_are_recorded(engine):
    auth.add_user(engine, "boss", PASSWORD, ["admin"], actor="cli:root", now=T0)
    auth.authenticate(engine, "boss", PASSWORD, now=T0)
    auth.authenticate(engine, "boss", "wrong-wrong-wrong", now=T0)
    auth.authenticate(engine, "stranger", "whatever-it-is", now=T0)
    auth.add_user(engine, "kim", PASSWORD, ["viewer"], actor="boss", now=T0)
    auth.set_roles(engine, "kim", ["manager"], actor="boss", now=T0)
    auth.set_disabled(engine, "kim", True, actor="boss", now=T0)
    auth.set_password(engine, "kim", "Another-Long-One", actor="boss", now=T0)
    assert _entries(engine)[::-1] == [
        ("cli:root", "account_add", {"username": "boss", "roles": "admin"}),
        ("boss", "login", {"source": "account", "address": "unknown"}),  # no client address given
        ("boss", "login_failed", {"known": True, "reason": "password", "address": "unknown"}),
        ("(unknown)", "login_failed", {"known": False, "address": "unknown"}),  # a mistyped name may be a password
        ("boss", "account_add", {"username": "kim", "roles": "viewer"}),
        ("boss", "account_roles", {"username": "kim", "roles": "manager"}),
        ("boss", "account_disable", {"username": "kim"}),
        ("boss", "account_password", {"username": "kim"}),
    ]


def test_no_password_or_hash_ever_reaches_the_log(engine):
    auth.add_user(engine, "boss", PASSWORD, ["admin"], actor="cli:root", now=T0)
    auth.authenticate(engine, "boss", PASSWORD + "typo", now=T0)
    text = " ".join(audit.read(engine)["detail"])
    assert PASSWORD not in text and "$argon2" not in text


# ---- retention -------------------------------------------------------------------------------------

# Two years before T0 (2025-03-10 09:00) is 2023-03-11 09:00: 2024 was a leap year, so 730 days, not two calendar years.
CUTOFF = datetime(2023, 3, 11, 9, 0)


def _aged_log(engine):
    """Three entries: one second older than 730 days, exactly 730 days old, one second younger."""
    for upload_id, at in enumerate((CUTOFF - timedelta(seconds=1), CUTOFF, CUTOFF + timedelta(seconds=1)), 1):
        audit.record(engine, "kim", "upload", {"upload_id": upload_id}, now=at)


def _upload_ids(engine):
    return sorted(d["upload_id"] for d in audit.details(audit.read(engine, AuditFilter(actions=("upload",)))))


def test_prune_deletes_only_entries_older_than_the_retention_and_records_how_many(engine):
    _aged_log(engine)
    done = audit.prune(engine, actor="cli:root", days=730, now=T0)
    assert (done.rows, done.days, done.before) == (1, 730, CUTOFF)
    assert _upload_ids(engine) == [2, 3]  # exactly 730 days old is not older than 730 days
    assert _entries(engine, actions=("audit_prune",)) == [("cli:root", "audit_prune", {"rows": 1, "days": 730})]


def test_a_retention_of_zero_keeps_everything(engine):
    _aged_log(engine)
    audit.record(engine, "kim", "upload", {"upload_id": 4}, now=T0 - timedelta(days=3650))
    done = audit.prune(engine, actor="cli:root", days=0, now=T0)
    assert (done.rows, done.before) == (0, None)
    assert _upload_ids(engine) == [1, 2, 3, 4]


def test_a_dry_run_counts_what_would_go_and_deletes_and_records_nothing(engine):
    _aged_log(engine)
    done = audit.prune(engine, actor="cli:root", days=1, now=T0, dry_run=True)
    assert done.rows == 3
    assert _upload_ids(engine) == [1, 2, 3]
    assert audit.read(engine, AuditFilter(actions=("audit_prune",))).empty


def test_the_retention_defaults_to_the_setting(engine, monkeypatch):
    _aged_log(engine)
    # 2023-03-11 09:00 is exactly 730 days before T0, so a 731-day retention keeps all three entries.
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "731")
    assert audit.prune(engine, actor="cli:root", now=T0).rows == 0
    monkeypatch.delenv("AUDIT_RETENTION_DAYS")
    assert audit.prune(engine, actor="cli:root", now=T0).rows == 1  # the default, 730 days
    assert _upload_ids(engine) == [2, 3]


def test_a_negative_retention_is_refused(engine):
    with pytest.raises(ValueError, match="0 days or more"):
        audit.prune(engine, actor="cli:root", days=-1, now=T0)
