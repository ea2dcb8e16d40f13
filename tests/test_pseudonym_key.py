"""The pseudonym key can never silently change: too short, empty, lost or different keys are refused."""

from __future__ import annotations

import io
import stat

import pandas as pd
import pytest

from metrics.intake import ingest, refusals
from metrics.store import pseudonym

GOOD_KEY = "k" * 32


def _attendance_file() -> bytes:
    frame = pd.DataFrame({
        "성명": ["김철수", "이영희"], "생년월일": ["1990-01-02", "1985-05-06"], "과정명": ["수질관리", "수질관리"],
        "교육시작일": ["2026-03-02", "2026-03-02"], "교육종료일": ["2026-03-06", "2026-03-06"], "수료여부": ["수료", "수료"],
    })
    out = io.BytesIO()
    frame.to_excel(out, index=False)
    return out.getvalue()


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    path = tmp_path / "keys" / ".pseudonym_key"
    monkeypatch.delenv("PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("PSEUDONYM_KEY_FILE", str(path))
    return path


def test_a_key_shorter_than_32_bytes_in_the_environment_is_refused(monkeypatch):
    monkeypatch.setenv("PSEUDONYM_KEY", "short-key")
    with pytest.raises(pseudonym.PseudonymKeyError, match="9 bytes"):
        pseudonym.load_key()


def test_an_empty_key_file_is_never_used(key_file):
    key_file.parent.mkdir()
    key_file.write_text("")
    with pytest.raises(pseudonym.PseudonymKeyError, match="is empty"):
        pseudonym.load_key()
    assert key_file.read_text() == ""  # not silently replaced by a new key either


def test_a_new_key_file_is_owner_only_and_long_enough(key_file):
    key = pseudonym.load_key()
    assert len(key) >= pseudonym.MIN_KEY_BYTES
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert pseudonym.load_key() == key  # read back, not made again
    assert [p.name for p in key_file.parent.iterdir()] == [key_file.name]  # no temporary file left behind


def test_the_fingerprint_identifies_a_key_without_containing_it():
    assert pseudonym.fingerprint(b"a" * 32) != pseudonym.fingerprint(b"b" * 32)
    assert ("a" * 32) not in pseudonym.fingerprint(b"a" * 32)


@pytest.mark.db
def test_an_upload_under_another_key_is_refused_before_anything_is_stored(engine, monkeypatch):
    monkeypatch.setenv("PSEUDONYM_KEY", GOOD_KEY)
    first = ingest.ingest_file(engine, _attendance_file(), "attendance.xlsx", kind="attendance")
    assert first.status == "imported", first.message
    monkeypatch.setenv("PSEUDONYM_KEY", "z" * 32)
    other = ingest.ingest_file(engine, _attendance_file() + b"", "attendance-2.xlsx", kind="attendance", dry_run=True)
    assert other.status == "rejected"
    assert "다른 가명처리 키" in str(other.message) and "another pseudonym key" in str(other.message)
    assert "trainee" in str(other.message)  # says what would go wrong


@pytest.mark.db
def test_every_upload_kind_is_refused_under_another_key_so_two_instances_are_caught_at_once(engine, monkeypatch):
    monkeypatch.setenv("PSEUDONYM_KEY", GOOD_KEY)
    pseudonym.key_for(engine)  # the first instance records its key
    monkeypatch.setenv("PSEUDONYM_KEY", "z" * 32)
    with pytest.raises(refusals.RejectedFileError, match="another pseudonym key"):
        refusals.check_pseudonym_key(engine)


@pytest.mark.db
def test_a_lost_key_file_is_not_made_again_while_trainees_are_stored(engine, key_file):
    first = ingest.ingest_file(engine, _attendance_file(), "attendance.xlsx", kind="attendance")
    assert first.status == "imported", first.message
    key_file.unlink()
    again = ingest.ingest_file(engine, _attendance_file(), "attendance-again.xlsx", kind="attendance", dry_run=True)
    assert again.status == "rejected"
    assert "is missing" in str(again.message) and "Restore" in str(again.message)
    assert not key_file.exists()


@pytest.mark.db
def test_the_key_file_made_on_first_use_is_the_one_the_database_remembers(engine, key_file):
    key = pseudonym.key_for(engine)
    assert key_file.exists()
    assert pseudonym.key_for(engine) == key
