"""Which stored version of a row is the live one: the rule that imports and undos both follow.

For every natural key, the active row is the one carried by the newest upload not undone. An upload
carries the rows it stored (their `upload_id`) and the rows it repeated unchanged (table `carried`).
So undoing any upload, not only the last, leaves what importing the other uploads in their order
into an empty database would leave.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, delete, select, update

from metrics import schema

CHUNK = 500  # ids or keys per IN (...) list: well under every backend's parameter limit


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def record_carried(conn: Connection, table: Table, upload_id: int, row_ids: Iterable[int]) -> None:
    """Note that `upload_id` repeated these stored rows unchanged."""
    records = [{"upload_id": upload_id, "table_name": table.name, "row_id": int(i)} for i in row_ids]
    for chunk in _chunks(records, 5000):
        conn.execute(schema.carried.insert(), chunk)


def deactivate(conn: Connection, table: Table, row_ids: Iterable[int]) -> None:
    """Mark rows as no longer live (a newer version replaced them)."""
    for chunk in _chunks([int(i) for i in row_ids]):
        conn.execute(update(table).where(table.c.id.in_(chunk)).values(active=False))


def withdraw(conn: Connection, table: Table, upload_id: int) -> None:
    """Take an upload out of the rule: its carried marks go, its rows go unless a later upload carries
    them (then that upload becomes their owner), and every key it touched gets its live row again."""
    own = _rows_of(conn, table, table.c.upload_id == upload_id)
    carried_ids = _carried_ids(conn, table, upload_id)
    touched_keys = set(own["nk"]) | set(_rows_by_id(conn, table, carried_ids)["nk"])
    conn.execute(delete(schema.carried).where(schema.carried.c.upload_id == upload_id,
                                              schema.carried.c.table_name == table.name))
    _hand_over_or_delete(conn, table, own["id"].tolist())
    choose_live(conn, table, sorted(touched_keys))


def choose_live(conn: Connection, table: Table, keys: list[str]) -> None:
    """For each natural key, make exactly the row carried by the newest upload the active one."""
    if not keys:
        return
    rows = pd.concat([_rows_of(conn, table, table.c.nk.in_(chunk)) for chunk in _chunks(keys)], ignore_index=True)
    if rows.empty:
        return
    newest_carrier = _carriers_of(conn, table, rows["id"].tolist()).groupby("row_id")["upload_id"].max()
    rows["newest"] = np.maximum(rows["upload_id"], rows["id"].map(newest_carrier).fillna(-1)).astype("int64")
    live = set(rows.sort_values(["nk", "newest", "id"]).drop_duplicates("nk", keep="last")["id"])
    to_on = [int(i) for i, a in zip(rows["id"], rows["active"], strict=True) if i in live and not a]
    to_off = [int(i) for i, a in zip(rows["id"], rows["active"], strict=True) if i not in live and a]
    deactivate(conn, table, to_off)
    for chunk in _chunks(to_on):
        conn.execute(update(table).where(table.c.id.in_(chunk)).values(active=True))


def _hand_over_or_delete(conn: Connection, table: Table, row_ids: list[int]) -> None:
    """Rows of an undone upload: kept and handed to their earliest remaining carrier, else deleted."""
    carriers = _carriers_of(conn, table, row_ids)
    heirs = carriers.groupby("row_id")["upload_id"].min() if not carriers.empty else pd.Series(dtype="int64")
    for row_id, heir in heirs.items():
        conn.execute(update(table).where(table.c.id == int(row_id)).values(upload_id=int(heir)))
        conn.execute(delete(schema.carried).where(schema.carried.c.upload_id == int(heir),
                                                  schema.carried.c.table_name == table.name,
                                                  schema.carried.c.row_id == int(row_id)))
    orphans = [i for i in row_ids if i not in heirs.index]
    for chunk in _chunks(orphans):
        conn.execute(delete(table).where(table.c.id.in_(chunk)))


def _rows_of(conn: Connection, table: Table, condition) -> pd.DataFrame:
    query = select(table.c.id, table.c.nk, table.c.upload_id, table.c.active).where(condition)
    return pd.DataFrame(conn.execute(query).all(), columns=["id", "nk", "upload_id", "active"])


def _rows_by_id(conn: Connection, table: Table, row_ids: list[int]) -> pd.DataFrame:
    parts = [_rows_of(conn, table, table.c.id.in_(chunk)) for chunk in _chunks(row_ids)]
    return pd.concat(parts, ignore_index=True) if parts else _rows_of(conn, table, table.c.id.is_(None))


def _carried_ids(conn: Connection, table: Table, upload_id: int) -> list[int]:
    c = schema.carried.c
    query = select(c.row_id).where(c.upload_id == upload_id, c.table_name == table.name)
    return [r.row_id for r in conn.execute(query)]


def _carriers_of(conn: Connection, table: Table, row_ids: list[int]) -> pd.DataFrame:
    """(row_id, upload_id) of every carried mark on these rows."""
    c = schema.carried.c
    parts = [
        pd.DataFrame(conn.execute(select(c.row_id, c.upload_id).where(c.table_name == table.name, c.row_id.in_(chunk))).all(),
                     columns=["row_id", "upload_id"])
        for chunk in _chunks([int(i) for i in row_ids])
    ]
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["row_id", "upload_id"])
