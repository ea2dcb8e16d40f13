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
    assert "no_such_kind" in str(report.message) and "attendance" in str(report.message)


def test_a_key_error_inside_the_pipeline_is_a_bug_and_is_not_reported_as_a_rejected_file(engine, monkeypatch):
    def broken(*_args, **_kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(detection, "_choose_table", broken)
    with pytest.raises(KeyError, match="a bug"):
        ingest.ingest_file(engine, b"a,b\n1,2\n", "x.csv")


def test_an_upload_report_says_its_outcome_its_notes_and_its_findings_as_messages(engine):
    from tests.sheets import xlsx

    data = xlsx([["타임스탬프", "교육과정명", "교육에 전반적으로 만족하십니까?"],
                 ["2026-03-15 14:30", "정수처리 기본과정", 5], ["어제", "정수처리 기본과정", 4]])
    report = ingest.ingest_file(engine, data, "survey.xlsx", kind="trainee_survey", dry_run=True)
    assert isinstance(report.message, Message) and report.message.code == "dry_run"
    assert report.message.text("en").startswith("1 rows valid") and report.message.text("ko").startswith("가져올 수 있는 행 1")
    assert all(isinstance(n, Message) and n.code for n in report.notes) and "scale_usual" in [n.code for n in report.notes]
    (finding,) = report.issues
    assert (finding.code, finding.message.code, finding.message.en) == ("bad_date", "bad_date", finding.message.text("en"))
    assert not hasattr(finding, "message_ko") and not hasattr(finding, "message_en")
    # For machines (the command line's JSON) both languages as before: the message as printed, the finding's halves.
    written = report.to_dict()
    assert written["message"] == f"{report.message.ko} / {report.message.en}"
    assert written["notes"] == [str(n) for n in report.notes]
    assert (written["issues"][0]["message_ko"], written["issues"][0]["message_en"]) == (finding.message.ko, finding.message.en)


def test_a_rejected_upload_reports_the_errors_own_message(engine):
    report = ingest.ingest_file(engine, b"", "empty.csv", kind="cases")
    assert report.status == "rejected" and isinstance(report.message, Message) and report.message.code == "empty"
