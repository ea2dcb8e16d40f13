"""Every real file of ../shared/corpus through the whole pipeline: an import or one clear message, never a crash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from metrics import store
from metrics.intake.ingest import ingest_file
from metrics.store import tables

CORPUS = Path(os.environ.get("CORPUS_DIR", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
FILES = (
    sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in ("INDEX.md", "SHA256SUMS"))
    if CORPUS.is_dir()
    else []
)

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not FILES, reason=f"corpus not found at {CORPUS} (set CORPUS_DIR)"),
]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_corpus_file_gets_one_clear_answer_and_a_rejection_changes_nothing(engine, path):
    before = store.list_uploads(engine)
    report = ingest_file(engine, path.read_bytes(), path.name)
    assert report.status in ("imported", "rejected")
    assert report.message.ko and report.message.en and "Traceback" not in str(report.message)
    # Korean first, then English, in one message.
    assert " / " in str(report.message)
    if report.status == "rejected":
        assert store.list_uploads(engine).equals(before)
        assert all(store.read_active(engine, t.name).empty for t in tables.DATA_TABLES)


def test_no_corpus_file_is_mistaken_for_association_data(engine):
    # None of these public files is one of the dashboard's upload kinds: importing any would be wrong.
    imported = [p.name for p in FILES if ingest_file(engine, p.read_bytes(), p.name).status == "imported"]
    assert imported == []
