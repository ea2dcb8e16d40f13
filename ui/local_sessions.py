"""Local-mode sessions: the printed link's token, brought once, keeps this browser in local mode across reloads.

Like a local account's sign-in (metrics.access.sessions), the browser holds a random id (256 bits) in the same
HttpOnly, SameSite=Strict cookie, set by the same route (ui.session_routes) in exchange for a one-time ticket;
the server keeps only the id's SHA-256. Unlike it, the session lives in this server process's memory, never in
the database: local mode exists only while no account does and only on 127.0.0.1, where one process serves.
Each session is tied to the start token it was opened with, so it ends when the server restarts (memory gone,
and a new token), at sign-out, after SESSION_IDLE_MINUTES without use or SESSION_MAX_HOURS; the app ends it
as soon as an account exists (ui.access). No Streamlit here: the cookie route imports it.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from metrics import clock
from metrics.access.auth import Policy, session_limit_reached
from metrics.access.sessions import TICKET_SECONDS, new_token, token_hash
from ui import local_token


@dataclass
class _Entry:
    start: str  # a fingerprint of the start token it was opened with
    ticket: bool
    last_seen: datetime
    expires_at: datetime


_lock = threading.Lock()
_entries: dict[str, _Entry] = {}  # by the SHA-256 of the session id or ticket


def _start_fingerprint() -> str | None:
    token = local_token.expected()
    return None if token is None else hashlib.sha256(b"local-mode:" + token.encode("utf-8")).hexdigest()


def issue_ticket(*, now: datetime | None = None) -> str | None:
    """A one-time ticket (valid TICKET_SECONDS) the browser trades for the cookie; None without a start token."""
    now = now or clock.utc_now()
    return _insert(ticket=True, now=now, expires_at=now + timedelta(seconds=TICKET_SECONDS))


def redeem_ticket(ticket: str, *, now: datetime | None = None,
                  policy: Policy | None = None) -> tuple[str, timedelta] | None:
    """Trade a ticket, once, for a session id and how long it lasts at most; None when it is unknown, used,
    late, or from another start."""
    now, policy = now or clock.utc_now(), policy or Policy.from_env()
    with _lock:
        entry = _entries.pop(token_hash(ticket or ""), None)
    if entry is None or not entry.ticket or now >= entry.expires_at or entry.start != _start_fingerprint():
        return None
    lifetime = timedelta(hours=policy.max_hours)
    token = _insert(ticket=False, now=now, expires_at=now + lifetime)
    return None if token is None else (token, lifetime)


def start(*, now: datetime | None = None, policy: Policy | None = None) -> str | None:
    """A session at once, for an app without the cookie route (AppTest): the caller keeps the id in tab memory."""
    now, policy = now or clock.utc_now(), policy or Policy.from_env()
    return _insert(ticket=False, now=now, expires_at=now + timedelta(hours=policy.max_hours))


def resume(token: str | None, *, now: datetime | None = None, policy: Policy | None = None) -> bool:
    """Whether `token` names a live local-mode session of this start (its use noted); an ended one is dropped."""
    if not token:
        return False
    now, policy = now or clock.utc_now(), policy or Policy.from_env()
    key = token_hash(token)
    with _lock:
        entry = _entries.get(key)
        if entry is None or entry.ticket:
            return False
        if entry.start != _start_fingerprint() or session_limit_reached(entry.last_seen, entry.expires_at, now, policy):
            del _entries[key]
            return False
        entry.last_seen = now
        return True


def end(token: str | None) -> bool:
    """End the local-mode session `token` names (sign-out, or an account now exists); whether there was one."""
    if not token:
        return False
    with _lock:
        return _entries.pop(token_hash(token), None) is not None


def end_all() -> int:
    """End every local-mode session of this process (the first account was made); returns how many."""
    with _lock:
        count = len(_entries)
        _entries.clear()
    return count


def _insert(*, ticket: bool, now: datetime, expires_at: datetime) -> str | None:
    start_fp = _start_fingerprint()
    if start_fp is None:  # started without ui.serve: there is no local mode to keep
        return None
    token = new_token()
    with _lock:
        for key in [k for k, e in _entries.items() if e.expires_at <= now or e.start != start_fp]:
            del _entries[key]  # the ended ones, as we go
        _entries[token_hash(token)] = _Entry(start_fp, ticket, now, expires_at)
    return token
