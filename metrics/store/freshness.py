"""How fresh each kind of data is: when it was last uploaded and the newest date its live rows carry.

A scorecard is only as current as its data; the upload page shows this per kind so that a kind nobody
has uploaded for months stands out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Connection, Engine, func, select

from metrics.contract import KindSpec, kinds, load_contract
from metrics.store import tables

STALE_AFTER_DAYS = 92  # a quarter


@dataclass(frozen=True)
class KindFreshness:
    """One kind's last live upload and newest data."""

    kind: str
    uploads: int  # live uploads of the kind
    last_upload: datetime | None
    newest: date | None  # the newest data date of a live row (None when no row has one)
    newest_year: int | None  # the newest year of a live row (surveys without times have only a year)

    def age_days(self, today: date) -> int | None:
        """Days from the newest data date to `today` (None without one)."""
        return None if self.newest is None else (today - self.newest).days

    def stale(self, today: date) -> bool:
        """True when the newest data is older than a quarter, or there is none while the kind was uploaded."""
        if self.newest is None:
            return self.newest_year is not None and self.newest_year < today.year
        return (today - self.newest).days > STALE_AFTER_DAYS


def behind(found: list[KindFreshness], kinds: Iterable[str], year: int, today: date) -> tuple[KindFreshness, ...]:
    """Of the kinds a KPI reads, those whose newest data is stale (KindFreshness.stale, the upload page's rule)
    while `year` is the current one; a past year is complete, so nothing is behind for it."""
    if year != today.year:
        return ()
    wanted = set(kinds)
    return tuple(f for f in found if f.kind in wanted and f.stale(today))


def freshness(engine: Engine) -> list[KindFreshness]:
    """Every upload kind, in the contract's order, with its last upload and newest data."""
    u = tables.uploads.c
    with engine.connect() as conn:
        uploads = {r.kind: (int(r.n), r.last) for r in conn.execute(
            select(u.kind, func.count().label("n"), func.max(u.created_at).label("last"))
            .where(u.undone_at.is_(None)).group_by(u.kind))}
        newest = {name: _newest(conn, spec) for name, spec in load_contract().kinds.items()}
    return [KindFreshness(kind, *uploads.get(kind, (0, None)), *found) for kind, found in newest.items()]


def _newest(conn: Connection, kind: KindSpec) -> tuple[date | None, int | None]:
    """The newest period date (when the thing a row records happened) and year of the kind's live rows."""
    table = kinds.table_of(kind)
    query = select(func.max(table.c[kind.period]), func.max(table.c.year)).where(table.c.active.is_(True))
    if kinds.holds_kinds(table):
        query = query.where(table.c.kind == kind.name)
    when, year = conn.execute(query).one()
    when = None if when is None else pd.Timestamp(when).date()  # SQLite hands dates back as text
    return when, None if year is None else int(year)
