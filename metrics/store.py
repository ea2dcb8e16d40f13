"""The store: one transaction per upload, duplicates recognised, every upload undoable.

SQLite by default (a file under data/), any SQLAlchemy URL through DATABASE_URL.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Date, Engine, create_engine, event, func, select, text, update

from metrics import schema, security_schema  # noqa: F401 - adds the account and audit tables
from metrics.settings import load_settings


class DuplicateFileError(Exception):
    """The very same file (same bytes) was imported before and not undone."""

    def __init__(self, upload_id: int, created_at: datetime):
        self.upload_id = upload_id
        self.created_at = created_at
        super().__init__(
            f"이 파일은 이미 업로드되었습니다 (업로드 #{upload_id}, {created_at:%Y-%m-%d %H:%M}). "
            f"/ This file was already imported as upload #{upload_id}."
        )


class UnknownUploadError(Exception):
    """Undo asked for an upload that does not exist or was already undone."""


@dataclass(frozen=True)
class UploadMeta:
    """What the upload log records about a file."""

    filename: str
    sha256: str
    kind: str
    sheet: str | None = None
    uploaded_by: str | None = None
    rows_held: int = 0
    mapping: dict | None = None
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class UploadResult:
    """What an import did."""

    upload_id: int
    rows_imported: int
    rows_duplicate: int
    rows_superseded: int
    rows_held: int


_engines: dict[str, Engine] = {}


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url` (default: DATABASE_URL or the SQLite file), tables created on first use."""
    url = url or load_settings().database_url
    if url not in _engines:
        _engines[url] = _create(url)
    return _engines[url]


def _create(url: str) -> Engine:
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _serialise_sqlite_writers(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    # Inside one transaction (BEGIN IMMEDIATE on SQLite): two processes starting on a new database
    # take turns, and the second finds the tables made instead of racing to make them again.
    with engine.begin() as conn:
        schema.metadata.create_all(conn)
    return engine


def _ensure_sqlite_dir(url: str) -> None:
    from pathlib import Path

    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _serialise_sqlite_writers(engine: Engine) -> None:
    # pysqlite starts transactions lazily, so two writers can deadlock on lock upgrade;
    # BEGIN IMMEDIATE takes the write lock up front and the other waits (busy timeout).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        enter_wal_mode(cur)
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def enter_wal_mode(cursor, wait_seconds: float = 30.0) -> None:
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


def file_sha256(data: bytes) -> str:
    """Hex SHA-256 of a file's bytes: how the same file is recognised."""
    return hashlib.sha256(data).hexdigest()


def row_hashes(frame: pd.DataFrame, columns: list[str] | tuple[str, ...]) -> pd.Series:
    """A stable 16-hex hash per row over `columns` (missing columns and values hash alike)."""
    acc = np.zeros(len(frame), dtype=np.uint64)
    for name in columns:
        col = frame[name] if name in frame.columns else pd.Series(pd.NA, index=frame.index, dtype="str")
        hashed = pd.util.hash_pandas_object(_canonical(col), index=False).to_numpy(dtype=np.uint64)
        acc = (acc * np.uint64(0x100000001B3)) ^ hashed  # FNV-style mixing keeps column order significant
    return pd.Series([format(v, "016x") for v in acc.tolist()], index=frame.index, dtype="str")


def _canonical(col: pd.Series) -> pd.Series:
    """One representation per value whatever the column's dtype: datetimes as µs, numbers as float."""
    if pd.api.types.is_datetime64_any_dtype(col):
        return pd.Series(col.to_numpy(dtype="datetime64[us]").view("int64"), index=col.index)
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        return pd.Series(pd.to_numeric(col).astype("float64").to_numpy(na_value=np.nan), index=col.index)
    return col.astype("str")


def natural_keys(rows: pd.DataFrame, kind: str) -> pd.Series:
    """The natural key hash of each canonical row of `kind` (plus `_nk_extra` when present)."""
    key = list(schema.KIND_TABLES[kind].natural_key) + (["_nk_extra"] if "_nk_extra" in rows.columns else [])
    return row_hashes(rows, key)


def content_hashes(rows: pd.DataFrame) -> pd.Series:
    """The hash of each canonical row's content: every column but its place (excel_row) and its keys."""
    return row_hashes(rows, sorted(c for c in rows.columns if c not in ("excel_row", "nk", "_nk_extra")))


def import_rows(engine: Engine, meta: UploadMeta, rows: pd.DataFrame, *, fail_after_insert: bool = False) -> UploadResult:
    """Store `rows` (canonical columns of meta.kind) as one upload, in one transaction.

    Rows whose natural key is already stored with the same content are skipped as duplicates;
    rows with the same key but new content replace the stored version (kept for undo).
    `fail_after_insert` exists for the test that proves a failure leaves nothing behind.
    """
    kind_table = schema.KIND_TABLES[meta.kind]
    table = kind_table.table
    rows = rows.copy()
    rows["row_hash"] = content_hashes(rows)
    if "nk" not in rows.columns:
        rows["nk"] = natural_keys(rows, meta.kind)
    rows = rows.drop(columns=[c for c in ("_nk_extra",) if c in rows.columns])

    with engine.begin() as conn:
        _refuse_same_file(conn, meta.sha256)
        upload_id = conn.execute(
            schema.uploads.insert().values(
                created_at=datetime.now(),
                uploaded_by=meta.uploaded_by,
                filename=meta.filename,
                sha256=meta.sha256,
                kind=meta.kind,
                sheet=meta.sheet,
                rows_held=meta.rows_held,
                mapping_json=json.dumps(meta.mapping or {}, ensure_ascii=False, default=str),
            )
        ).inserted_primary_key[0]

        existing = _active_versions(conn, table, rows, meta.kind)
        merged = rows.merge(existing, how="left", on="nk", suffixes=("", "_old"))
        duplicate = merged["row_hash"] == merged["row_hash_old"]
        superseded_ids = merged.loc[merged["old_id"].notna() & ~duplicate, "old_id"].astype("int64").unique()
        new_rows = rows.loc[~duplicate.to_numpy()]
        # Within one file, the same natural key twice keeps its last version (validation reports it).
        new_rows = new_rows.drop_duplicates(subset="nk", keep="last")

        if len(superseded_ids):
            _deactivate(conn, table, upload_id, superseded_ids)
        _bulk_insert(conn, table, new_rows.assign(upload_id=upload_id, active=True))
        if meta.questions:
            conn.execute(
                schema.survey_questions.insert(),
                [{"upload_id": upload_id, "position": i, "text": q} for i, q in enumerate(meta.questions)],
            )
        if fail_after_insert:
            raise RuntimeError("injected failure after insert")
        conn.execute(
            schema.uploads.update()
            .where(schema.uploads.c.id == upload_id)
            .values(
                rows_imported=len(new_rows),
                rows_duplicate=int(duplicate.sum()),
                rows_superseded=len(superseded_ids),
            )
        )
    return UploadResult(upload_id, len(new_rows), int(duplicate.sum()), len(superseded_ids), meta.rows_held)


def _refuse_same_file(conn, sha256: str) -> None:
    found = conn.execute(
        select(schema.uploads.c.id, schema.uploads.c.created_at)
        .where(schema.uploads.c.sha256 == sha256, schema.uploads.c.undone_at.is_(None))
        .limit(1)
    ).first()
    if found:
        raise DuplicateFileError(found.id, found.created_at)


def _active_versions(conn, table, rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The stored active (id, nk, row_hash) for the natural keys in `rows`."""
    empty = pd.DataFrame({"nk": pd.Series(dtype="str"), "row_hash_old": pd.Series(dtype="str"), "old_id": pd.Series(dtype="float")})
    if rows.empty:
        return empty
    query = select(table.c.id, table.c.nk, table.c.row_hash).where(table.c.active.is_(True))
    if "year" in rows.columns and "year" in table.c:
        query = query.where(table.c.year.in_([int(y) for y in rows["year"].dropna().unique()]))
    if table is schema.survey_responses:
        query = query.where(table.c.kind == kind)
    found = pd.DataFrame(conn.execute(query).all(), columns=["old_id", "nk", "row_hash_old"])
    if found.empty:
        return empty
    found = found[found["nk"].isin(set(rows["nk"]))]
    return found.astype({"old_id": "float", "nk": "str", "row_hash_old": "str"})


def _deactivate(conn, table, upload_id: int, ids: np.ndarray) -> None:
    id_list = [int(i) for i in ids]
    for start in range(0, len(id_list), 500):
        chunk = id_list[start : start + 500]
        conn.execute(update(table).where(table.c.id.in_(chunk)).values(active=False))
    conn.execute(
        schema.supersessions.insert(),
        [{"upload_id": upload_id, "table_name": table.name, "row_id": i} for i in id_list],
    )


def _bulk_insert(conn, table, frame: pd.DataFrame) -> None:
    """Insert through the driver's executemany: SQLAlchemy's per-row parameter handling costs 5× more."""
    if frame.empty:
        return
    columns = [c.name for c in table.columns if c.name != "id" and c.name in frame.columns]
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    conn.exec_driver_sql(sql, _driver_rows(frame[columns], table))


def _driver_rows(frame: pd.DataFrame, table) -> list[tuple]:
    """Rows as tuples of plain Python values; dates as ISO text (the form SQLAlchemy reads back)."""
    values = []
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            values.append(_iso_text(col, with_time=not isinstance(table.c[name].type, Date)))
        elif pd.api.types.is_bool_dtype(col):
            values.append([bool(v) for v in col.to_numpy()])
        elif pd.api.types.is_float_dtype(col):
            values.append([None if v != v else v for v in col.to_numpy(dtype=float).tolist()])
        else:
            obj = col.astype("object")
            values.append(obj.where(obj.notna(), None).tolist())
    return list(zip(*values, strict=True))


def _iso_text(col: pd.Series, *, with_time: bool) -> list:
    arr = col.to_numpy(dtype="datetime64[us]")
    text = np.datetime_as_string(arr.astype("datetime64[D]")) if not with_time else np.char.replace(
        np.datetime_as_string(arr, unit="us"), "T", " "
    )
    return [None if missing else t for missing, t in zip(np.isnat(arr).tolist(), text.tolist(), strict=True)]


def undo_upload(engine: Engine, upload_id: int) -> None:
    """Remove an upload's rows and bring back the versions it replaced, in one transaction."""
    with engine.begin() as conn:
        row = conn.execute(select(schema.uploads).where(schema.uploads.c.id == upload_id)).first()
        if row is None or row.undone_at is not None:
            raise UnknownUploadError(
                f"업로드 #{upload_id}을(를) 찾을 수 없거나 이미 취소되었습니다. / Upload #{upload_id} not found or already undone."
            )
        table = schema.KIND_TABLES[row.kind].table
        conn.execute(table.delete().where(table.c.upload_id == upload_id))
        replaced = [
            r.row_id
            for r in conn.execute(
                select(schema.supersessions.c.row_id).where(schema.supersessions.c.upload_id == upload_id)
            )
        ]
        for start in range(0, len(replaced), 500):
            chunk = replaced[start : start + 500]
            conn.execute(update(table).where(table.c.id.in_(chunk)).values(active=True))
        conn.execute(schema.supersessions.delete().where(schema.supersessions.c.upload_id == upload_id))
        conn.execute(schema.survey_questions.delete().where(schema.survey_questions.c.upload_id == upload_id))
        conn.execute(schema.uploads.update().where(schema.uploads.c.id == upload_id).values(undone_at=datetime.now()))


def list_uploads(engine: Engine) -> pd.DataFrame:
    """The upload log, newest first."""
    u = schema.uploads.c
    query = select(
        u.id, u.created_at, u.uploaded_by, u.filename, u.kind, u.sheet,
        u.rows_imported, u.rows_held, u.rows_duplicate, u.rows_superseded, u.undone_at,
    ).order_by(u.id.desc())
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=[c.name for c in query.selected_columns])


def data_version(engine: Engine) -> tuple[int, int]:
    """A cheap marker that changes with every import or undo: what page caches are keyed on."""
    u = schema.uploads.c
    with engine.connect() as conn:
        last_id, undone = conn.execute(select(func.max(u.id), func.count(u.undone_at))).one()
    return int(last_id or 0), int(undone or 0)


def read_active(engine: Engine, table_name: str, where: str = "", params: dict | None = None, columns: str = "*") -> pd.DataFrame:
    """Active rows of a data table as a frame; `where` is SQL with bound :params, never user text."""
    sql = f"SELECT {columns} FROM {table_name} WHERE active" + (f" AND ({where})" if where else "")
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn, params=params or {})
