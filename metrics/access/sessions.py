"""Sign-in sessions of local accounts, kept in the database so that a reload or a new tab stays signed in.

The browser holds a random session id (256 bits) in an HttpOnly cookie; the `sign_in_sessions` row holds its
SHA-256 with the account, the expiry and the last use, so the database alone signs nobody in. A session ends
at sign-out, after SESSION_IDLE_MINUTES without use, SESSION_MAX_HOURS after it began, when the password is
changed or the account disabled (metrics.access.auth ends them there).

The app runs inside a websocket and cannot set an HttpOnly cookie itself, so a sign-in hands the browser a
one-time ticket (hashed the same way, valid TICKET_SECONDS), and a small route on the server (ui.session_routes)
exchanges it for the session id in a Set-Cookie. Times are UTC (metrics.clock.utc_now), naive like every stored moment; every
function takes `now` for tests.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, delete, select, update

from metrics import clock
from metrics.access.auth import Policy, User, session_limit_reached
from metrics.access.tables import ensure_tables, sign_in_sessions, users
from metrics.store import database
from metrics.store.database import AnyRow

TICKET_SECONDS = 60
# The last use is written at most this often: a click is a read, not a write that waits behind an import.
# Idle time is therefore counted up to this much early.
TOUCH_SECONDS = 60
_s = sign_in_sessions.c


@dataclass(frozen=True)
class SignIn:
    """A live session: whose, since when, last seen when, and when it ends however busy."""

    user: User
    started_at: datetime
    last_seen: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Resumed:
    """What a session id gave: the session, or why it ended just now ("idle", "max_age", "disabled")."""

    session: SignIn | None
    ended: str = ""  # empty when the session is live or was not there at all (unknown, or already ended)
    username: str = ""  # whose session ended, for the audit log


def new_token() -> str:
    """A fresh random id (256 bits, URL-safe): a session id or a ticket."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a session id or ticket: its SHA-256 in hex (the id is random, so no salt)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_ticket(engine: Engine, username: str, *, now: datetime | None = None) -> str:
    """A one-time ticket for `username`, valid TICKET_SECONDS; the browser trades it for the session cookie."""
    now = now or clock.utc_now()
    return _insert(engine, username, ticket=True, now=now, expires_at=now + timedelta(seconds=TICKET_SECONDS))


def redeem_ticket(engine: Engine, ticket: str, *, now: datetime | None = None,
                  policy: Policy | None = None) -> tuple[str, SignIn] | None:
    """Trade a ticket, once, for a new session id and its session; None when it is unknown, used or too old."""
    now, policy = now or clock.utc_now(), policy or Policy.from_env()
    ensure_tables(engine)
    token = new_token()
    expires = now + timedelta(hours=policy.max_hours)
    with database.writing(engine) as conn:
        # One statement: of two browsers presenting the same ticket, exactly one gets the session.
        done = conn.execute(
            update(sign_in_sessions)
            .where(_s.token_hash == token_hash(ticket or ""), _s.ticket.is_(True), _s.expires_at > now)
            .values(token_hash=token_hash(token), ticket=False, created_at=now, last_seen_at=now, expires_at=expires)
        )
        if done.rowcount != 1:
            return None
    found = _lookup(engine, token)
    if found is None:  # ended in the instant since, by another process (a password change, a disabled account)
        return None
    return token, SignIn(_user(found), now, now, expires)


def start(engine: Engine, username: str, *, now: datetime | None = None, policy: Policy | None = None) -> str:
    """A session at once, without a ticket, for an app that has no route to set the cookie (AppTest, or
    `streamlit run app.py` without ui.serve): the caller keeps the id in server memory for one tab."""
    now, policy = now or clock.utc_now(), policy or Policy.from_env()
    return _insert(engine, username, ticket=False, now=now, expires_at=now + timedelta(hours=policy.max_hours))


def resume(engine: Engine, token: str | None, *, now: datetime | None = None,
           policy: Policy | None = None) -> Resumed:
    """The session `token` names, its account re-read (roles, disabled) and its last use noted; an ended
    session is deleted and says why."""
    if not token:
        return Resumed(None)
    now, policy = now or clock.utc_now(), policy or Policy.from_env()
    ensure_tables(engine)
    row = _lookup(engine, token)
    if row is None:
        return Resumed(None)
    reason = ended_reason(row.disabled, row.expires_at, row.last_seen_at, now, policy)
    if reason:
        # Only the run that removed the row reports the end, so two tabs do not both record it.
        return Resumed(None, reason, row.username) if _delete_id(engine, row.id) else Resumed(None)
    last_seen = row.last_seen_at
    if now - last_seen >= timedelta(seconds=TOUCH_SECONDS):
        with database.writing(engine) as conn:
            conn.execute(update(sign_in_sessions).where(_s.id == row.id).values(last_seen_at=now))
        last_seen = now
    return Resumed(SignIn(_user(row), row.created_at, last_seen, row.expires_at))


def ended_reason(disabled: bool, expires_at: datetime, last_seen: datetime, now: datetime, policy: Policy) -> str:
    """Why a session is over at `now` ("disabled", "max_age", "idle"), or "" while it lasts."""
    return "disabled" if disabled else session_limit_reached(last_seen, expires_at, now, policy)


def end(engine: Engine, token: str | None) -> str | None:
    """End the session `token` names (sign-out); returns whose it was, or None when there was none."""
    if not token:
        return None
    ensure_tables(engine)
    row = _lookup(engine, token)
    if row is None or not _delete_id(engine, row.id):
        return None
    username: str = row.username
    return username


def end_all_in(conn: Connection, user_id: int) -> int:
    """End every session and ticket of an account inside the caller's transaction (password change, disable);
    returns how many."""
    return conn.execute(delete(sign_in_sessions).where(_s.user_id == user_id)).rowcount


def _insert(engine: Engine, username: str, *, ticket: bool, now: datetime, expires_at: datetime) -> str:
    ensure_tables(engine)
    token = new_token()
    with database.writing(engine) as conn:
        user_id = conn.execute(select(users.c.id).where(users.c.username == username)).scalar_one()
        conn.execute(delete(sign_in_sessions).where(_s.expires_at <= now))  # the ended ones, as we go
        conn.execute(sign_in_sessions.insert().values(
            token_hash=token_hash(token), user_id=user_id, ticket=ticket, created_at=now, last_seen_at=now,
            expires_at=expires_at,
        ))
    return token


def _lookup(engine: Engine, token: str) -> AnyRow | None:
    query = (
        select(_s.id, _s.created_at, _s.last_seen_at, _s.expires_at, users.c.username, users.c.roles,
               users.c.disabled)
        .join(users, users.c.id == _s.user_id)
        .where(_s.token_hash == token_hash(token), _s.ticket.is_(False))
    )
    with engine.connect() as conn:
        return conn.execute(query).first()


def _delete_id(engine: Engine, session_id: int) -> bool:
    with database.writing(engine) as conn:
        return conn.execute(delete(sign_in_sessions).where(_s.id == session_id)).rowcount == 1


def _user(row: AnyRow) -> User:
    return User(row.username, frozenset(row.roles.split()), "account")
