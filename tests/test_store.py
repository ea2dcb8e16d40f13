"""The store keeps every upload whole, recognises repeats, and undoes exactly."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from metrics import store
from tests.dbcheck import snapshot
from tests.sheets import cases_frame


def _meta(name, content=None):
    return store.UploadMeta(filename=name, sha256=hashlib.sha256((content or name).encode()).hexdigest(), kind="cases")


def _active_cases(engine):
    return store.read_active(engine, "cases").sort_values("ref").reset_index(drop=True)


OPEN_CASE = ("cert_review", "A-1", "서류검토", "2026-03-02", None, None)
CLOSED_CASE = ("cert_review", "A-1", "서류검토", "2026-03-02", "2026-03-10", None)
OTHER_CASE = ("web_inquiry", "W-7", "문의", "2026-03-05", "2026-03-06", None)


def test_an_upload_stores_its_rows_and_logs_itself(engine):
    result = store.import_rows(engine, _meta("a.xlsx"), cases_frame([OPEN_CASE, OTHER_CASE]))
    assert (result.rows_imported, result.rows_duplicate) == (2, 0)
    log = store.list_uploads(engine)
    assert log.loc[0, "filename"] == "a.xlsx" and log.loc[0, "rows_imported"] == 2
    assert list(_active_cases(engine)["ref"]) == ["A-1", "W-7"]


def test_the_same_file_twice_is_refused(engine):
    store.import_rows(engine, _meta("a.xlsx"), cases_frame([OPEN_CASE]))
    with pytest.raises(store.DuplicateFileError, match="#1"):
        store.import_rows(engine, _meta("copy.xlsx", "a.xlsx"), cases_frame([OPEN_CASE]))
    assert len(_active_cases(engine)) == 1


def test_rows_already_stored_are_not_counted_twice(engine):
    store.import_rows(engine, _meta("march.xlsx"), cases_frame([OPEN_CASE, OTHER_CASE]))
    second = store.import_rows(engine, _meta("march-again.xlsx"), cases_frame([OTHER_CASE]))
    assert (second.rows_imported, second.rows_duplicate) == (0, 1)
    assert len(_active_cases(engine)) == 2


def test_a_closed_case_replaces_its_open_version_and_undo_brings_it_back(engine):
    store.import_rows(engine, _meta("march.xlsx"), cases_frame([OPEN_CASE]))
    second = store.import_rows(engine, _meta("april.xlsx"), cases_frame([CLOSED_CASE]))
    assert second.rows_superseded == 1
    active = _active_cases(engine)
    assert len(active) == 1 and str(active.loc[0, "completed"]).startswith("2026-03-10")
    store.undo_upload(engine, second.upload_id)
    active = _active_cases(engine)
    assert len(active) == 1 and pd.isna(active.loc[0, "completed"])


def test_undo_restores_the_database_exactly(engine):
    store.import_rows(engine, _meta("first.xlsx"), cases_frame([OPEN_CASE]))
    before = snapshot(engine, skip=("uploads", "data_state"))
    second = store.import_rows(engine, _meta("second.xlsx"), cases_frame([CLOSED_CASE, OTHER_CASE]))
    store.undo_upload(engine, second.upload_id)
    # Data tables identical; only the upload log and the data version remember the undone upload.
    assert snapshot(engine, skip=("uploads", "data_state")) == before
    assert store.list_uploads(engine).loc[0, "undone_at"] is not None


def test_undoing_twice_is_a_clear_error(engine):
    result = store.import_rows(engine, _meta("a.xlsx"), cases_frame([OPEN_CASE]))
    store.undo_upload(engine, result.upload_id)
    with pytest.raises(store.UnknownUploadError, match="already undone"):
        store.undo_upload(engine, result.upload_id)


def test_a_file_undone_can_be_uploaded_again(engine):
    first = store.import_rows(engine, _meta("a.xlsx"), cases_frame([OPEN_CASE]))
    store.undo_upload(engine, first.upload_id)
    again = store.import_rows(engine, _meta("a.xlsx"), cases_frame([OPEN_CASE]))
    assert again.rows_imported == 1


def test_a_failure_mid_upload_leaves_the_database_as_before(engine):
    store.import_rows(engine, _meta("first.xlsx"), cases_frame([OPEN_CASE]))
    before = snapshot(engine)
    with pytest.raises(RuntimeError, match="injected"):
        store.import_rows(engine, _meta("second.xlsx"), cases_frame([CLOSED_CASE, OTHER_CASE]), fail_after_insert=True)
    assert snapshot(engine) == before


def test_data_version_changes_with_import_and_undo(engine):
    v0 = store.data_version(engine)
    result = store.import_rows(engine, _meta("a.xlsx"), cases_frame([OPEN_CASE]))
    v1 = store.data_version(engine)
    store.undo_upload(engine, result.upload_id)
    assert len({v0, v1, store.data_version(engine)}) == 3


def test_two_threads_uploading_at_once_both_land_whole(engine):
    from concurrent.futures import ThreadPoolExecutor

    batches = [
        cases_frame([("cert_review", f"T{t}-{i}", "x", "2026-03-02", None, None) for i in range(200)]) for t in range(2)
    ]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda t: store.import_rows(engine, _meta(f"t{t}.xlsx"), batches[t]), range(2)))
    assert sorted(r.rows_imported for r in results) == [200, 200]
    assert len(_active_cases(engine)) == 400


class _LockedThenFree:
    """A cursor whose WAL pragma is refused as locked a few times, as SQLite does while another
    process checkpoints the WAL away on close."""

    def __init__(self, refusals: int, message: str = "database is locked"):
        self.refusals = refusals
        self.message = message
        self.calls = 0

    def execute(self, sql):
        self.calls += 1
        if self.calls <= self.refusals:
            import sqlite3

            raise sqlite3.OperationalError(self.message)


@pytest.mark.sqlite_only(reason="SQLite's WAL pragma retry")
def test_entering_wal_mode_waits_out_a_brief_lock():
    cursor = _LockedThenFree(refusals=3)
    store.enter_wal_mode(cursor, wait_seconds=5)
    assert cursor.calls == 4


@pytest.mark.sqlite_only(reason="SQLite's WAL pragma retry")
def test_entering_wal_mode_gives_up_on_a_lock_that_stays():
    import sqlite3

    cursor = _LockedThenFree(refusals=10**6)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        store.enter_wal_mode(cursor, wait_seconds=0.05)


@pytest.mark.sqlite_only(reason="SQLite's WAL pragma retry")
def test_entering_wal_mode_does_not_retry_other_errors():
    import sqlite3

    cursor = _LockedThenFree(refusals=1, message="disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk"):
        store.enter_wal_mode(cursor, wait_seconds=5)
    assert cursor.calls == 1
