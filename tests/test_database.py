"""The database connection: readers never wait for a writer, failures are one clear line, files are private."""

from __future__ import annotations

import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from metrics import store
from metrics.store import database, frames

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.db
def test_pages_and_reads_keep_working_while_an_upload_holds_the_write_lock(engine):
    holding, release = threading.Event(), threading.Event()

    def long_upload():
        with database.writing(engine, serialise=True) as conn:
            conn.execute(text("UPDATE data_state SET version = version"))  # the write lock is taken
            holding.set()
            release.wait(60)

    writer = threading.Thread(target=long_upload)
    writer.start()
    try:
        assert holding.wait(30)
        # Each of these would wait out the 30 s busy timeout and fail if reads took the write lock.
        assert store.list_uploads(engine).empty
        assert store.data_version(engine) == 0
        assert frames.data_years(engine) == []
        assert writer.is_alive()  # the writer still held its transaction while we read
    finally:
        release.set()
        writer.join(30)


def test_a_locked_database_is_said_in_one_line_without_sql():
    error = OperationalError("INSERT INTO cases (title) VALUES ('비밀 민원')", {}, Exception("database is locked"))
    ko, en = database.failure_message(error)
    assert "잠겨" in ko and "locked" in en
    assert "비밀" not in ko + en and "INSERT" not in ko + en


@pytest.mark.parametrize(("driver_says", "word"), [
    ("attempt to write a readonly database", "read-only"),
    ("database or disk is full", "disk is full"),
    ('could not extend file "base/16384/2619": No space left on device', "disk is full"),
    ("something nobody foresaw", "failed"),
])
def test_database_failures_are_told_apart(driver_says, word):
    assert word in database.failure_message(OperationalError("SELECT 1", {}, Exception(driver_says)))[1]


@pytest.mark.db
@pytest.mark.sqlite_only(reason="file permissions of the SQLite file")
def test_a_new_sqlite_database_and_its_folder_are_readable_by_the_owner_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'private' / 'charter.db'}"
    try:
        store.get_engine(url)
        assert stat.S_IMODE((tmp_path / "private").stat().st_mode) == 0o700
        assert stat.S_IMODE((tmp_path / "private" / "charter.db").stat().st_mode) == 0o600
    finally:
        database.forget_engine(url)


@pytest.mark.db
@pytest.mark.sqlite_only(reason="a read-only SQLite file")
def test_the_command_line_says_a_read_only_database_in_one_line(tmp_path):
    import os

    db = tmp_path / "charter.db"
    store.get_engine(f"sqlite:///{db}")
    database.forget_engine(f"sqlite:///{db}")
    # Opened read-only by SQLite itself (file permissions do not stop root, who runs CI).
    url = f"sqlite:///file:{db}?mode=ro&uri=true"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    sample = ROOT / "data" / "samples" / "events_2023-2026.xlsx"
    done = subprocess.run([sys.executable, "-m", "metrics", "ingest", str(sample), "--kind", "events"],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "read-only" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_the_core_writes_only_through_the_write_transaction():
    # engine.begin() would start a deferred transaction on SQLite: a writer that read first then fails on
    # upgrade. Every write in metrics/ goes through database.writing (BEGIN IMMEDIATE, the PostgreSQL lock).
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "metrics").rglob("*.py")) if path.name != "database.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if ".begin()" in line
    ]
    assert offenders == []
