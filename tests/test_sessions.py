"""Sign-in sessions of local accounts in the database: a hashed id, the ticket traded once, idle and maximum
age, sign-out, and a password change or a disabled account ending every session."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, inspect, text

from metrics.access import auth, sessions
from metrics.access.auth import Policy
from metrics.store import database
from tests.dbcheck import stored_text

pytestmark = pytest.mark.db
T0 = datetime(2025, 3, 10, 9, 0)
PASSWORD = "Pumpkin-Seventeen-42"
POLICY = Policy(idle_minutes=60, max_hours=8)


def _account(engine, name="kim", roles=("manager",)) -> str:
    return auth.add_user(engine, name, PASSWORD, roles, actor="test", now=T0, policy=POLICY)


def _signed_in(engine, name="kim", at=T0) -> str:
    """A session id as the browser gets it: a ticket issued at sign-in, traded at once at the route."""
    ticket = sessions.issue_ticket(engine, name, now=at)
    token, _ = sessions.redeem_ticket(engine, ticket, now=at, policy=POLICY)
    return token


def _resume(engine, token, minutes: float) -> sessions.Resumed:
    return sessions.resume(engine, token, now=T0 + timedelta(minutes=minutes), policy=POLICY)


# ---- what is stored ------------------------------------------------------------------------------------


def test_only_the_sha256_of_the_session_id_and_of_the_ticket_is_stored(engine):
    _account(engine)
    ticket = sessions.issue_ticket(engine, "kim", now=T0)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT token_hash FROM sign_in_sessions")).scalar_one() == \
            hashlib.sha256(ticket.encode()).hexdigest()
    token, _ = sessions.redeem_ticket(engine, ticket, now=T0, policy=POLICY)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT token_hash, ticket FROM sign_in_sessions")).one()
    assert (row.token_hash, bool(row.ticket)) == (hashlib.sha256(token.encode()).hexdigest(), False)
    assert len(token) >= 43 and token != ticket  # 256 random bits, URL-safe
    everything = stored_text(engine)
    assert token not in everything and ticket not in everything


def test_a_session_knows_its_account_its_start_and_its_end(engine):
    _account(engine, roles=("manager", "analyst"))
    ticket = sessions.issue_ticket(engine, "kim", now=T0)
    token, started = sessions.redeem_ticket(engine, ticket, now=T0 + timedelta(seconds=5), policy=POLICY)
    assert started.user == auth.User("kim", frozenset({"manager", "analyst"}), "account")
    assert (started.started_at, started.expires_at) == (T0 + timedelta(seconds=5), T0 + timedelta(hours=8, seconds=5))
    found = _resume(engine, token, 1)
    assert found.session.user.name == "kim" and found.ended == ""


# ---- the ticket ------------------------------------------------------------------------------------


def test_a_ticket_is_traded_once(engine):
    _account(engine)
    ticket = sessions.issue_ticket(engine, "kim", now=T0)
    assert sessions.redeem_ticket(engine, ticket, now=T0, policy=POLICY) is not None
    assert sessions.redeem_ticket(engine, ticket, now=T0, policy=POLICY) is None


def test_a_session_ended_elsewhere_the_instant_its_ticket_was_traded_opens_nothing(engine, monkeypatch):
    # Another process changes the password between the trade and the read-back of the new session
    # (both are their own transactions): the ticket is spent and nothing is signed in, with no crash.
    _account(engine)
    ticket = sessions.issue_ticket(engine, "kim", now=T0)
    read_back = sessions._lookup

    def password_changed_first(engine_, token):
        auth.set_password(engine_, "kim", "Another-Long-Password-7", actor="boss", now=T0, policy=POLICY)
        return read_back(engine_, token)

    monkeypatch.setattr(sessions, "_lookup", password_changed_first)
    assert sessions.redeem_ticket(engine, ticket, now=T0, policy=POLICY) is None
    monkeypatch.undo()
    assert sessions.redeem_ticket(engine, ticket, now=T0, policy=POLICY) is None  # spent all the same


def test_a_ticket_older_than_a_minute_is_worth_nothing(engine):
    _account(engine)
    ticket = sessions.issue_ticket(engine, "kim", now=T0)
    late = T0 + timedelta(seconds=sessions.TICKET_SECONDS)
    assert sessions.redeem_ticket(engine, ticket, now=late, policy=POLICY) is None


def test_a_ticket_is_not_a_session_id(engine):
    _account(engine)
    ticket = sessions.issue_ticket(engine, "kim", now=T0)
    assert _resume(engine, ticket, 0) == sessions.Resumed(None)
    assert sessions.end(engine, ticket) is None


def test_an_unknown_or_missing_id_opens_nothing(engine):
    _account(engine)
    _signed_in(engine)
    for token in ("", None, sessions.new_token()):
        assert _resume(engine, token, 1) == sessions.Resumed(None)


# ---- idle time and maximum age ----------------------------------------------------------------------------


def test_use_keeps_a_session_alive_and_an_hour_without_use_ends_it(engine):
    _account(engine)
    token = _signed_in(engine)
    # Used at 59 minutes: the idle hour counts again from there, so 59 + 60 is still alive...
    assert _resume(engine, token, 59).session.last_seen == T0 + timedelta(minutes=59)
    assert _resume(engine, token, 59 + 60).session is not None
    # ...and that use was noted too: another 61 minutes without use ends it, once, saying why and whose.
    assert _resume(engine, token, 59 + 60 + 61) == sessions.Resumed(None, "idle", "kim")
    assert _resume(engine, token, 59 + 60 + 61) == sessions.Resumed(None)


def test_the_last_use_is_written_at_most_once_a_minute(engine):
    _account(engine)
    token = _signed_in(engine)
    assert _resume(engine, token, 0.5).session.last_seen == T0  # 30 s later: not written
    assert _resume(engine, token, 1).session.last_seen == T0 + timedelta(minutes=1)


def test_a_busy_session_still_ends_eight_hours_after_sign_in(engine):
    _account(engine)
    token = _signed_in(engine)
    for minutes in range(30, 8 * 60, 30):  # a click every half hour
        assert _resume(engine, token, minutes).session is not None, minutes
    assert _resume(engine, token, 8 * 60) == sessions.Resumed(None, "max_age", "kim")


# ---- ending sessions ----------------------------------------------------------------------------------------


def test_signing_out_ends_that_session_only(engine):
    _account(engine)
    office, home = _signed_in(engine), _signed_in(engine)
    assert sessions.end(engine, office) == "kim"
    assert _resume(engine, office, 1).session is None
    assert _resume(engine, home, 1).session is not None
    assert sessions.end(engine, office) is None  # the second sign-out (another tab) finds nothing to end


def test_a_password_change_ends_every_session_of_the_account_and_no_other(engine):
    _account(engine)
    _account(engine, "boss", ("admin",))
    first, second, other = _signed_in(engine), _signed_in(engine), _signed_in(engine, "boss")
    pending = sessions.issue_ticket(engine, "kim", now=T0)
    auth.set_password(engine, "kim", "Another-Long-Password-7", actor="boss", now=T0, policy=POLICY)
    assert _resume(engine, first, 1).session is None and _resume(engine, second, 1).session is None
    assert sessions.redeem_ticket(engine, pending, now=T0, policy=POLICY) is None
    assert _resume(engine, other, 1).session.user.name == "boss"


def test_disabling_an_account_ends_its_sessions_and_enabling_it_brings_none_back(engine):
    _account(engine)
    _account(engine, "boss", ("admin",))
    token = _signed_in(engine)
    auth.set_disabled(engine, "kim", True, actor="boss", now=T0)
    auth.set_disabled(engine, "kim", False, actor="boss", now=T0)
    assert _resume(engine, token, 1).session is None


def test_a_session_of_an_account_disabled_behind_its_back_ends_at_the_next_use(engine):
    _account(engine)
    token = _signed_in(engine)
    with database.writing(engine) as conn:  # as another instance's older code, or a hand edit, would leave it
        conn.execute(text("UPDATE users SET disabled = :yes"), {"yes": True})
    assert _resume(engine, token, 1) == sessions.Resumed(None, "disabled", "kim")


def test_a_role_change_applies_at_the_next_use(engine):
    _account(engine)
    _account(engine, "boss", ("admin",))
    token = _signed_in(engine)
    auth.set_roles(engine, "kim", ["viewer"], actor="boss", now=T0)
    assert _resume(engine, token, 1).session.user.roles == frozenset({"viewer"})


def test_a_session_started_without_a_ticket_follows_the_same_rules(engine):
    _account(engine)
    token = sessions.start(engine, "kim", now=T0, policy=POLICY)
    assert _resume(engine, token, 30).session.user.name == "kim"
    assert _resume(engine, token, 30 + 61).ended == "idle"


# ---- schema ---------------------------------------------------------------------------------------------


def test_a_database_upgraded_from_0002_has_the_sessions_table_the_model_describes(database_url):
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from metrics.store import tables

    old = create_engine(database_url)
    with old.begin() as conn:
        command.upgrade(database._alembic_config(conn), "0002")
    old.dispose()
    upgraded = database.get_engine(database_url)
    assert "sign_in_sessions" in inspect(upgraded).get_table_names()
    with upgraded.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    assert [d for d in differences if "sign_in_sessions" in repr(d)] == []
