"""What an import would do, said before anything is written: rows new, already stored, changed, held back.

The store decides row by row (store.import_rows): a natural key that is live with the same content is
repeated (carried, nothing stored), live with other content is changed (the file's version supersedes
the live one), absent is new. The preview asks the same live rows the same questions and writes nothing,
so the upload page and the command line can say what will happen, and refuse an import that would
store nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Table, select

from metrics import store
from metrics.contract import kinds
from metrics.messages import CharterError, Message
from metrics.store import tables, versions

if TYPE_CHECKING:
    from metrics.intake.validation import Prepared


@dataclass(frozen=True)
class UploadRef:
    """An upload that already holds some of the file's rows, and how many."""

    id: int
    filename: str
    created_at: datetime
    rows: int


@dataclass(frozen=True)
class SameFile:
    """The live upload of these very bytes."""

    upload_id: int
    created_at: datetime

    def message(self) -> Message:
        """The refusal, as the store words it."""
        return store.DuplicateFileError(self.upload_id, self.created_at).message


@dataclass(frozen=True)
class ImportPreview:
    """What importing a prepared file would do now."""

    rows_new: int
    rows_repeated: int  # live with the same content: carried, not stored again
    rows_changed: int  # live with other content: the file's version supersedes it
    rows_held: int  # held back by validation: never stored
    repeated_from: tuple[UploadRef, ...] = ()  # the uploads that stored the repeated rows, newest first
    changed_from: tuple[UploadRef, ...] = ()  # the uploads whose versions the changed rows supersede, newest first
    years: tuple[int, ...] = ()  # the years of every row the file would hold
    years_written: tuple[int, ...] = ()  # the years whose stored rows change (new or changed rows)
    same_file: SameFile | None = None

    @property
    def rows_written(self) -> int:
        """Rows the import would store: new ones and new versions."""
        return self.rows_new + self.rows_changed

    @property
    def writes_anything(self) -> bool:
        """False when the import would store nothing (then it is not offered): same file, or nothing new or changed."""
        return self.same_file is None and self.rows_written > 0


class NothingNewError(CharterError):
    """An import asked for a file whose every valid row is stored already, unchanged."""

    def __init__(self, plan: ImportPreview) -> None:
        self.plan = plan
        said = nothing_new_message(plan)
        super().__init__(said.ko, said.en, code=said.code)


def nothing_new_message(plan: ImportPreview) -> Message:
    """Why nothing is imported (the uploads that already hold the rows named)."""
    where = ", ".join(f"#{u.id}" for u in plan.repeated_from[:5]) + (" …" if len(plan.repeated_from) > 5 else "")
    if plan.rows_repeated:
        return Message(f"새로 저장할 행이 없습니다: 가져올 수 있는 {plan.rows_repeated:,}행이 모두 이미 같은 내용으로 저장되어 "
                       f"있습니다 (업로드 {where}). 가져오지 않았습니다.",
                       f"Nothing new: all {plan.rows_repeated:,} valid rows are already stored with the same content "
                       f"(upload {where}). Nothing was imported.", code="nothing_new")
    return Message("가져올 수 있는 행이 없어 가져오지 않았습니다.", "No valid rows: nothing was imported.", code="no_valid_rows")


def preview(engine: Engine, prepared: Prepared) -> ImportPreview:
    """What `commit.commit(engine, prepared)` would do if it ran now (nothing is written)."""
    return preview_rows(engine, prepared.kind, prepared.sha256, prepared.rows, rows_held=prepared.rows_held)


def preview_rows(
    engine: Engine, kind: str, sha256: str, rows: pd.DataFrame, *, rows_held: int = 0
) -> ImportPreview:
    """What store.import_rows would do with these canonical rows of `kind` from the file `sha256`."""
    table = kinds.table_of(kind)
    keyed = _keyed(rows, kind)
    with engine.connect() as conn:
        live = store._active_versions(conn, table, keyed, kind)
        merged = keyed.merge(live, how="left", on="nk")
        stored = merged["old_id"].notna().to_numpy()
        repeated = stored & (merged["row_hash"] == merged["row_hash_old"]).to_numpy()
        changed = stored & ~repeated
        owner = merged["old_id"].map(_owner_ids(conn, table, merged.loc[stored, "old_id"]))
        counts = {"repeated": owner[repeated].value_counts(), "changed": owner[changed].value_counts()}
        uploads = _uploads(conn, {int(i) for c in counts.values() for i in c.index})
        # Asked last: on PostgreSQL each read sees what was committed when it began, and the same file committed
        # by another process between the reads must be seen as itself, not as "nothing new" (its rows and its
        # upload commit together, so a read of the rows that sees them is followed by one that sees the upload).
        same = same_file(conn, sha256)
    has_year = "year" in merged.columns
    return ImportPreview(
        rows_new=int((~stored).sum()),
        rows_repeated=int(repeated.sum()),
        rows_changed=int(merged.loc[changed, "old_id"].nunique()),
        rows_held=int(rows_held),
        repeated_from=_refs(counts["repeated"], uploads),
        changed_from=_refs(counts["changed"], uploads),
        years=_years(merged["year"]) if has_year else (),
        years_written=_years(merged.loc[~repeated, "year"]) if has_year else (),
        same_file=same,
    )


def same_file(conn: Connection, sha256: str) -> SameFile | None:
    """The live upload of the file with these bytes, if any (the store refuses a second one)."""
    try:
        store._refuse_same_file(conn, sha256)
    except store.DuplicateFileError as found:
        return SameFile(found.upload_id, found.created_at)
    return None


def same_file_upload(engine: Engine, file_bytes: bytes) -> SameFile | None:
    """The live upload of these bytes, asked before the file is even read as a table."""
    with engine.connect() as conn:
        return same_file(conn, store.file_sha256(file_bytes))


def _keyed(rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The rows as store.import_rows keys them: content hashed, one row per natural key (the last).

    The store normalises text (NFC, trimmed) before hashing; content_hashes applies that same normalisation
    to every text cell it hashes, so the hashes agree without a normalised copy of the rows."""
    keyed = rows.drop(columns=[c for c in ("row_hash",) if c in rows.columns])
    keyed = keyed.assign(row_hash=store.content_hashes(keyed))
    if "nk" not in keyed.columns:
        keyed["nk"] = store.natural_keys(keyed, kind)
    keyed = keyed.drop(columns=[c for c in ("_nk_extra",) if c in keyed.columns])
    return keyed.drop_duplicates(subset="nk", keep="last").reset_index(drop=True)


def _owner_ids(conn: Connection, table: Table, row_ids: pd.Series) -> pd.Series:
    """The upload that stored each live row: upload id indexed by row id."""
    ids, owners = [], []
    for chunk in versions._chunks(sorted({int(i) for i in row_ids})):
        # Rows unpacked as tuples: a DataFrame made from Row objects spends most of its time inspecting them.
        for row_id, upload_id in conn.execute(select(table.c.id, table.c.upload_id).where(table.c.id.in_(chunk))):
            ids.append(row_id)
            owners.append(upload_id)
    return pd.Series(np.array(owners, dtype="int64"), index=np.array(ids, dtype="float64"))


def _uploads(conn: Connection, ids: set[int]) -> dict[int, tuple[str, datetime]]:
    """(filename, created_at) of these uploads."""
    if not ids:
        return {}
    u = tables.uploads.c
    return {int(r[0]): (str(r[1]), r[2]) for r in conn.execute(select(u.id, u.filename, u.created_at).where(u.id.in_(sorted(ids))))}


def _refs(counts: pd.Series, uploads: dict[int, tuple[str, datetime]]) -> tuple[UploadRef, ...]:
    """The uploads counted in `counts` (rows per upload id), newest first."""
    pairs = sorted(zip(counts.index.tolist(), counts.tolist(), strict=True), key=lambda kv: -kv[0])
    return tuple(UploadRef(int(i), *uploads[int(i)], int(n)) for i, n in pairs)


def _years(years: pd.Series) -> tuple[int, ...]:
    return tuple(sorted({int(y) for y in years.dropna().unique()}))
