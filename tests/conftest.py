"""Shared fixtures: a fresh SQLite database per test and a fixed pseudonymisation key."""

from __future__ import annotations

import pytest

from metrics import store


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    # Never touch the real data/ folder or a key file from a test.
    monkeypatch.setenv("PSEUDONYM_KEY", "test-key-not-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'test.db'}")


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "test.db"


@pytest.fixture
def engine(db_path):
    eng = store.get_engine(f"sqlite:///{db_path}")
    yield eng
    eng.dispose()
    store._engines.pop(f"sqlite:///{db_path}", None)
