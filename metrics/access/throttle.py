"""Login throttling by client address: an address with too many recent failed sign-ins is refused for a while.

The lockout in metrics.access.auth stops one account's password being guessed; this stops one client from
trying many usernames. Failures are kept in the database (address and time, nothing else), so the count
holds across reruns and server processes. Rows older than the window are deleted whenever a new failure
is recorded, so the table never holds more than the window's worth.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select

from metrics.access.tables import ensure_tables, login_failures
from metrics.store import database

# The key of clients whose address is unknown (None on localhost, or under AppTest): they share one
# count, so the throttle still applies to them, all together.
UNKNOWN_ADDRESS = "unknown"
MAX_ADDRESS = 100  # an IPv6 address with a zone is at most about 60 characters


def address_key(address: str | None) -> str:
    """The key failures from `address` are counted under: the address itself, or "unknown" without one."""
    clean = (address or "").strip()
    return clean[:MAX_ADDRESS] if clean else UNKNOWN_ADDRESS


def _window_start(now: datetime, window_minutes: float) -> datetime:
    return now - timedelta(minutes=window_minutes)


def refused(engine: Engine, address: str | None, *, now: datetime, max_failures: int,
            window_minutes: float) -> bool:
    """Whether `address` failed `max_failures` times or more in the `window_minutes` before `now` (0: never)."""
    if max_failures <= 0:
        return False
    ensure_tables(engine)
    c = login_failures.c
    query = (select(func.count()).select_from(login_failures)
             .where(c.address == address_key(address), c.at > _window_start(now, window_minutes)))
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one()) >= max_failures


def record_failure(engine: Engine, address: str | None, *, now: datetime, window_minutes: float) -> None:
    """Count one failed sign-in from `address` and forget every failure (of any address) older than the window."""
    # Check, then record: attempts already in flight when the limit is reached may still finish, so an
    # address can exceed the limit by as many attempts as it runs at once, and no more.
    ensure_tables(engine)
    with database.writing(engine) as conn:
        conn.execute(login_failures.delete().where(login_failures.c.at <= _window_start(now, window_minutes)))
        conn.execute(login_failures.insert().values(address=address_key(address), at=now))


def failures_kept(engine: Engine) -> int:
    """How many failures the table holds now, every address together (for tests and checks)."""
    ensure_tables(engine)
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(login_failures)).scalar_one())
