"""Several instances, one database: processes that import, undo and start at the same moment lose
nothing and double nothing, on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.dbcheck import ROOT, process_env, scalar

pytestmark = pytest.mark.db


def _calls_csv(path: Path, n: int) -> Path:
    # One call a minute from 09:00 on 2 March: every row its own natural key.
    lines = ["수신일시,내선번호,벨 울린 횟수"] + [f"2026-03-02 {9 + i // 60:02d}:{i % 60:02d}:00,7712,{1 + i % 3}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# Each process waits for the same moment, then runs one command: the commits meet as closely as they can.
AT_ONCE = textwrap.dedent(
    """
    import sys, time
    start = float(sys.argv[1])
    from metrics import cli
    while time.time() < start:
        time.sleep(0.001)
    sys.exit(cli.main(sys.argv[2:]))
    """
)


def _run_at_once(url: str, commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    start = time.time() + 4.0  # after every process has imported its libraries, even on a loaded machine
    procs = [subprocess.Popen([sys.executable, "-c", AT_ONCE, str(start), *cmd], env=process_env(url), cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for cmd in commands]
    return [subprocess.CompletedProcess(p.args, p.wait(timeout=240), *p.communicate()) for p in procs]


def test_the_same_file_imported_by_two_processes_at_once_is_stored_once(database_url, tmp_path):
    csv = _calls_csv(tmp_path / "calls.csv", 300)
    done = _run_at_once(database_url, [["ingest", str(csv), "--kind", "calls"]] * 2)
    assert sorted(d.returncode for d in done) == [0, 1], [d.stderr for d in done]
    refused = next(d for d in done if d.returncode == 1)
    assert "already imported" in refused.stdout + refused.stderr
    assert scalar(database_url, "SELECT COUNT(*) FROM uploads WHERE undone_at IS NULL") == 1
    assert scalar(database_url, "SELECT COUNT(*) FROM calls WHERE active") == 300


def test_a_file_and_the_same_file_plus_one_row_at_once_store_each_row_once(database_url, tmp_path):
    short = _calls_csv(tmp_path / "calls.csv", 300)
    longer = _calls_csv(tmp_path / "calls-plus-one.csv", 301)
    done = _run_at_once(database_url, [["ingest", str(short), "--kind", "calls"], ["ingest", str(longer), "--kind", "calls"]])
    assert [d.returncode for d in done] == [0, 0], [d.stderr for d in done]
    assert scalar(database_url, "SELECT COUNT(*) FROM calls WHERE active") == 301


def test_processes_starting_on_an_empty_database_all_find_it_ready(database_url):
    done = _run_at_once(database_url, [["db", "current"]] * 4)
    assert [d.returncode for d in done] == [0] * 4, [d.stderr[-800:] for d in done]
    assert all("up to date" in d.stdout for d in done)


def test_an_undo_and_an_import_at_once_both_take_effect(database_url, tmp_path):
    first = _calls_csv(tmp_path / "calls.csv", 200)
    assert subprocess.run([sys.executable, "-m", "metrics", "ingest", str(first), "--kind", "calls"], env=process_env(database_url),
                          cwd=ROOT, capture_output=True, timeout=240).returncode == 0
    later = tmp_path / "calls-april.csv"
    later.write_text("수신일시,내선번호,벨 울린 횟수\n" + "".join(f"2026-04-01 10:{i:02d}:00,7712,1\n" for i in range(50)),
                     encoding="utf-8")
    done = _run_at_once(database_url, [["undo", "1"], ["ingest", str(later), "--kind", "calls"]])
    assert [d.returncode for d in done] == [0, 0], [d.stderr for d in done]
    assert scalar(database_url, "SELECT COUNT(*) FROM calls WHERE active") == 50
    assert scalar(database_url, "SELECT version FROM data_state") == 3  # import, undo, import: each counted once


def test_the_same_file_committed_elsewhere_while_a_preview_reads_is_refused_as_that_file(engine, monkeypatch):
    """Another instance commits the very same file between the preview's reads: the preview must see it as the
    same file (refused), not as rows already stored ("nothing new", which the command line counts as success)."""
    from metrics import store
    from metrics.intake.ingest import ingest_file

    data = ("수신일시,내선번호,벨 울린 횟수\n" + "".join(f"2026-03-02 09:{i:02d}:00,7712,1\n" for i in range(20))).encode()
    real, meanwhile_done = store._active_versions, []

    def rows_read_after_the_other_commit(conn, table, rows, kind):
        if not meanwhile_done:
            meanwhile_done.append("started")  # the other instance's own reads go straight through
            meanwhile_done[0] = ingest_file(engine, data, "calls.csv", kind="calls").status
        return real(conn, table, rows, kind)

    monkeypatch.setattr(store, "_active_versions", rows_read_after_the_other_commit)
    report = ingest_file(engine, data, "calls.csv", kind="calls")
    assert meanwhile_done == ["imported"]
    assert report.status == "rejected" and report.message.code == "duplicate_file", report.message
    with engine.connect() as conn:
        assert len(conn.execute(store.tables.uploads.select()).fetchall()) == 1
