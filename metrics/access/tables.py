"""The tables of access control: local accounts, their sign-in sessions, failed sign-ins by address, the audit
log, target changes.

They live on the same `schema.metadata` as the data tables, so `store.get_engine` creates them
once this module is imported; `ensure_tables` covers an engine made before that import.
"""

from __future__ import annotations

import weakref

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from metrics.store.tables import metadata

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(200), nullable=False, unique=True),
    # argon2id encoded hash ($argon2id$v=19$m=...,t=...,p=...$salt$hash): never the password itself.
    Column("password_hash", String(300), nullable=False),
    Column("roles", String(200), nullable=False, default=""),  # space-separated role names
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed_count", Integer, nullable=False, default=0),
    Column("locked_until", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("password_changed_at", DateTime, nullable=False),
    Column("last_login_at", DateTime),
)

# Sign-in sessions of local accounts (metrics.access.sessions). The browser holds a random id in an HttpOnly cookie;
# this row holds only its SHA-256, so a copy of the database signs nobody in. While `ticket` is true the row is
# a one-time ticket (the same hash scheme) that the browser exchanges, within a minute, for the session id.
sign_in_sessions = Table(
    "sign_in_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("ticket", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False, index=True),
)

# Failed sign-ins by client address, for the throttle (metrics.access.throttle): only the address and the time,
# never the username or the password typed; rows older than the throttle's window are deleted as it goes.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("address", String(100), nullable=False),
    Column("at", DateTime, nullable=False, index=True),
    Index("ix_login_failures_address_at", "address", "at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("actor", String(320), nullable=False),  # a staff username or e-mail, never a trainee
    Column("action", String(40), nullable=False),
    Column("detail_json", Text, nullable=False, default="{}"),
    Index("ix_audit_action_at", "action", "at"),
)

target_changes = Table(
    "target_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kpi_id", String(100), nullable=False),
    Column("comparator", String(4), nullable=False),
    Column("value", Float, nullable=False),
    Column("unit", String(20), nullable=False),
    Column("old_comparator", String(4)),  # the target in force just before, None when there was none
    Column("old_value", Float),
    Column("effective_from", Date, nullable=False),
    Column("changed_at", DateTime, nullable=False),
    Column("changed_by", String(320), nullable=False),
    Column("reason", Text, nullable=False),
    Index("ix_target_kpi_from", "kpi_id", "effective_from"),
)

SECURITY_TABLES = (users, sign_in_sessions, login_failures, audit_log, target_changes)
_ready: weakref.WeakSet[Engine] = weakref.WeakSet()


def ensure_tables(engine: Engine) -> None:
    """Create the security tables on `engine` if missing (once per engine and process)."""
    if engine in _ready:
        return
    from metrics.store import database

    with database.writing(engine, serialise=True) as conn:  # one transaction: no race between processes
        metadata.create_all(conn, tables=list(SECURITY_TABLES), checkfirst=True)
    _ready.add(engine)
