"""One bilingual message type for notes, findings and errors, and one base class for every error of the core."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import metrics
from metrics.intake import detection, ingest
from metrics.kpi.notes import Note, NoteCode
from metrics.messages import CharterError, Message


def _core_modules():
    for info in pkgutil.walk_packages(metrics.__path__, "metrics."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue  # Alembic loads the migrations; __main__ runs the command line
        yield importlib.import_module(info.name)


def test_every_exception_class_of_the_core_is_a_charter_error():
    found = {
        f"{module.__name__}.{name}": cls
        for module in _core_modules()
        for name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseException) and cls.__module__ == module.__name__
    }
    assert len(found) >= 15  # the walk reached the core's errors
    assert [name for name, cls in found.items() if not issubclass(cls, CharterError)] == []


def test_an_error_carries_its_message_and_says_both_languages_when_printed():
    error = CharterError("파일이 없습니다", "no file", code="missing")
    assert (error.message.text("ko"), error.message.text("en"), error.code) == ("파일이 없습니다", "no file", "missing")
    assert str(error) == "파일이 없습니다 / no file"


def test_a_note_is_a_message_whose_code_must_be_known():
    note = Note(NoteCode.SMALL_SAMPLE, "응답 1건", "1 response")
    assert isinstance(note, Message) and note.text("en") == "1 response" and note.code == "small_sample"
    with pytest.raises(ValueError):
        Note("no_such_note", "가", "a")


def test_an_unknown_kind_is_a_rejected_file_naming_the_known_kinds(engine):
    report = ingest.ingest_file(engine, b"a,b\n1,2\n", "x.csv", kind="no_such_kind")
    assert report.status == "rejected"
    assert "no_such_kind" in report.message and "attendance" in report.message


def test_a_key_error_inside_the_pipeline_is_a_bug_and_is_not_reported_as_a_rejected_file(engine, monkeypatch):
    def broken(*_args, **_kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(detection, "_choose_table", broken)
    with pytest.raises(KeyError, match="a bug"):
        ingest.ingest_file(engine, b"a,b\n1,2\n", "x.csv")
