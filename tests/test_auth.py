"""Local accounts and sign-in: argon2 hashes, lockout, sessions, one failure message, modes, OIDC roles, the CLI."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from metrics import store
from metrics.access import auth, oidc
from metrics.access.auth import GENERIC_FAILURE, AccountError, Policy
from tests.dbcheck import stored_text

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2025, 3, 10, 9, 0)
PASSWORD = "Pumpkin-Seventeen-42"
POLICY = Policy(max_failures=3, lock_minutes=15, idle_minutes=60, max_hours=8, min_password_length=10)


def _add(engine, name="kim", roles=("manager",), password=PASSWORD):
    return auth.add_user(engine, name, password, roles, actor="test", now=T0, policy=POLICY)


def _login(engine, name, password, minutes=0.0):
    return auth.authenticate(engine, name, password, now=T0 + timedelta(minutes=minutes), policy=POLICY)


# ---- hashing -------------------------------------------------------------------------------------


def test_the_password_is_stored_as_an_argon2id_hash_and_nowhere_in_plain_text(engine):
    _add(engine, password="Very-Distinctive-Secret-99")
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM users").scalar_one()
    assert stored.startswith("$argon2id$")
    assert "Very-Distinctive-Secret-99" not in stored_text(engine)


def test_the_same_password_hashes_differently_each_time_and_verifies():
    first, second = auth.hash_password(PASSWORD), auth.hash_password(PASSWORD)
    assert first != second
    assert auth.verify_password(first, PASSWORD) and not auth.verify_password(first, PASSWORD + "x")


def test_a_username_is_kept_lower_case_and_a_short_password_is_refused(engine):
    assert _add(engine, name="  Kim.Lee@KWWA.or.kr ") == "kim.lee@kwwa.or.kr"
    with pytest.raises(AccountError):
        _add(engine, name="park", password="short")
    with pytest.raises(AccountError):
        _add(engine, name="kim.lee@kwwa.or.kr")  # exists


# ---- one message for every failure ------------------------------------------------------------------


def test_unknown_user_wrong_password_locked_and_disabled_get_the_same_message(engine):
    _add(engine, name="kim")
    _add(engine, name="lee")
    _add(engine, name="boss", roles=("admin",))
    auth.set_disabled(engine, "lee", True, actor="boss")
    for _ in range(POLICY.max_failures):
        _login(engine, "kim", "wrong-wrong-wrong")
    results = [
        _login(engine, "nobody", PASSWORD),  # unknown user
        _login(engine, "boss", "wrong-wrong-wrong"),  # wrong password
        _login(engine, "kim", PASSWORD, minutes=1),  # locked, even with the right password
        _login(engine, "lee", PASSWORD),  # disabled, even with the right password
    ]
    assert [(r.user, r.message) for r in results] == [(None, GENERIC_FAILURE)] * 4


def test_an_unknown_user_costs_one_argon2_verification_against_the_dummy_hash(engine, monkeypatch):
    checked = []
    real = auth.verify_password
    monkeypatch.setattr(
        auth, "verify_password", lambda encoded, pw: checked.append(encoded) or real(encoded, pw)
    )
    _login(engine, "nobody", PASSWORD)
    assert checked == [auth._dummy_hash()]
    assert checked[0].startswith("$argon2id$")


# ---- lockout -----------------------------------------------------------------------------------------


def test_the_account_locks_after_n_failures_and_opens_again_after_the_period(engine):
    _add(engine)
    for minute in range(POLICY.max_failures):
        assert _login(engine, "kim", "wrong-wrong-wrong", minutes=minute).user is None
    assert _login(engine, "kim", PASSWORD, minutes=3).user is None  # locked until 09:17
    assert _login(engine, "kim", PASSWORD, minutes=2 + 14.9).user is None
    assert _login(engine, "kim", PASSWORD, minutes=2 + 15.1).user == auth.User(
        "kim", frozenset({"manager"}), "account"
    )


def test_a_success_resets_the_failure_count(engine):
    _add(engine)
    _login(engine, "kim", "wrong-wrong-wrong")
    _login(engine, "kim", "wrong-wrong-wrong")
    assert _login(engine, "kim", PASSWORD, minutes=1).user is not None
    _login(engine, "kim", "wrong-wrong-wrong", minutes=2)
    _login(engine, "kim", "wrong-wrong-wrong", minutes=2)
    assert (
        _login(engine, "kim", PASSWORD, minutes=3).user is not None
    )  # 2 failures since the success: not locked


def test_a_password_reset_lifts_the_lock(engine):
    _add(engine)
    for _ in range(POLICY.max_failures):
        _login(engine, "kim", "wrong-wrong-wrong")
    auth.set_password(engine, "kim", "Another-Good-Password", actor="admin", now=T0, policy=POLICY)
    assert _login(engine, "kim", "Another-Good-Password", minutes=1).user is not None


# ---- sessions ----------------------------------------------------------------------------------------


def test_a_session_ends_after_the_idle_period(engine):
    _add(engine)
    session = auth.start_session(_login(engine, "kim", PASSWORD).user, now=T0)
    touched = auth.refresh_session(engine, session, now=T0 + timedelta(minutes=59), policy=POLICY)
    assert touched.last_seen == T0 + timedelta(minutes=59)
    assert auth.refresh_session(engine, touched, now=T0 + timedelta(minutes=59 + 61), policy=POLICY) is None


def test_a_session_ends_after_the_absolute_limit_however_busy(engine):
    _add(engine)
    session = auth.start_session(_login(engine, "kim", PASSWORD).user, now=T0)
    for hours in range(1, 9):  # a click every hour keeps it from idling
        session = auth.refresh_session(
            engine, session, now=T0 + timedelta(hours=hours) - timedelta(minutes=1), policy=POLICY
        )
        assert session is not None
    assert (
        auth.refresh_session(engine, session, now=T0 + timedelta(hours=8, minutes=1), policy=POLICY) is None
    )


def test_a_session_follows_role_changes_and_ends_when_the_account_is_disabled(engine):
    _add(engine, name="boss", roles=("admin",))
    _add(engine)
    session = auth.start_session(_login(engine, "kim", PASSWORD).user, now=T0)
    auth.set_roles(engine, "kim", ["analyst", "manager"], actor="boss")
    session = auth.refresh_session(engine, session, now=T0, policy=POLICY)
    assert session.user.roles == {"analyst", "manager"}
    auth.set_disabled(engine, "kim", True, actor="boss")
    assert auth.refresh_session(engine, session, now=T0, policy=POLICY) is None


def test_policy_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LOGIN_MAX_FAILURES", "7")
    monkeypatch.setenv("SESSION_MAX_HOURS", "4")
    policy = Policy.from_env()
    assert (policy.max_failures, policy.max_hours, policy.lock_minutes) == (7, 4.0, 15.0)


# ---- roles and modes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ({"viewer"}, {"viewer"}),
        ({"manager"}, {"viewer", "manager"}),
        ({"analyst"}, {"viewer", "analyst"}),
        ({"manager", "analyst"}, {"viewer", "manager", "analyst"}),
        ({"admin"}, {"viewer", "manager", "analyst", "admin"}),
        (set(), set()),
    ],
)
def test_what_each_role_grants(roles, expected):
    user = auth.User("x", frozenset(roles), "account")
    assert {r for r in auth.ROLES if user.has(r)} == expected


def test_local_mode_until_an_account_exists_even_a_disabled_one(engine):
    assert auth.access_mode(engine, oidc_configured=False) == "local"
    _add(engine, name="boss", roles=("admin",))
    _add(engine)
    auth.set_disabled(engine, "kim", True, actor="boss")
    assert auth.access_mode(engine, oidc_configured=False) == "accounts"
    assert auth.access_mode(engine, oidc_configured=True) == "oidc"


def test_an_identity_provider_closes_local_mode_even_without_accounts(engine):
    assert auth.access_mode(engine, oidc_configured=True) == "oidc"


def test_the_last_enabled_admin_can_be_neither_disabled_nor_demoted(engine):
    _add(engine, name="boss", roles=("admin",))
    with pytest.raises(AccountError):
        auth.set_disabled(engine, "boss", True, actor="boss")
    with pytest.raises(AccountError):
        auth.set_roles(engine, "boss", ["viewer"], actor="boss")
    _add(engine, name="deputy", roles=("admin",))
    auth.set_roles(engine, "boss", ["viewer"], actor="deputy")  # another admin remains


# ---- identity provider role mapping -------------------------------------------------------------------

ROLE_MAP = oidc.role_map_from_dict(
    {
        "emails": {"Kim@KWWA.or.kr": ["admin"]},
        "groups": {"charter-managers": ["manager"], "charter-analysts": "analyst"},
        "domains": {"kwwa.or.kr": ["viewer"]},
    }
)


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"email": "kim@kwwa.or.kr"}, {"admin", "viewer"}),
        ({"email": "KIM@kwwa.or.kr", "email_verified": True}, {"admin", "viewer"}),
        ({"email": "park@kwwa.or.kr"}, {"viewer"}),
        ({"email": "park@kwwa.or.kr", "groups": ["charter-managers", "other"]}, {"viewer", "manager"}),
        ({"email": "ext@example.com", "groups": "charter-analysts"}, {"analyst"}),
        ({"email": "ext@example.com"}, set()),
        ({"email": "kim@kwwa.or.kr", "email_verified": False}, set()),  # an unverified address grants nothing
        ({"email": "kim@sub.kwwa.or.kr"}, set()),  # domains match exactly
    ],
)
def test_identity_provider_roles_come_from_emails_groups_and_domains(claims, expected):
    assert oidc.roles_for_claims(claims, ROLE_MAP) == expected


def test_the_groups_claim_name_is_configurable():
    role_map = oidc.role_map_from_dict({"groups_claim": "roles", "groups": {"dash-admins": ["admin"]}})
    assert oidc.oidc_user({"email": "a@x.kr", "roles": ["dash-admins"]}, role_map).roles == {"admin"}


def test_an_unknown_role_in_roles_toml_is_refused_by_name():
    with pytest.raises(AccountError, match="superuser"):
        oidc.role_map_from_dict({"emails": {"kim@kwwa.or.kr": ["superuser"]}})


def test_the_shipped_roles_file_grants_nobody_anything():
    role_map = oidc.load_role_map(ROOT / "metrics" / "config" / "roles.toml")
    assert (role_map.emails, role_map.groups, role_map.domains) == ({}, {}, {})


def test_the_session_of_an_identity_provider_login_starts_when_the_token_was_issued():
    issued = datetime(2025, 3, 10, 9, 0)  # UTC, as every session time
    assert oidc.oidc_started_at({"iat": int(issued.replace(tzinfo=UTC).timestamp())}) == issued
    assert oidc.oidc_started_at({}) is None


# ---- command line ------------------------------------------------------------------------------------


def test_cli_user_add_reads_the_password_from_stdin_and_the_user_can_log_in(database_url):
    url = database_url
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "metrics.cli.users",
            "user",
            "add",
            "Kim",
            "--role",
            "admin",
            "--role",
            "analyst",
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    engine = store.get_engine(url)
    try:
        user = auth.authenticate(engine, "kim", PASSWORD).user
        assert user == auth.User("kim", frozenset({"admin", "analyst"}), "account")
    finally:
        engine.dispose()
        store._engines.pop(url, None)


def test_cli_user_list_disable_and_passwd(engine, monkeypatch, capsys):
    from metrics.cli import users as cli_users

    monkeypatch.setattr(store, "get_engine", lambda url=None: engine)
    _add(engine, name="boss", roles=("admin",))
    _add(engine)
    assert cli_users.main(["user", "list"]) == 0
    assert "kim" in capsys.readouterr().out
    assert cli_users.main(["user", "disable", "kim"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("A-New-Long-Password\n"))
    assert cli_users.main(["user", "passwd", "kim"]) == 0
    assert cli_users.main(["user", "disable", "boss"]) == 1  # the last admin
    assert "last enabled admin" in capsys.readouterr().err
    assert auth.authenticate(engine, "kim", "A-New-Long-Password").user is None  # still disabled
