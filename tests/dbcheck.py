"""What a database holds, read through SQLAlchemy: the same checks on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
TEST_KEY = "test-key-not-secret-0123456789abcdef"  # a fixed pseudonymisation key, never a real one


def process_env(url: str) -> dict:
    """The environment of a process a test starts (`python -m metrics ...`) on the test's database."""
    return {**os.environ, "DATABASE_URL": url, "PSEUDONYM_KEY": TEST_KEY, "PYTHONPATH": str(ROOT)}


def scalar(url: str, sql: str):
    """One value from the database, read by a fresh connection (as another process would)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar_one()
    finally:
        engine.dispose()


def snapshot(engine: Engine, skip: tuple[str, ...] = ()) -> dict[str, tuple[tuple[str, ...], list[tuple[str, ...]]]]:
    """Every table (but `skip`) as its column names and its rows in a fixed order: what "unchanged" compares."""
    meta = MetaData()
    meta.reflect(engine)
    out = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            if table.name in skip:
                continue
            rows = sorted(tuple(repr(value) for value in row) for row in conn.execute(table.select()))
            out[table.name] = (tuple(table.columns.keys()), rows)
    return out


# A hex digest (file and row hashes, pseudonyms) holds any short run of digits by chance, never a secret.
DIGEST = re.compile(r"[0-9a-f]{32,}")


def stored_text(engine: Engine) -> str:
    """Every value stored in every table as text, one per line, hex digests left out: what "never stored" searches."""
    meta = MetaData()
    meta.reflect(engine)
    parts = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(table.select()):
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        value = bytes(value).decode("utf-8", errors="replace")
                    if not (isinstance(value, str) and DIGEST.fullmatch(value)):
                        parts.append(str(value))
    return "\n".join(parts)
