"""Who may do what: roles, local accounts (argon2 hashes), login with lockout and throttling, session limits.

Every failed login gets the same message and the same work (one argon2 verification, against a dummy
hash for an unknown name), so neither the text nor the time tells a guesser which part was wrong.
A client address with too many recent failures (metrics.access.throttle) is refused before any of that, with
its own message and no verification at all, whatever the name and password.
Times are UTC without a zone mark, like every stored moment (metrics.clock); every function takes `now` for tests.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, func, select

from metrics import clock
from metrics.access import audit, throttle
from metrics.access.tables import ensure_tables, users
from metrics.messages import CharterError, Message
from metrics.store import database
from metrics.store.database import AnyRow

ROLES = ("viewer", "manager", "analyst", "admin")
GENERIC_FAILURE = Message(
    "아이디 또는 비밀번호가 맞지 않거나 지금은 로그인할 수 없습니다.",
    "Wrong username or password, or this account cannot sign in now.", code="sign_in_failed",
)
# For an address refused by the throttle: it says nothing about the account, only to wait.
THROTTLED = Message("로그인 시도가 너무 많습니다. 잠시 후 다시 시도하세요.", "Too many sign-in attempts. Try again later.",
                    code="throttled")
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,99}$")
LOCAL_MODE_NAME = "local"


class AccountError(CharterError, ValueError):
    """An account change was refused; the message says why, in Korean and English."""


@dataclass(frozen=True)
class User:
    """Someone signed in: a local account, an identity-provider user, or the local-mode operator."""

    name: str  # username or e-mail: what the audit log records as the actor
    roles: frozenset[str]
    source: str  # "account", "oidc" or "local"

    def has(self, role: str) -> bool:
        """Whether the user holds `role`: admin holds every role, any role includes viewing."""
        return has_role(self.roles, role)


def has_role(roles: frozenset[str] | set[str], role: str) -> bool:
    """Whether `roles` grant `role` (admin can grant itself anything, so it holds everything)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; known: {', '.join(ROLES)}")
    return "admin" in roles or role in roles or (role == "viewer" and bool(roles & set(ROLES)))


@dataclass(frozen=True)
class Policy:
    """Lockout, throttle, session and password rules; each has an environment variable (POLICY_ENV)."""

    max_failures: int = 5
    lock_minutes: float = 15
    throttle_failures: int = 20  # failed sign-ins from one address within throttle_minutes; 0 turns it off
    throttle_minutes: float = 15
    idle_minutes: float = 120
    max_hours: float = 8
    min_password_length: int = 10

    @classmethod
    def from_env(cls) -> Policy:
        """The defaults, overridden by each variable of POLICY_ENV that is set."""
        values: dict[str, Any] = {field: kind(os.environ[name]) for field, name, kind in POLICY_ENV if name in os.environ}
        return cls(**values)


# Each Policy field, the environment variable that sets it, and how its text is read.
POLICY_ENV = (
    ("max_failures", "LOGIN_MAX_FAILURES", int),
    ("lock_minutes", "LOGIN_LOCK_MINUTES", float),
    ("throttle_failures", "LOGIN_THROTTLE_FAILURES", int),
    ("throttle_minutes", "LOGIN_THROTTLE_MINUTES", float),
    ("idle_minutes", "SESSION_IDLE_MINUTES", float),
    ("max_hours", "SESSION_MAX_HOURS", float),
    ("min_password_length", "PASSWORD_MIN_LENGTH", int),
)


# ---- passwords -------------------------------------------------------------------------------

@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's current recommended parameters


@cache
def _dummy_hash() -> str:
    return _hasher().hash("not a password: timing equaliser for unknown names")


def hash_password(password: str) -> str:
    """The argon2id encoded hash of `password` (salted: the same password hashes differently each time)."""
    return _hasher().hash(password)


def verify_password(encoded: str, password: str) -> bool:
    """Whether `password` matches the argon2 hash `encoded`."""
    try:
        return _hasher().verify(encoded, password)
    except (VerificationError, InvalidHashError):
        return False


def normalise_username(name: str) -> str:
    """The stored form of a username: trimmed and lower-case; AccountError if it has odd characters."""
    clean = (name or "").strip().lower()
    if not USERNAME_PATTERN.match(clean):
        raise AccountError(
            "아이디는 영문 소문자·숫자·. _ @ - 로 2~100자", "a username is 2-100 of a-z 0-9 . _ @ -"
        )
    return clean


def check_password(username: str, password: str, policy: Policy) -> None:
    """AccountError when a new password is too short or is the username."""
    if len(password) < policy.min_password_length:
        raise AccountError(
            f"비밀번호는 {policy.min_password_length}자 이상", f"a password needs at least {policy.min_password_length} characters"
        )
    if password.strip().lower() == username:
        raise AccountError("비밀번호가 아이디와 같습니다", "the password must differ from the username")


def clean_roles(roles: Iterable[str]) -> frozenset[str]:
    """The roles as a set, each a known role and at least one; AccountError otherwise."""
    found = frozenset(r.strip().lower() for r in roles if r and r.strip())
    unknown = sorted(found - set(ROLES))
    if unknown or not found:
        raise AccountError(f"역할은 {', '.join(ROLES)} 중에서", f"roles must be among {', '.join(ROLES)}: {unknown or 'none given'}")
    return found


def _roles_text(roles: frozenset[str]) -> str:
    return " ".join(r for r in ROLES if r in roles)


# ---- accounts --------------------------------------------------------------------------------

def account_count(engine: Engine) -> int:
    """How many local accounts exist, disabled ones included (they still close local mode)."""
    ensure_tables(engine)
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def access_mode(engine: Engine, oidc_configured: bool) -> str:
    """"oidc" with an identity provider, else "accounts" once any account exists, else "local"."""
    if oidc_configured:
        return "oidc"
    return "accounts" if account_count(engine) else "local"


def add_user(engine: Engine, username: str, password: str, roles: Iterable[str], *, actor: str,
             now: datetime | None = None, policy: Policy | None = None) -> str:
    """Create a local account; returns the stored username. AccountError if it exists or is invalid."""
    ensure_tables(engine)
    name, role_set = normalise_username(username), clean_roles(roles)
    check_password(name, password, policy or Policy.from_env())
    now = now or clock.utc_now()
    with database.writing(engine) as conn:
        if conn.execute(select(users.c.id).where(users.c.username == name)).first():
            raise AccountError("이미 있는 아이디입니다", f"the account '{name}' already exists")
        conn.execute(users.insert().values(
            username=name, password_hash=hash_password(password), roles=_roles_text(role_set), disabled=False,
            failed_count=0, created_at=now, password_changed_at=now,
        ))
        audit.record_in(conn, actor, "account_add", {"username": name, "roles": _roles_text(role_set)}, now=now)
    return name


def list_users(engine: Engine) -> pd.DataFrame:
    """Every account without its hash: username, roles, disabled, locked_until, created and last login."""
    ensure_tables(engine)
    c = users.c
    query = select(c.username, c.roles, c.disabled, c.locked_until, c.created_at, c.last_login_at).order_by(c.username)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=[col.name for col in query.selected_columns])


def set_roles(
    engine: Engine, username: str, roles: Iterable[str], *, actor: str, now: datetime | None = None
) -> None:
    """Replace an account's roles (refused when it would leave no active admin)."""
    role_set = clean_roles(roles)
    ensure_tables(engine)  # before the transaction: creating tables needs its own
    with database.writing(engine) as conn:
        row = _account(conn, username)
        if "admin" not in role_set:
            _keep_an_admin(conn, row)
        conn.execute(users.update().where(users.c.id == row.id).values(roles=_roles_text(role_set)))
        audit.record_in(conn, actor, "account_roles", {"username": row.username, "roles": _roles_text(role_set)}, now=now)


def set_disabled(
    engine: Engine, username: str, disabled: bool, *, actor: str, now: datetime | None = None
) -> None:
    """Disable or re-enable an account (disabling the last active admin is refused; disabling ends its sessions)."""
    ensure_tables(engine)  # before the transaction: creating tables needs its own
    with database.writing(engine) as conn:
        row = _account(conn, username)
        if disabled:
            _keep_an_admin(conn, row)
        conn.execute(users.update().where(users.c.id == row.id).values(disabled=disabled, failed_count=0, locked_until=None))
        if disabled:
            _end_sessions(conn, row.id)
        action = "account_disable" if disabled else "account_enable"
        audit.record_in(conn, actor, action, {"username": row.username}, now=now)


def set_password(engine: Engine, username: str, password: str, *, actor: str,
                 now: datetime | None = None, policy: Policy | None = None) -> None:
    """Set a new password (a reset by an admin or the CLI); also lifts a lockout and ends the account's sessions."""
    now = now or clock.utc_now()
    ensure_tables(engine)  # before the transaction: creating tables needs its own
    with database.writing(engine) as conn:
        row = _account(conn, username)
        check_password(row.username, password, policy or Policy.from_env())
        conn.execute(users.update().where(users.c.id == row.id).values(
            password_hash=hash_password(password), password_changed_at=now, failed_count=0, locked_until=None,
        ))
        _end_sessions(conn, row.id)  # whoever knew the old password is signed out everywhere
        audit.record_in(conn, actor, "account_password", {"username": row.username}, now=now)


def _end_sessions(conn: Connection, user_id: int) -> None:
    from metrics.access import sessions

    sessions.end_all_in(conn, user_id)


def _account(conn: Connection, username: str) -> AnyRow:
    row = conn.execute(select(users).where(users.c.username == (username or "").strip().lower())).first()
    if row is None:
        raise AccountError("없는 아이디입니다", f"no account '{username}'")
    return row


def _keep_an_admin(conn: Connection, leaving: AnyRow) -> None:
    """Refuse a change that leaves no enabled admin account: nobody could manage accounts any more."""
    if leaving.disabled or "admin" not in leaving.roles.split():
        return
    others = conn.execute(
        select(users.c.roles).where(users.c.id != leaving.id, users.c.disabled.is_(False))
    ).scalars()
    if not any("admin" in roles.split() for roles in others):
        raise AccountError("마지막 관리자 계정입니다", "this is the last enabled admin account: make another admin first")


# ---- login -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login attempt: the user, or None and the message (one for every failure, or THROTTLED)."""

    user: User | None
    message: Message | None = None
    throttled: bool = False  # refused because of the client's address, before anything was checked


def authenticate(engine: Engine, username: str, password: str, *, address: str | None = None,
                 now: datetime | None = None, policy: Policy | None = None) -> LoginResult:
    """Check a local login from the client `address` (None: unknown), counting failures per account and per
    address; an address with too many recent failures is refused unchecked. Every attempt is audited."""
    ensure_tables(engine)
    now, policy = now or clock.utc_now(), policy or Policy.from_env()
    name = (username or "").strip().lower()
    if throttle.refused(engine, address, now=now, max_failures=policy.throttle_failures,
                        window_minutes=policy.throttle_minutes):
        return _throttled(engine, name, address, now)
    result = _check_login(engine, name, password, now, policy, throttle.address_key(address))
    if result.user is None:
        throttle.record_failure(engine, address, now=now, window_minutes=policy.throttle_minutes)
    return result


def _throttled(engine: Engine, name: str, address: str | None, now: datetime) -> LoginResult:
    """Refuse without verifying the password, so a throttled guesser learns nothing, not even from the time."""
    with engine.connect() as conn:
        known = conn.execute(select(users.c.id).where(users.c.username == name)).first() is not None
    detail = {"address": throttle.address_key(address), "known": known}
    audit.record(engine, name if known else "(unknown)", "login_throttled", detail, now=now)
    return LoginResult(None, THROTTLED, throttled=True)


def _check_login(engine: Engine, name: str, password: str, now: datetime, policy: Policy,
                 address: str) -> LoginResult:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.username == name)).first()
    if row is None:
        verify_password(_dummy_hash(), password)  # the same work as a real check
        audit.record(engine, "(unknown)", "login_failed", {"known": False, "address": address}, now=now)
        return LoginResult(None, GENERIC_FAILURE)
    matches = verify_password(row.password_hash, password)
    locked = row.locked_until is not None and row.locked_until > now
    if matches and not locked and not row.disabled:
        return LoginResult(_succeed(engine, row, password, now, address))
    reason = "disabled" if row.disabled else "locked" if locked else "password"
    if reason == "password":
        _count_failure(engine, row.id, now, policy)
    audit.record(engine, row.username, "login_failed", {"known": True, "reason": reason, "address": address}, now=now)
    return LoginResult(None, GENERIC_FAILURE)


def _succeed(engine: Engine, row: AnyRow, password: str, now: datetime, address: str) -> User:
    values: dict[str, object] = {"failed_count": 0, "locked_until": None, "last_login_at": now}
    if _hasher().check_needs_rehash(row.password_hash):  # parameters were raised since it was hashed
        values["password_hash"] = hash_password(password)
    with database.writing(engine) as conn:
        conn.execute(users.update().where(users.c.id == row.id).values(**values))
        audit.record_in(conn, row.username, "login", {"source": "account", "address": address}, now=now)
    return User(row.username, frozenset(row.roles.split()), "account")


def _count_failure(engine: Engine, user_id: int, now: datetime, policy: Policy) -> None:
    with database.writing(engine) as conn:
        conn.execute(users.update().where(users.c.id == user_id).values(failed_count=users.c.failed_count + 1))
        count = conn.execute(select(users.c.failed_count).where(users.c.id == user_id)).scalar_one()
        if count >= policy.max_failures:
            # The count restarts, so after the lock the person gets a full set of attempts again.
            until = now + timedelta(minutes=policy.lock_minutes)
            conn.execute(users.update().where(users.c.id == user_id).values(failed_count=0, locked_until=until))


# ---- sessions --------------------------------------------------------------------------------

def session_limit_reached(last_seen: datetime, expires_at: datetime, now: datetime, policy: Policy) -> str:
    """Which limit a session has reached at `now`: "max_age" (its expiry), "idle" (no use for
    SESSION_IDLE_MINUTES), or "" while it lasts. The one rule for every kind of session."""
    if now >= expires_at:
        return "max_age"
    if now - last_seen > timedelta(minutes=policy.idle_minutes):
        return "idle"
    return ""


@dataclass(frozen=True)
class Session:
    """An identity-provider session, kept in the tab's server-side state: whose, since when, last seen when.
    (Local accounts' sessions live in the database: metrics.access.sessions.)"""

    user: User
    started_at: datetime
    last_seen: datetime


def start_session(user: User, now: datetime | None = None, started_at: datetime | None = None) -> Session:
    """A new session for `user` (started_at: when the identity provider says they signed in)."""
    now = now or clock.utc_now()
    return Session(user, started_at or now, now)


def session_expired(session: Session, now: datetime, policy: Policy) -> bool:
    """Whether the session has been idle too long or has lasted longer than allowed."""
    expires_at = session.started_at + timedelta(hours=policy.max_hours)
    return bool(session_limit_reached(session.last_seen, expires_at, now, policy))


def refresh_session(engine: Engine, session: Session, *, now: datetime | None = None,
                    policy: Policy | None = None) -> Session | None:
    """The session touched and its account re-read (roles, disabled), or None once it is over."""
    now, policy = now or clock.utc_now(), policy or Policy.from_env()
    if session_expired(session, now, policy):
        return None
    user = session.user
    if user.source == "account":
        # An admin's change (roles, disable) takes effect at the person's next click, not next login.
        ensure_tables(engine)
        with engine.connect() as conn:
            row = conn.execute(select(users.c.roles, users.c.disabled).where(users.c.username == user.name)).first()
        if row is None or row.disabled:
            return None
        user = replace(user, roles=frozenset(row.roles.split()))
    return replace(session, user=user, last_seen=now)


def local_mode_user() -> User:
    """The operator of a fresh install with no account: every role, on 127.0.0.1 only."""
    return User(LOCAL_MODE_NAME, frozenset(ROLES), "local")
