"""The store: one transaction per upload, duplicates recognised, any upload undoable.

Text is stored in Unicode NFC, trimmed; natural keys also fold full-width letters and digits (NFKC),
so a file saved on macOS (NFD) or typed with full-width digits names the same rows. Which version of
a row is live is decided by one rule (metrics.store.versions), whatever order uploads and undos come in.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import Connection, Date, DateTime, Engine, Table, bindparam, exc, select, text, update

from metrics import clock
from metrics.contract import kinds, load_contract
from metrics.messages import CharterError
from metrics.store import bulk, database, tables, versions

# Values bound to a query's :names (never user text in the SQL itself).
SqlParams: TypeAlias = Mapping[str, str | int | float | date | None]


class DuplicateFileError(CharterError):
    """The very same file (same bytes) was imported before and not undone."""

    def __init__(self, upload_id: int, created_at: datetime):
        self.upload_id = upload_id
        self.created_at = created_at
        super().__init__(f"이 파일은 이미 업로드되었습니다 (업로드 #{upload_id}, {clock.shown(created_at)}).",
                         f"This file was already imported as upload #{upload_id}.", code="duplicate_file")


class NothingToStoreError(CharterError):
    """import_rows(refuse_empty=True) found every row stored already, unchanged: no upload was logged."""

    def __init__(self, filename: str):
        super().__init__(f"새로 저장할 행이 없습니다: {filename}", f"Nothing new to store: {filename}", code="nothing_to_store")


class UnknownUploadError(CharterError):
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
    mapping: dict[str, object] | None = None
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class UploadResult:
    """What an import did."""

    upload_id: int
    rows_imported: int
    rows_duplicate: int
    rows_superseded: int
    rows_held: int


# The engine and its transactions live in metrics.store.database; these names stay here for the callers.
get_engine = database.get_engine
data_version = database.data_version
_engines = database._engines  # the same dict: tests drop an engine per test database
enter_wal_mode = database.enter_wal_mode


def file_sha256(data: bytes) -> str:
    """Hex SHA-256 of a file's bytes: how the same file is recognised."""
    return hashlib.sha256(data).hexdigest()


def normalise_text(rows: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell in Unicode NFC and trimmed (blank text becomes missing)."""
    rows = rows.copy()
    for name in rows.columns:
        if _is_text(rows[name]):
            rows[name] = _per_distinct(rows[name], _nfc_trimmed)
    return rows


def _nfc_trimmed(text: str) -> str | None:
    return unicodedata.normalize("NFC", text).strip() or None


def _key_folded(text: str) -> str | None:
    """Text as a key compares it: NFKC (full-width letters and digits as plain ones), one space per run.
    Case and punctuation stay: reference 2025-1-12 is not 2025-11-2."""
    return " ".join(unicodedata.normalize("NFKC", text).split()) or None


def _is_text(col: pd.Series[Any]) -> bool:
    return pd.api.types.is_string_dtype(col) or bool(col.dtype == object and col.map(lambda v: isinstance(v, str)).any())


def _per_distinct(col: pd.Series[Any], fn: Callable[[str], str | None]) -> pd.Series[str]:
    """fn applied once per distinct text value (a column repeats its values); missing stays missing."""
    codes, uniques = pd.factorize(col.astype("str"))
    mapped = np.array([fn(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=col.index, dtype="str", name=col.name)


def row_hashes(frame: pd.DataFrame, columns: list[str] | tuple[str, ...], *, fold_text: bool = False) -> pd.Series:
    """A stable 16-hex hash per row over `columns` (missing columns and values hash alike).

    Text is hashed in NFC, trimmed; with `fold_text` as keys compare it (see _key_folded)."""
    acc: npt.NDArray[np.uint64] = np.zeros(len(frame), dtype=np.uint64)
    for name in columns:
        col = frame[name] if name in frame.columns else pd.Series(pd.NA, index=frame.index, dtype="str")
        if _is_text(col):
            col = _per_distinct(col, _key_folded if fold_text else _nfc_trimmed)
        hashed = pd.util.hash_pandas_object(_canonical(col), index=False).to_numpy().astype(np.uint64, copy=False)
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
    key = list(load_contract().kind(kind).key) + (["_nk_extra"] if "_nk_extra" in rows.columns else [])
    return row_hashes(rows, key, fold_text=True)


def content_hashes(rows: pd.DataFrame) -> pd.Series:
    """The hash of each canonical row's content: every column but its place (excel_row) and its keys."""
    return row_hashes(rows, sorted(c for c in rows.columns if c not in ("excel_row", "nk", "_nk_extra")))


def import_rows(engine: Engine, meta: UploadMeta, rows: pd.DataFrame, *, fail_after_insert: bool = False,
                refuse_empty: bool = False) -> UploadResult:
    """Store `rows` (canonical columns of meta.kind) as one upload, in one transaction.

    Rows whose natural key is live with the same content are carried, not stored again; rows with
    the same key but new content become the live version (the old one kept for undo).
    With `refuse_empty`, a file that would store nothing new or changed is refused inside the transaction
    (NothingToStoreError), so no empty upload is logged even if another process stored the rows since a
    preview said otherwise. `fail_after_insert` exists for the test that proves a failure leaves nothing behind.
    """
    table = kinds.table_of(meta.kind)
    rows = normalise_text(rows)
    rows["row_hash"] = content_hashes(rows)
    if "nk" not in rows.columns:
        rows["nk"] = natural_keys(rows, meta.kind)
    rows = rows.drop(columns=[c for c in ("_nk_extra",) if c in rows.columns])
    # Within one file, the same natural key twice keeps its last version (validation reports it).
    rows = rows.drop_duplicates(subset="nk", keep="last")

    try:
        with database.writing(engine, serialise=True) as conn:
            _refuse_same_file(conn, meta.sha256)
            upload_id = _log_upload(conn, meta)
            existing = _active_versions(conn, table, rows, meta.kind)
            merged = rows.merge(existing, how="left", on="nk", suffixes=("", "_old"))
            repeated = (merged["row_hash"] == merged["row_hash_old"]).to_numpy()
            replaced = merged.loc[merged["old_id"].notna() & ~repeated, "old_id"].astype("int64").unique()
            new_rows = rows.loc[~repeated]
            if refuse_empty and new_rows.empty:
                raise NothingToStoreError(meta.filename)  # rolls the logged upload back with the transaction

            versions.deactivate(conn, table, replaced)
            versions.record_carried(conn, table, upload_id, merged.loc[repeated, "old_id"].astype("int64"))
            _bulk_insert(conn, table, new_rows.assign(upload_id=upload_id, active=True))
            if meta.questions:
                conn.execute(
                    tables.survey_questions.insert(),
                    [{"upload_id": upload_id, "position": i, "text": q} for i, q in enumerate(meta.questions)],
                )
            if fail_after_insert:
                raise RuntimeError("injected failure after insert")
            conn.execute(
                tables.uploads.update()
                .where(tables.uploads.c.id == upload_id)
                .values(rows_imported=len(new_rows), rows_duplicate=int(repeated.sum()), rows_superseded=len(replaced))
            )
            database.bump_data_version(conn)
    except exc.IntegrityError as error:
        _raise_if_same_file_won_the_race(engine, meta.sha256, error)
        raise
    return UploadResult(upload_id, len(new_rows), int(repeated.sum()), len(replaced), meta.rows_held)


def _log_upload(conn: Connection, meta: UploadMeta) -> int:
    key = conn.execute(
        tables.uploads.insert().values(
            created_at=clock.utc_now(),
            uploaded_by=meta.uploaded_by,
            filename=meta.filename,
            sha256=meta.sha256,
            kind=meta.kind,
            sheet=meta.sheet,
            rows_held=meta.rows_held,
            mapping_json=json.dumps(meta.mapping or {}, ensure_ascii=False, default=str),
        )
    ).inserted_primary_key
    assert key is not None  # an insert into a table with a primary key
    return int(key[0])


def _raise_if_same_file_won_the_race(engine: Engine, sha256: str, error: Exception) -> None:
    """The unique index refused a second live upload of the file: say so as the duplicate it is."""
    with engine.connect() as conn:
        try:
            _refuse_same_file(conn, sha256)
        except DuplicateFileError as duplicate:
            raise duplicate from error


def _refuse_same_file(conn: Connection, sha256: str) -> None:
    found = conn.execute(
        select(tables.uploads.c.id, tables.uploads.c.created_at)
        .where(tables.uploads.c.sha256 == sha256, tables.uploads.c.undone_at.is_(None))
        .limit(1)
    ).first()
    if found:
        raise DuplicateFileError(found.id, found.created_at)


def _active_versions(conn: Connection, table: Table, rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The stored active (id, nk, row_hash) for the natural keys in `rows`."""
    empty = pd.DataFrame({"nk": pd.Series(dtype="str"), "row_hash_old": pd.Series(dtype="str"), "old_id": pd.Series(dtype="float")})
    if rows.empty:
        return empty
    query = select(table.c.id, table.c.nk, table.c.row_hash).where(table.c.active.is_(True))
    if "year" in rows.columns and "year" in table.c:
        query = query.where(table.c.year.in_([int(y) for y in rows["year"].dropna().unique()]))
    if kinds.holds_kinds(table):
        query = query.where(table.c.kind == kind)
    found = pd.DataFrame(conn.execute(query).all(), columns=["old_id", "nk", "row_hash_old"])
    if found.empty:
        return empty
    found = found[found["nk"].isin(set(rows["nk"]))]
    return found.astype({"old_id": "float", "nk": "str", "row_hash_old": "str"})


# Through the module name, so a test can stand in for the insert (tests/test_faults.py).
_bulk_insert = bulk.insert_frame


def undo_upload(engine: Engine, upload_id: int) -> None:
    """Take an upload back, in one transaction: the data become what the other uploads alone give."""
    with database.writing(engine, serialise=True) as conn:
        row = conn.execute(select(tables.uploads).where(tables.uploads.c.id == upload_id)).first()
        if row is None or row.undone_at is not None:
            raise UnknownUploadError(
                f"업로드 #{upload_id}을(를) 찾을 수 없거나 이미 취소되었습니다.", f"Upload #{upload_id} not found or already undone."
            )
        versions.withdraw(conn, kinds.table_of(row.kind), upload_id)
        conn.execute(tables.survey_questions.delete().where(tables.survey_questions.c.upload_id == upload_id))
        conn.execute(tables.uploads.update().where(tables.uploads.c.id == upload_id).values(undone_at=clock.utc_now()))
        database.bump_data_version(conn)


def list_uploads(engine: Engine) -> pd.DataFrame:
    """The upload log, newest first."""
    u = tables.uploads.c
    query = select(
        u.id, u.created_at, u.uploaded_by, u.filename, u.kind, u.sheet,
        u.rows_imported, u.rows_held, u.rows_duplicate, u.rows_superseded, u.undone_at,
    ).order_by(u.id.desc())
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=[c.name for c in query.selected_columns])


def read_active(
    engine: Engine, table_name: str, where: str = "", params: SqlParams | None = None, columns: str = "*"
) -> pd.DataFrame:
    """Active rows of a data table as a frame; `where` is SQL with bound :params, never user text."""
    sql = f"SELECT {columns} FROM {table_name} WHERE active" + (f" AND ({where})" if where else "")
    with engine.connect() as conn:
        return pd.read_sql(text(sql), conn, params=params or {})


def rekey(conn: Connection, kind: str) -> list[str]:
    """Recompute the natural key of every stored row of `kind` by today's rule (a migration's job when
    the rule changes); returns the keys that now name more than one live row, for versions.choose_live."""
    spec = load_contract().kind(kind)
    table = kinds.table_of(spec)
    names = ["id", "nk", "excel_row", *spec.key] + (["response_date"] if spec.is_survey else [])
    names = list(dict.fromkeys(names))
    query = select(*[table.c[n] for n in names])
    if kinds.holds_kinds(table):
        query = query.where(table.c.kind == kind)
    frame = pd.DataFrame(conn.execute(query).all(), columns=names)
    if frame.empty:
        return []
    for name in names:
        if isinstance(table.c[name].type, Date | DateTime):
            frame[name] = pd.to_datetime(frame[name])
    if spec.is_survey:  # as survey_kinds.build_survey keys a response without a time
        frame["_nk_extra"] = np.where(frame["response_date"].isna(), frame["excel_row"].astype(str), "")
    frame["new_nk"] = natural_keys(frame, kind)
    changed = frame.loc[frame["new_nk"] != frame["nk"]]
    if not changed.empty:
        conn.execute(
            update(table).where(table.c.id == bindparam("row_id")).values(nk=bindparam("new_nk")),
            [{"row_id": int(i), "new_nk": k} for i, k in zip(changed["id"], changed["new_nk"], strict=True)],
        )
    return sorted(set(changed["new_nk"]))
