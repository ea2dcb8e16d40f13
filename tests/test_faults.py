"""Faults and concurrency: uploads land whole or not at all, even across processes and a hard kill."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.dbcheck import ROOT, process_env, scalar
from tests.sheets import xlsx


def _events_file(tmp_path: Path, name: str, n: int, title: str) -> Path:
    rows = [["행사구분", "개최일", "행사명"]] + [["워크숍", f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}", f"{title} {i}"] for i in range(n)]
    path = tmp_path / name
    path.write_bytes(xlsx(rows))
    return path


def test_two_processes_uploading_at_once_both_land_whole(tmp_path, database_url):
    db = database_url
    files = [_events_file(tmp_path, f"p{i}.xlsx", 3000, f"proc{i}") for i in range(2)]
    procs = [
        subprocess.Popen([sys.executable, "-m", "metrics", "ingest", str(f), "--kind", "events"], env=process_env(db),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        for f in files
    ]
    outcomes = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], "\n".join(err.decode()[-2000:] for _out, err in outcomes)
    assert scalar(db, "SELECT COUNT(*) FROM events WHERE active") == 6000
    assert scalar(db, "SELECT COUNT(*) FROM uploads WHERE rows_imported = 3000") == 2


KILLED_DURING_UPLOAD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from metrics import store
    from metrics.intake.ingest import ingest_file

    real_insert = store._bulk_insert

    def insert_then_hang(conn, table, frame):
        real_insert(conn, table, frame)
        Path(sys.argv[2]).write_text("inserted")  # rows written, transaction still open
        time.sleep(60)

    store._bulk_insert = insert_then_hang
    data = Path(sys.argv[1]).read_bytes()
    ingest_file(store.get_engine(), data, "big.xlsx", kind="events")
    """
)


def test_a_process_killed_during_an_upload_leaves_no_partial_upload(tmp_path, database_url):
    db = database_url
    first = _events_file(tmp_path, "first.xlsx", 10, "before")
    subprocess.run([sys.executable, "-m", "metrics", "ingest", str(first), "--kind", "events"], env=process_env(db), cwd=ROOT, check=True,
                   capture_output=True)
    big = _events_file(tmp_path, "big.xlsx", 2000, "killed")
    marker = tmp_path / "inserted.flag"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_DURING_UPLOAD, str(big), str(marker)], env=process_env(db), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), proc.communicate()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    if db.startswith("sqlite"):
        assert scalar(db, "PRAGMA integrity_check") == "ok"
    assert scalar(db, "SELECT COUNT(*) FROM uploads") == 1
    assert scalar(db, "SELECT COUNT(*) FROM events") == 10
    assert scalar(db, "SELECT COUNT(*) FROM events WHERE title LIKE 'killed%'") == 0
    # And the database still takes uploads.
    again = subprocess.run([sys.executable, "-m", "metrics", "ingest", str(big), "--kind", "events"], env=process_env(db), cwd=ROOT,
                           capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert scalar(db, "SELECT COUNT(*) FROM events") == 2010


OPEN_AND_CLOSE_MANY_TIMES = textwrap.dedent(
    """
    import sys, time
    from metrics.store import database
    from metrics import store
    start = float(sys.argv[1])
    while time.time() < start:
        pass
    engine = store.get_engine()
    for _ in range(800):
        with database.writing(engine) as conn:
            conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS scratch (x)")
            conn.exec_driver_sql("INSERT INTO scratch VALUES (1)")
        engine.dispose()  # the last handle closing checkpoints the WAL away: the moment others see "locked"
    """
)


@pytest.mark.sqlite_only(reason="SQLite's WAL checkpoint on close")
def test_processes_opening_and_closing_the_database_at_once_never_see_it_locked(database_url):
    db = database_url
    start = time.time() + 3.0  # after every process has imported
    procs = [
        subprocess.Popen([sys.executable, "-c", OPEN_AND_CLOSE_MANY_TIMES, str(start)], env=process_env(db), cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(6)
    ]
    outcomes = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, "\n".join(err.decode()[-1500:] for _out, err in outcomes)
