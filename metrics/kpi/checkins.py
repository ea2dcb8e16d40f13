"""Notes on a promise (check-ins): why a KPI of a year is missed or at risk, and what is being done.

Managers and admins write them, per KPI and year: the cause, the action taken, the author and the time, like
the check-ins of goal tools. A note is never changed or deleted; a correction is a new note that names the
one it corrects, so the record of what was said and when stays whole. Each note is audited ("kpi_note").
The scorecard card shows a KPI's latest note, the area page all of them, the yearly report all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select

from metrics import clock
from metrics.access import audit
from metrics.access.auth import has_role
from metrics.access.tables import ensure_tables
from metrics.kpi.registry import Registry, load_registry
from metrics.messages import CharterError
from metrics.store import database
from metrics.store.database import AnyRow
from metrics.store.tables import kpi_notes

WRITER_ROLE = "manager"  # managers, and admins (who hold every role)
MAX_TEXT = 2000


class CheckinError(CharterError, ValueError):
    """A note was refused; the message says why, in Korean and English."""


@dataclass(frozen=True)
class Checkin:
    """One note on a KPI of a year."""

    id: int
    kpi_id: str
    year: int
    cause: str
    action: str
    noted_at: datetime
    author: str
    corrects: int | None = None


def may_write(roles: frozenset[str] | set[str]) -> bool:
    """Whether someone holding `roles` may write notes (managers and admins)."""
    return has_role(roles, WRITER_ROLE)


def add_note(engine: Engine, kpi_id: str, year: int, *, cause: str, action: str, author: str,
             corrects: int | None = None, now: datetime | None = None,
             registry: Registry | None = None) -> Checkin:
    """Record a note (and its audit entry, in one transaction); CheckinError if it cannot be kept."""
    registry = registry or load_registry()
    cause, action = (cause or "").strip(), (action or "").strip()
    _check(engine, registry, kpi_id, year, cause, action, author, corrects)
    ensure_tables(engine)
    now = now or clock.utc_now()
    with database.writing(engine) as conn:
        key = conn.execute(kpi_notes.insert().values(
            kpi_id=kpi_id, year=year, cause=cause, action=action, noted_at=now, author=author.strip(),
            corrects=corrects,
        )).inserted_primary_key
        assert key is not None  # an insert into a table with a primary key
        note_id = int(key[0])
        audit.record_in(conn, author, "kpi_note", {"kpi_id": kpi_id, "year": year}, now=now)
    return Checkin(note_id, kpi_id, year, cause, action, now, author.strip(), corrects)


def _check(engine: Engine, registry: Registry, kpi_id: str, year: int, cause: str, action: str,
           author: str, corrects: int | None) -> None:
    try:
        registry.get(kpi_id)
    except KeyError as exc:
        raise CheckinError("없는 지표입니다", f"unknown KPI {kpi_id!r}") from exc
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
        raise CheckinError("연도가 올바르지 않습니다", f"not a year: {year!r}")
    if not cause or not action:
        raise CheckinError("원인과 조치를 모두 적어 주세요", "write both the cause and the action taken")
    if len(cause) > MAX_TEXT or len(action) > MAX_TEXT:
        raise CheckinError(f"{MAX_TEXT}자 이내로 적어 주세요", f"at most {MAX_TEXT} characters each")
    if not (author or "").strip():
        raise CheckinError("작성자가 없습니다", "a note needs its author")
    if corrects is not None:
        earlier = _by_id(engine, corrects)
        if earlier is None or (earlier.kpi_id, earlier.year) != (kpi_id, year):
            raise CheckinError(
                f"고칠 메모 {corrects}번이 이 지표·연도에 없습니다", f"note {corrects} is not a note on this KPI and year"
            )


def _by_id(engine: Engine, note_id: int) -> Checkin | None:
    with engine.connect() as conn:
        row = conn.execute(select(*kpi_notes.c).where(kpi_notes.c.id == note_id)).first()
    return _checkin(row) if row else None


def _checkin(row: AnyRow) -> Checkin:
    return Checkin(row.id, row.kpi_id, row.year, row.cause, row.action, row.noted_at, row.author, row.corrects)


def notes(engine: Engine, year: int, kpi_id: str | None = None) -> list[Checkin]:
    """Every note of `year` (one KPI's, or all), newest first."""
    c = kpi_notes.c
    query = select(*kpi_notes.c).where(c.year == year).order_by(c.noted_at.desc(), c.id.desc())
    if kpi_id is not None:
        query = query.where(c.kpi_id == kpi_id)
    with engine.connect() as conn:
        return [_checkin(row) for row in conn.execute(query)]


def latest_notes(engine: Engine, year: int) -> dict[str, Checkin]:
    """Each KPI's newest note of `year` (KPIs without a note are absent)."""
    out: dict[str, Checkin] = {}
    for note in notes(engine, year):
        out.setdefault(note.kpi_id, note)
    return out


def notes_version(engine: Engine) -> int:
    """A marker that changes with every note: add it to cache keys of pages that show notes."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(kpi_notes)).scalar_one())
