"""Every instance sees every commit (issue 10 §3): pages cache on the data version, a counter changed in the
same transaction as the data, so it follows commit order; an upload's id, taken when it starts, need not.

On PostgreSQL an upload row can take its id and commit after a later one, but imports take turns under an
advisory lock taken before the id, so only a writer outside that lock can make it happen: the app test makes
one (the import in this process without the lock, the later one a separate process with it). On SQLite the
write lock is taken at BEGIN, before any id: a later import cannot even start writing while an earlier one
is open, so ids follow commit order there by construction, and the app test shows each commit in turn.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, exc

from metrics import clock, store
from metrics.intake.ingest import ingest_file
from metrics.store import database
from tests.app_fixtures import ROOT, browser_missing_reason, browser_page, running_app, wait_drawn
from tests.dbcheck import process_env, scalar
from tests.sheets import csv

NO_BROWSER = browser_missing_reason()
WAIT_S = 120  # generous: a loaded CI machine is slow, and a wait that ends early only fails the test


def _attendance(course: str, trainees: list[str]) -> bytes:
    """Trainees who completed `course` today: each one more on this year's trainees card."""
    today = clock.today().isoformat()
    return csv([["교육과정명", "교육종료일", "수료여부", "교육생번호"], *[[course, today, "수료", t] for t in trainees]])


def _eventually(check, what: str, timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {timeout_s:.0f} s: {what}")
        time.sleep(0.1)


class HeldImport:
    """An import in a thread of this process, held inside its transaction just after its upload row took its
    id, until `finish()`; `report` is what ingest_file returned once it is done."""

    def __init__(self, monkeypatch, engine, data: bytes, filename: str):
        self.taken, self._release = threading.Event(), threading.Event()
        self.upload_id: int | None = None
        self.report = None
        self._error: BaseException | None = None
        original = store._bulk_insert

        def held_insert(conn, table, frame):  # store.import_rows calls it right after logging the upload
            if threading.current_thread() is self._thread and not self.taken.is_set():
                self.upload_id = int(frame["upload_id"].iloc[0])
                self.taken.set()
                if not self._release.wait(timeout=WAIT_S * 2):
                    raise TimeoutError("the held import was never released")
            return original(conn, table, frame)

        monkeypatch.setattr(store, "_bulk_insert", held_insert)
        self._thread = threading.Thread(target=self._run, args=(engine, data, filename), daemon=True)
        self._thread.start()
        if not self.taken.wait(timeout=WAIT_S):
            raise TimeoutError(f"the import did not reach its insert in {WAIT_S} s: {self._error!r}")

    def _run(self, engine, data, filename):
        try:
            self.report = ingest_file(engine, data, filename, kind="attendance")
        except BaseException as error:  # noqa: BLE001 - handed to the test by finish()
            self._error = error

    def finish(self):
        """Let it go on and commit; returns its report."""
        self._release.set()
        self._thread.join(timeout=WAIT_S)
        assert not self._thread.is_alive(), "the held import did not finish"
        if self._error is not None:
            raise self._error
        assert self.report.status == "imported", self.report.message
        return self.report


@pytest.fixture
def hold(monkeypatch):
    """Start a HeldImport; whatever a failing test left held is let go at its end."""
    made: list[HeldImport] = []

    def start(engine, data: bytes, filename: str) -> HeldImport:
        made.append(HeldImport(monkeypatch, engine, data, filename))
        return made[-1]

    yield start
    for held in made:
        held._release.set()


def _import_in_another_process(url: str, folder: Path, name: str, data: bytes) -> None:
    """`python -m metrics ingest`, as a second instance (or a manager at a terminal) would run it."""
    path = folder / name
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-m", "metrics", "ingest", str(path), "--kind", "attendance"],
                          env=process_env(url), cwd=ROOT, capture_output=True, text=True, timeout=WAIT_S * 2)
    assert done.returncode == 0, done.stdout + done.stderr


def _refused_while_locked(url: str, data: bytes) -> None:
    """On SQLite: another connection that will not wait is told at once that the database is locked
    (the app's connections wait up to 30 s for the lock; this one shows who holds it)."""
    impatient = create_engine(url, connect_args={"timeout": 0, "check_same_thread": False})
    database._configure_sqlite(impatient)  # BEGIN IMMEDIATE for writes, as the app's engine does
    try:
        with pytest.raises(exc.OperationalError, match="locked"):
            ingest_file(impatient, data, "b.csv", kind="attendance")
    finally:
        impatient.dispose()


def _waiting_on_the_import_lock(url: str) -> bool:
    """On PostgreSQL: some session is waiting for the advisory lock that imports take turns under."""
    return scalar(url, "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") > 0


def _old_marker(url: str) -> tuple[int, int]:
    """What pages used to cache on: the highest upload id and the number of undos."""
    return tuple(scalar(url, sql) for sql in ("SELECT MAX(id) FROM uploads",
                                             "SELECT COUNT(undone_at) FROM uploads"))


def test_an_import_that_starts_while_another_is_open_waits_for_it_so_ids_follow_commit_order(
        hold, database_url):
    engine = store.get_engine(database_url)
    held = hold(engine, _attendance("가 과정", ["A-1", "A-2"]), "a.csv")
    if engine.dialect.name == "postgresql":
        later: dict = {}
        other = threading.Thread(target=lambda: later.update(
            report=ingest_file(engine, _attendance("나 과정", ["B-1"]), "b.csv", kind="attendance")), daemon=True)
        other.start()
        _eventually(lambda: _waiting_on_the_import_lock(database_url), "the second import waits for the lock")
        assert scalar(database_url, "SELECT COUNT(*) FROM uploads") == 0  # nothing committed while the first is open
        first = held.finish()
        other.join(timeout=WAIT_S)
        assert not other.is_alive()
        second = later["report"]
    else:
        _refused_while_locked(database_url, _attendance("나 과정", ["B-1"]))
        first = held.finish()
        second = ingest_file(engine, _attendance("나 과정", ["B-1"]), "b.csv", kind="attendance")
    assert second.status == "imported", second.message
    assert first.upload_id < second.upload_id
    assert store.data_version(engine) == 2


def _trainees_shown(page, app, year: int) -> str:
    """Load the scorecard afresh (a new page load: a new session, with the printed link) and read the number
    on this year's trainees card."""
    page.goto(app.link(year=year))
    wait_drawn(page, timeout_s=WAIT_S)
    value = page.locator('.kpi-card[data-kpi="edu.trainees"] .kpi-value')
    value.wait_for(timeout=WAIT_S * 1000)
    return value.inner_text().strip()


@pytest.mark.browser
@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_two_app_processes_both_show_an_upload_that_committed_after_a_later_one_once_reloaded(
        hold, monkeypatch, database_url, tmp_path):
    engine = store.get_engine(database_url)
    assert ingest_file(engine, _attendance("다 과정", ["C-1"]), "base.csv", kind="attendance").status == "imported"
    year = clock.today().year
    postgres = engine.dialect.name == "postgresql"
    with (
        running_app(database_url) as first_app,
        running_app(database_url) as second_app,
        tempfile.TemporaryDirectory() as profile,
        browser_page(Path(profile)) as first,
    ):
        second = first.context.new_page()
        views = [(first, first_app), (second, second_app)]
        assert [_trainees_shown(page, app, year) for page, app in views] == ["1", "1"]

        a_file, b_file = _attendance("가 과정", ["A-1", "A-2"]), _attendance("나 과정", ["B-1", "B-2", "B-3", "B-4"])
        if postgres:
            # A writer outside the import lock: A takes its id, B (another process, with the lock) commits
            # a later id, then A commits. The old marker cannot see A's commit; the data version does.
            writing = database.writing
            monkeypatch.setattr(database, "writing", lambda eng, serialise=False: writing(eng))
            held = hold(engine, a_file, "a.csv")
            _import_in_another_process(database_url, tmp_path, "b.csv", b_file)
            assert [_trainees_shown(page, app, year) for page, app in views] == ["5", "5"]  # base and B
            marker, version = _old_marker(database_url), store.data_version(engine)
            report = held.finish()
            assert report.upload_id < marker[0]  # A's id is below B's: A committed out of id order
            assert _old_marker(database_url) == marker and store.data_version(engine) == version + 1
        else:
            # SQLite: while A is open nobody else can write, so B can take no id and commit nothing before A.
            held = hold(engine, a_file, "a.csv")
            _refused_while_locked(database_url, b_file)
            held.finish()
            assert [_trainees_shown(page, app, year) for page, app in views] == ["3", "3"]  # base and A
            _import_in_another_process(database_url, tmp_path, "b.csv", b_file)
        assert [_trainees_shown(page, app, year) for page, app in views] == ["7", "7"]  # base, A and B
    assert scalar(database_url, "SELECT COUNT(*) FROM uploads WHERE undone_at IS NULL") == 3
