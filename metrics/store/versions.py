"""Which stored version of a row is the live one: the rule that imports and undos both follow.

For every natural key, the active row is the one carried by the newest upload not undone. An upload
carries the rows it stored (their `upload_id`) and the rows it repeated unchanged (table `carried`).
So undoing any upload, not only the last, leaves what importing the other uploads in their order
into an empty database would leave.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Connection, Table, delete, exists, func, select, update

from metrics.store import bulk, tables

# Ids or keys per IN (...) list: far under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
CHUNK = 5000
carried = tables.carried
T = TypeVar("T")


def _chunks(values: list[T], size: int = CHUNK) -> Iterable[list[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def record_carried(conn: Connection, table: Table, upload_id: int, row_ids: Iterable[int]) -> None:
    """Note that `upload_id` repeated these stored rows unchanged."""
    ids = np.fromiter((int(i) for i in row_ids), dtype="int64")
    frame = pd.DataFrame({"upload_id": upload_id, "table_name": table.name, "row_id": ids})
    bulk.insert_frame(conn, carried, frame)


def deactivate(conn: Connection, table: Table, row_ids: Iterable[int]) -> None:
    """Mark rows as no longer live (a newer version replaced them)."""
    _set_active(conn, table, [int(i) for i in row_ids], False)


def withdraw(conn: Connection, table: Table, upload_id: int) -> None:
    """Take an upload out of the rule: its carried marks go, its rows go unless a later upload carries
    them (then the earliest such upload becomes their owner), and every key it touched gets its live row again."""
    touched = _touched_keys(conn, table, upload_id)
    conn.execute(delete(carried).where(carried.c.upload_id == upload_id, carried.c.table_name == table.name))
    _hand_over(conn, table, upload_id)
    conn.execute(delete(table).where(table.c.upload_id == upload_id))  # what nobody carries any more
    choose_live(conn, table, touched)


def choose_live(conn: Connection, table: Table, keys: list[str]) -> None:
    """For each natural key, make exactly the row carried by the newest upload the active one."""
    if not keys:
        return
    rows = pd.concat([_rows_of(conn, table, table.c.nk.in_(chunk)) for chunk in _chunks(keys)], ignore_index=True)
    if rows.empty:
        return
    newest_carrier = _carriers_of(conn, table, rows["id"].tolist()).groupby("row_id")["upload_id"].max()
    rows["newest"] = np.maximum(rows["upload_id"], rows["id"].map(newest_carrier).fillna(-1)).astype("int64")
    live = rows.sort_values(["nk", "newest", "id"]).drop_duplicates("nk", keep="last")["id"]
    is_live = rows["id"].isin(set(live))
    active = rows["active"].astype(bool)
    _set_active(conn, table, rows.loc[is_live & ~active, "id"].tolist(), True)
    _set_active(conn, table, rows.loc[~is_live & active, "id"].tolist(), False)


def _touched_keys(conn: Connection, table: Table, upload_id: int) -> list[str]:
    """The natural keys of the rows an upload stored or carried."""
    own = select(table.c.nk).where(table.c.upload_id == upload_id)
    marks = select(carried.c.row_id).where(carried.c.upload_id == upload_id, carried.c.table_name == table.name)
    repeated = select(table.c.nk).where(table.c.id.in_(marks))
    return sorted({r.nk for r in conn.execute(own.union(repeated))})


def _hand_over(conn: Connection, table: Table, upload_id: int) -> None:
    """Rows of an undone upload that a later upload still carries now belong to the earliest such upload,
    whose carried mark on them goes (an owner does not carry its own row)."""
    marks_on_row = (carried.c.table_name == table.name) & (carried.c.row_id == table.c.id)
    heir = select(func.min(carried.c.upload_id)).where(marks_on_row).scalar_subquery()
    conn.execute(update(table).where(table.c.upload_id == upload_id, exists().where(marks_on_row)).values(upload_id=heir))
    owned_by_marker = select(table.c.id).where(table.c.id == carried.c.row_id, table.c.upload_id == carried.c.upload_id)
    conn.execute(delete(carried).where(carried.c.table_name == table.name, exists(owned_by_marker)))


def _set_active(conn: Connection, table: Table, ids: list[int], value: bool) -> None:
    for chunk in _chunks(ids):
        conn.execute(update(table).where(table.c.id.in_(chunk)).values(active=value))


def _rows_of(conn: Connection, table: Table, condition: ColumnElement[bool]) -> pd.DataFrame:
    query = select(table.c.id, table.c.nk, table.c.upload_id, table.c.active).where(condition)
    return pd.DataFrame(conn.execute(query).all(), columns=["id", "nk", "upload_id", "active"])


def _carriers_of(conn: Connection, table: Table, row_ids: list[int]) -> pd.DataFrame:
    """(row_id, upload_id) of every carried mark on these rows."""
    parts = [
        pd.DataFrame(conn.execute(select(carried.c.row_id, carried.c.upload_id)
                                  .where(carried.c.table_name == table.name, carried.c.row_id.in_(chunk))).all(),
                     columns=["row_id", "upload_id"])
        for chunk in _chunks([int(i) for i in row_ids])
    ]
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"row_id": [], "upload_id": []}, dtype="int64")
