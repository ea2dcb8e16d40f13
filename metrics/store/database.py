"""The database connection: engines, write transactions, schema set-up, and the data version.

SQLite by default (a file under data/), PostgreSQL (or any SQLAlchemy URL) through DATABASE_URL.
Reads never wait for a writer: only `writing()` takes the write lock (BEGIN IMMEDIATE on SQLite);
on PostgreSQL imports and undos also take one advisory lock, so two instances take turns.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import Connection, Engine, Row, create_engine, event, inspect, select, text, update

from metrics.settings import load_settings
from metrics.store import tables as schema

if TYPE_CHECKING:
    from alembic.config import Config

# Any fixed 64-bit number: the advisory lock that orders imports, undos and schema set-up on PostgreSQL.
WRITE_LOCK_KEY = 0x43484152_54455231  # "CHARTER1"
FIRST_REVISION = "0001"  # the schema of the release made before migrations existed

_engines: dict[str, Engine] = {}
# A result row of any select (SQLAlchemy types a row by its columns).
AnyRow: TypeAlias = Row[*tuple[Any, ...]]


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url` (default: DATABASE_URL or the SQLite file), schema brought up to date on first use."""
    url = url or load_settings().database_url
    if url not in _engines:
        _engines[url] = _create(url)
    return _engines[url]


def forget_engine(url: str) -> None:
    """Dispose of the engine for `url` and forget it (tests that make a database per test)."""
    engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def _create(url: str) -> Engine:
    if url.startswith("sqlite"):
        _ensure_private_sqlite_file(url)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    set_up_schema(engine)
    return engine


def set_up_schema(engine: Engine) -> None:
    """Bring the schema to the newest revision under the write lock: several processes starting at once
    take turns, and the later ones find the work done."""
    with writing(engine, serialise=True) as conn:
        upgrade(conn)


def upgrade(conn: Connection) -> None:
    """A new database is created at the newest revision; a database made before migrations existed is
    stamped at revision 0001 (its schema) and upgraded; any other is upgraded from where it stands."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config = _alembic_config(conn)
    tables = set(inspect(conn).get_table_names())
    if "uploads" not in tables:
        schema.metadata.create_all(conn)
        conn.execute(schema.data_state.insert().values(id=1, version=0))
        command.stamp(config, "head")
        return
    if "alembic_version" not in tables:
        command.stamp(config, FIRST_REVISION)
    elif MigrationContext.configure(conn).get_current_revision() == head_revision():
        return  # the usual case: nothing to read from the migrations folder
    command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    """The revision a database stands at (None: made before migrations, or empty)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@functools.cache
def head_revision() -> str:
    """The newest revision this release knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config(None)).get_current_head()
    assert head is not None  # the migrations folder always holds revisions
    return head


def _alembic_config(conn: Connection | None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = conn
    return config


@contextmanager
def writing(engine: Engine, *, serialise: bool = False) -> Iterator[Connection]:
    """One write transaction. SQLite takes its write lock at BEGIN; with `serialise`, PostgreSQL takes the
    advisory lock that imports, undos and schema set-up share (held until commit or rollback)."""
    with engine.connect() as conn:
        conn.execution_options(charter_write=True)
        with conn.begin():
            if serialise and conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
            yield conn


def bump_data_version(conn: Connection) -> None:
    """Count one more change to the data, inside the transaction that makes it: the version then follows
    commit order on every backend (an id taken at an upload's start does not)."""
    conn.execute(update(schema.data_state).where(schema.data_state.c.id == 1)
                 .values(version=schema.data_state.c.version + 1))


def data_version(engine: Engine) -> int:
    """A marker that changes with every committed import or undo: what page caches are keyed on."""
    with engine.connect() as conn:
        return int(conn.execute(select(schema.data_state.c.version)).scalar_one_or_none() or 0)


def _ensure_private_sqlite_file(url: str) -> None:
    """The database file and its folder exist and are readable by the owner only (it holds password hashes)."""
    path = url.split("///", 1)[-1].split("?", 1)[0]
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    file = Path(path)
    if not file.parent.exists():
        file.parent.mkdir(parents=True, mode=0o700)
    if not file.exists():
        os.close(os.open(file, os.O_CREAT | os.O_WRONLY, 0o600))


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling is switched off: we say BEGIN ourselves, IMMEDIATE for writes
    # (the write lock up front, so two writers queue on the busy timeout instead of failing on upgrade)
    # and DEFERRED for reads (WAL lets them read while a writer works).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        enter_wal_mode(cur)
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("charter_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def enter_wal_mode(cursor: sqlite3.Cursor, wait_seconds: float = 30.0) -> None:
    """PRAGMA journal_mode=WAL, waiting out another process's brief exclusive lock.

    SQLite answers this pragma "database is locked" at once, without its busy timeout, while another
    connection closes the last handle and checkpoints the WAL away; so we retry here ourselves.
    """
    deadline = time.monotonic() + wait_seconds
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)


# What a database failure means to a person, by what the driver's message says (SQLite and PostgreSQL).
_FAILURES = (
    (("connection refused", "could not connect", "connection failed", "unable to open database", "could not translate host",
      "timeout expired", "server closed the connection"),
     "데이터베이스에 연결할 수 없습니다. 잠시 후 다시 시도하세요.",
     "The database cannot be reached; try again shortly."),
    (("locked", "busy", "lock timeout", "could not obtain lock", "deadlock"),
     "데이터베이스가 다른 작업(업로드 등)으로 잠겨 있습니다. 잠시 뒤 다시 하세요.",
     "The database is locked by other work (an upload, say); try again in a moment."),
    (("readonly", "read-only", "read only", "permission denied"),
     "데이터베이스에 쓸 수 없습니다 (읽기 전용이거나 권한이 없습니다). 관리자에게 알리세요.",
     "The database cannot be written (read-only or no permission); tell the administrator."),
    (("disk is full", "no space left", "could not extend", "disk full", "database or disk is full"),
     "저장 공간이 가득 차 데이터베이스에 쓸 수 없습니다. 관리자에게 알리세요.",
     "The disk is full, so the database cannot be written; tell the administrator."),
)
_UNKNOWN_FAILURE = ("데이터베이스 오류로 작업하지 못했습니다. 관리자에게 알리세요.",
                    "The database failed to do this; tell the administrator.")


def failure_message(error: BaseException) -> tuple[str, str]:
    """(Korean, English) for a database error: what happened and what to do, never the SQL or its row data."""
    said = str(getattr(error, "orig", None) or error).lower()
    for words, ko, en in _FAILURES:
        if any(word in said for word in words):
            return ko, en
    return _UNKNOWN_FAILURE
