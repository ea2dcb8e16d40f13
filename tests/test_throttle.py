"""Sign-in throttling by client address: too many recent failures from one address refuse it, unchecked."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from metrics.access import audit, auth, throttle
from metrics.access.auth import GENERIC_FAILURE, THROTTLED, Policy

T0 = datetime(2025, 3, 10, 9, 0)
PASSWORD = "Pumpkin-Seventeen-42"
# Three failures within 15 minutes refuse an address; the account lockout needs 5 on one account.
POLICY = Policy(max_failures=5, lock_minutes=15, throttle_failures=3, throttle_minutes=15)
HOME, OTHER = "10.0.0.1", "10.0.0.2"


@pytest.fixture
def kim(engine):
    auth.add_user(engine, "kim", PASSWORD, ["viewer"], actor="test", now=T0, policy=POLICY)
    return engine


def _login(engine, name, password, address=HOME, minutes=0.0, policy=POLICY):
    when = T0 + timedelta(minutes=minutes)
    return auth.authenticate(engine, name, password, address=address, now=when, policy=policy)


def _spray(engine, address=HOME, minutes=(0, 1, 2)):
    """One failure per minute given, each with a different unknown name, as a guesser of names would."""
    for i, minute in enumerate(minutes):
        assert _login(engine, f"guess{i}", "wrong-wrong-wrong", address, minute).message == GENERIC_FAILURE


def test_an_address_that_failed_too_often_is_refused_even_for_a_right_password(kim):
    _spray(kim)  # 3 failures at 09:00, 09:01, 09:02: the limit
    result = _login(kim, "kim", PASSWORD, minutes=3)
    assert (result.user, result.message, result.throttled) == (None, THROTTLED, True)


def test_an_address_below_the_limit_still_signs_in(kim):
    _spray(kim, minutes=(0, 1))  # 2 failures, one short of the limit
    assert _login(kim, "kim", PASSWORD, minutes=2).user is not None


def test_the_throttle_forgets_failures_older_than_its_window(kim):
    _spray(kim)  # 09:00, 09:01, 09:02
    assert _login(kim, "kim", PASSWORD, minutes=14.9).throttled  # all three within 15 minutes
    # At 09:15 the 09:00 failure is 15 minutes old, out of the window: 2 remain, below the limit.
    assert _login(kim, "kim", PASSWORD, minutes=15).user is not None


def test_other_addresses_are_not_throttled(kim):
    _spray(kim, address=HOME)
    assert _login(kim, "kim", PASSWORD, address=OTHER, minutes=3).user is not None
    assert _login(kim, "kim", PASSWORD, address=HOME, minutes=3).throttled


def test_a_successful_sign_in_clears_no_address_not_even_its_own(kim):
    _spray(kim, address=HOME, minutes=(0, 1))
    _spray(kim, address=OTHER, minutes=(0, 1))
    assert _login(kim, "kim", PASSWORD, address=HOME, minutes=2).user is not None
    # Otherwise a guesser with one account of their own could sign in now and then to start afresh.
    _login(kim, "nobody", "wrong-wrong-wrong", address=HOME, minutes=3)
    _login(kim, "nobody", "wrong-wrong-wrong", address=OTHER, minutes=3)
    assert _login(kim, "kim", PASSWORD, address=HOME, minutes=4).throttled
    assert _login(kim, "kim", PASSWORD, address=OTHER, minutes=4).throttled


def test_a_throttled_attempt_does_not_check_the_password(kim, monkeypatch):
    _spray(kim)
    checked = []
    monkeypatch.setattr(auth, "verify_password", lambda encoded, pw: checked.append(encoded) or True)
    _login(kim, "kim", PASSWORD, minutes=3)
    _login(kim, "nobody", "wrong-wrong-wrong", minutes=3)  # the dummy hash is not checked either
    assert checked == []
    _login(kim, "kim", PASSWORD, address=OTHER, minutes=3)
    assert len(checked) == 1  # the counter works: an address that is not throttled is checked


def test_a_throttled_attempt_neither_counts_against_the_account_nor_extends_the_refusal(kim):
    _spray(kim)  # 09:00, 09:01, 09:02
    for minute in range(3, 10):  # seven refused attempts with a wrong password
        assert _login(kim, "kim", "wrong-wrong-wrong", minutes=minute).throttled
    # 09:16: only the 09:01 and 09:02 failures are in the window; kim was never locked (0 of 5 failures).
    assert _login(kim, "kim", PASSWORD, minutes=16).user is not None


def test_clients_without_an_address_share_one_count(kim):
    assert throttle.address_key(None) == throttle.address_key("  ") == throttle.UNKNOWN_ADDRESS
    _spray(kim, address=None)
    assert _login(kim, "kim", PASSWORD, address="", minutes=3).throttled
    assert _login(kim, "kim", PASSWORD, address=HOME, minutes=3).user is not None


def test_throttled_attempts_are_audited_with_the_address_and_no_password(kim):
    _spray(kim)
    _login(kim, "Kim", PASSWORD, minutes=3)
    _login(kim, "stranger", PASSWORD, minutes=4)
    frame = audit.read(kim, audit.AuditFilter(actions=("login_throttled",)))
    entries = list(zip(frame["actor"], audit.details(frame), strict=True))
    assert entries == [
        ("(unknown)", {"address": HOME, "known": False}),
        ("kim", {"address": HOME, "known": True}),
    ]
    assert PASSWORD not in " ".join(audit.read(kim)["detail"])


def test_old_failures_are_deleted_as_new_ones_are_recorded(kim):
    _spray(kim, address=HOME, minutes=(0, 1))
    _spray(kim, address=OTHER, minutes=(2,))
    assert throttle.failures_kept(kim) == 3
    # At 09:16 the window starts at 09:01: the 09:00 and 09:01 failures go, the 09:02 one and the new one stay.
    _login(kim, "nobody", "wrong-wrong-wrong", address=HOME, minutes=16)
    assert throttle.failures_kept(kim) == 2


def test_a_throttle_limit_of_zero_turns_it_off(kim):
    off = Policy(max_failures=5, throttle_failures=0)
    for minute in range(4):
        _login(kim, f"guess{minute}", "wrong-wrong-wrong", minutes=minute, policy=off)
    assert _login(kim, "kim", PASSWORD, minutes=5, policy=off).user is not None


def test_the_throttle_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LOGIN_THROTTLE_FAILURES", "50")
    monkeypatch.setenv("LOGIN_THROTTLE_MINUTES", "2.5")
    policy = Policy.from_env()
    assert (policy.throttle_failures, policy.throttle_minutes) == (50, 2.5)
    monkeypatch.delenv("LOGIN_THROTTLE_FAILURES")
    monkeypatch.delenv("LOGIN_THROTTLE_MINUTES")
    assert (Policy.from_env().throttle_failures, Policy.from_env().throttle_minutes) == (20, 15)


def test_sign_ins_and_failures_are_audited_with_the_client_address(kim):
    _login(kim, "kim", "wrong-wrong-wrong", address=OTHER)
    _login(kim, "nobody", "wrong-wrong-wrong", address=OTHER)
    _login(kim, "kim", PASSWORD, address=HOME)
    frame = audit.read(kim, audit.AuditFilter(actions=("login", "login_failed")))
    entries = sorted((actor, d["address"]) for actor, d in zip(frame["actor"], audit.details(frame), strict=True))
    assert entries == [("(unknown)", OTHER), ("kim", HOME), ("kim", OTHER)]
