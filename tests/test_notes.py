"""A note on a result: a stable code, and its words in Korean and English."""

from pathlib import Path

import pytest

from metrics.kpi.notes import Note, NoteCode

DEFINITIONS = Path(__file__).resolve().parents[1] / "docs" / "kpi-definitions.md"


def test_a_note_reads_in_either_language_and_prints_both():
    note = Note("pending_left_out", "처리 중 2건 제외", "2 pending, left out")
    assert (note.text("ko"), note.text("en")) == ("처리 중 2건 제외", "2 pending, left out")
    assert str(note) == "처리 중 2건 제외 / 2 pending, left out"
    assert note.code == NoteCode.PENDING_LEFT_OUT


def test_a_note_with_an_unknown_code_is_refused():
    with pytest.raises(ValueError, match="pending_lefto"):
        Note("pending_lefto", "처리 중 2건 제외", "2 pending, left out")


def test_every_note_code_is_explained_in_the_definitions_doc():
    doc = DEFINITIONS.read_text(encoding="utf-8")
    assert [code.value for code in NoteCode if f"| `{code.value}` |" not in doc] == []
