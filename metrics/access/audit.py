"""The audit log: who did what and when, for staff actions only.

Details are checked against an allow-list of keys, so a careless caller cannot put a trainee's
name or phone number in the log: only staff usernames/e-mails, file names, upload ids, counts,
KPI ids, targets and reasons go in, and the client address of a sign-in attempt.
Entries older than the retention (AUDIT_RETENTION_DAYS) are deleted only when someone runs `prune`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeAlias

import pandas as pd
from sqlalchemy import Connection, Engine, func, select

from metrics import clock
from metrics.access.tables import audit_log, ensure_tables
from metrics.settings import load_settings
from metrics.store import database

# A detail value as the log keeps it: JSON's own kinds, text cut to MAX_TEXT.
Plain: TypeAlias = "None | bool | int | float | str | list[Plain]"

ACTIONS = (
    "login", "login_failed", "login_throttled", "logout",
    "upload", "undo", "export",
    "account_add", "account_roles", "account_disable", "account_enable", "account_password",
    "target_change", "audit_prune", "kpi_note",
)
# Everything a detail may hold. A key outside this list is refused rather than silently stored.
DETAIL_KEYS = frozenset({
    "username", "roles", "source", "reason", "known", "address", "days",
    "upload_id", "filename", "kind", "sheet", "rows", "rows_imported", "rows_held",
    "what", "format", "year",
    "kpi_id", "comparator", "value", "old_comparator", "old_value", "unit", "effective_from",
})
# Detail values that are codes (the admin page shows them as words): the only values they may take.
CODED_DETAILS = {
    "source": ("account", "oidc"),
    "reason": ("password", "locked", "disabled", "idle", "max_age", "expired", "logout"),
}
# Actions whose reason is one of those codes (a target change's reason is the admin's own words).
CODED_REASON_ACTIONS = ("login_failed", "logout")
MAX_TEXT = 500
COLUMNS = ["id", "at", "actor", "action", "detail"]


@dataclass(frozen=True)
class AuditFilter:
    """What to read from the log: every field optional, dates inclusive."""

    actor: str | None = None
    actions: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 10_000


def record(
    engine: Engine, actor: str, action: str, detail: Mapping[str, object] | None = None, *, now: datetime | None = None
) -> None:
    """Append one entry to the log in its own transaction."""
    ensure_tables(engine)
    with database.writing(engine) as conn:
        record_in(conn, actor, action, detail, now=now)


def record_in(
    conn: Connection, actor: str, action: str, detail: Mapping[str, object] | None = None, *, now: datetime | None = None
) -> None:
    """Append one entry inside the caller's transaction (the caller has run ensure_tables before it began)."""
    conn.execute(audit_log.insert().values(
        at=now or clock.utc_now(), actor=_text(actor or "?"), action=_checked_action(action),
        detail_json=json.dumps(_checked_codes(action, clean_detail(detail or {})), ensure_ascii=False, sort_keys=True),
    ))


def _checked_action(action: str) -> str:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; known: {', '.join(ACTIONS)}")
    return action


def _checked_codes(action: str, detail: dict[str, Plain]) -> dict[str, Plain]:
    """The detail, refused when a coded value is not one of CODED_DETAILS (it would reach the page as a raw code)."""
    coded = {"source"} | ({"reason"} if action in CODED_REASON_ACTIONS else set())
    for key in coded & set(detail):
        if detail[key] not in CODED_DETAILS[key]:
            raise ValueError(f"audit {key} {detail[key]!r} is not one of {', '.join(CODED_DETAILS[key])}")
    return detail


def clean_detail(detail: Mapping[str, object]) -> dict[str, Plain]:
    """The detail with every key checked against DETAIL_KEYS and values made plain and short."""
    unknown = sorted(set(detail) - DETAIL_KEYS)
    if unknown:
        raise ValueError(f"audit detail keys not allowed: {', '.join(unknown)} (allowed: see metrics.access.audit.DETAIL_KEYS)")
    return {key: _plain(value) for key, value in detail.items()}


def _plain(value: object) -> Plain:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in (sorted(value) if isinstance(value, set | frozenset) else value)]
    return _text(str(value))


def _text(value: str) -> str:
    return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"


def read(engine: Engine, filters: AuditFilter | None = None) -> pd.DataFrame:
    """Log entries matching `filters`, newest first, with the detail as JSON text."""
    ensure_tables(engine)
    f = filters or AuditFilter()
    c = audit_log.c
    query = select(c.id, c.at, c.actor, c.action, c.detail_json).order_by(c.at.desc(), c.id.desc()).limit(f.limit)
    if f.actor:
        query = query.where(c.actor.ilike(f"%{_escape_like(f.actor)}%", escape="\\"))
    if f.actions:
        query = query.where(c.action.in_(f.actions))
    if f.since:
        query = query.where(c.at >= f.since)
    if f.until:
        query = query.where(c.at <= f.until)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=COLUMNS).astype({"detail": "str"}) if rows else _empty()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _empty() -> pd.DataFrame:
    return pd.DataFrame({
        "id": pd.Series(dtype="int64"), "at": pd.Series(dtype="datetime64[us]"),
        "actor": pd.Series(dtype="str"), "action": pd.Series(dtype="str"), "detail": pd.Series(dtype="str"),
    })


def details(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The detail column parsed back into dicts (for tests and readers)."""
    return [json.loads(text) for text in frame["detail"]]


# ---- retention -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pruned:
    """What a prune removed (in a dry run: would remove): how many entries, all older than `before`."""

    rows: int
    days: int
    before: datetime | None  # None when the retention is 0: the log is kept forever


def prune(engine: Engine, *, actor: str, days: int | None = None, now: datetime | None = None,
          dry_run: bool = False) -> Pruned:
    """Delete entries older than `days` (default AUDIT_RETENTION_DAYS; 0 keeps all), leaving an entry that says so."""
    days = load_settings().audit_retention_days if days is None else days
    if days < 0:
        raise ValueError(f"보존 기간은 0일 이상이어야 합니다 / the retention must be 0 days or more, not {days}")
    if days == 0:
        return Pruned(0, 0, None)
    ensure_tables(engine)
    now = now or clock.utc_now()
    before = now - timedelta(days=days)
    old = audit_log.c.at < before
    with database.writing(engine) as conn:  # the deletion and its own entry stand or fall together
        rows = int(conn.execute(select(func.count()).select_from(audit_log).where(old)).scalar_one())
        if not dry_run:
            conn.execute(audit_log.delete().where(old))
            record_in(conn, actor, "audit_prune", {"rows": rows, "days": days}, now=now)
    return Pruned(rows, days, before)
