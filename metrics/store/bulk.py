"""Many rows into one table fast, inside the caller's transaction: COPY on PostgreSQL, the driver's
executemany elsewhere. Values are handed over as plain Python values, dates as ISO text."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Date, Table


def insert_frame(conn: Connection, table: Table, frame: pd.DataFrame) -> None:
    """Insert through the driver: COPY on PostgreSQL, executemany elsewhere (SQLAlchemy's per-row
    parameter handling costs 5× more)."""
    if frame.empty:
        return
    columns = [c.name for c in table.columns if c.name != "id" and c.name in frame.columns]
    rows = driver_rows(frame[columns], table)
    if conn.dialect.name == "postgresql":
        _copy_rows(conn, table.name, columns, rows)
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    conn.exec_driver_sql(sql, rows)


def _copy_rows(conn: Connection, table_name: str, columns: list[str], rows: list[tuple[object, ...]]) -> None:
    """PostgreSQL's COPY through psycopg, inside the upload's transaction (names are the schema's own)."""
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None  # a connection in use holds its driver connection
    cursor = dbapi.cursor()
    try:
        with cursor.copy(f"COPY {table_name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()


def driver_rows(frame: pd.DataFrame, table: Table) -> list[tuple[object, ...]]:
    """Rows as tuples of plain Python values; dates as ISO text (the form SQLAlchemy reads back)."""
    values: list[list[object]] = []
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_datetime64_any_dtype(col):
            values.append(_iso_text(col, with_time=not isinstance(table.c[name].type, Date)))
        elif pd.api.types.is_bool_dtype(col):
            values.append([None if v is pd.NA else bool(v) for v in col.astype("object").tolist()])  # nullable: NA is NULL
        elif pd.api.types.is_float_dtype(col):
            values.append([None if v != v else v for v in col.to_numpy(dtype=float).tolist()])
        else:
            obj = col.astype("object")
            values.append(obj.where(obj.notna(), None).tolist())
    return list(zip(*values, strict=True))


def _iso_text(col: pd.Series[pd.Timestamp], *, with_time: bool) -> list[object]:
    arr = col.to_numpy(dtype="datetime64[us]")
    text = np.datetime_as_string(arr.astype("datetime64[D]")) if not with_time else np.char.replace(
        np.datetime_as_string(arr, unit="us"), "T", " "
    )
    return [None if missing else t for missing, t in zip(np.isnat(arr).tolist(), text.tolist(), strict=True)]
