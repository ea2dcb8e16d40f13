"""Before an import, what it would do: rows new, already stored (by which upload), changed, the years; the same
file and a file with nothing new are said before anything is written."""

from __future__ import annotations

import hashlib
import json
import unicodedata

import pytest

from metrics import cli, store
from metrics.intake import preview
from metrics.intake.ingest import ingest_file
from tests.sheets import cases_frame, xlsx

pytestmark = pytest.mark.db



def _sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def _put(engine, name: str, rows) -> int:
    return store.import_rows(engine, store.UploadMeta(name, _sha(name), "cases"), cases_frame(rows)).upload_id


def _plan(engine, name: str, rows, held: int = 0) -> preview.ImportPreview:
    return preview.preview_rows(engine, "cases", _sha(name), cases_frame(rows), rows_held=held)


OPEN_A = ("cert_review", "A-1", "서류검토", "2026-03-02", None, None)
CLOSED_A = ("cert_review", "A-1", "서류검토", "2026-03-02", "2026-03-10", None)
W_2027 = ("web_inquiry", "W-7", "문의", "2027-01-05", "2027-01-06", None)
NEW_2025 = ("web_inquiry", "N-9", "새 문의", "2025-12-01", None, None)


def test_on_an_empty_database_every_valid_row_is_new_and_the_held_ones_are_counted(engine):
    plan = _plan(engine, "a.xlsx", [OPEN_A, W_2027], held=3)
    assert (plan.rows_new, plan.rows_repeated, plan.rows_changed, plan.rows_held) == (2, 0, 0, 3)
    assert plan.years == (2026, 2027) and plan.years_written == (2026, 2027)
    assert plan.repeated_from == () and plan.changed_from == () and plan.same_file is None
    assert plan.writes_anything and plan.rows_written == 2


def test_each_row_is_new_stored_or_changed_and_the_uploads_holding_them_are_named(engine):
    first = _put(engine, "march.xlsx", [OPEN_A])
    second = _put(engine, "april.xlsx", [W_2027])
    # A-1 is live open (upload 1), the file closes it: changed, superseding upload 1's version.
    # W-7 is live from upload 2 with the same content: already stored. N-9 is nowhere: new.
    plan = _plan(engine, "may.xlsx", [CLOSED_A, W_2027, NEW_2025])
    assert (plan.rows_new, plan.rows_repeated, plan.rows_changed) == (1, 1, 1)
    assert [(u.id, u.filename, u.rows) for u in plan.repeated_from] == [(second, "april.xlsx", 1)]
    assert [(u.id, u.filename, u.rows) for u in plan.changed_from] == [(first, "march.xlsx", 1)]
    assert plan.years == (2025, 2026, 2027)
    assert plan.years_written == (2025, 2026)  # 2027 only repeats what is stored: its figures do not change
    assert plan.rows_written == 2


def test_the_preview_says_what_the_import_then_does(engine):
    _put(engine, "march.xlsx", [OPEN_A])
    _put(engine, "april.xlsx", [W_2027])
    plan = _plan(engine, "may.xlsx", [CLOSED_A, W_2027, NEW_2025])
    done = store.import_rows(engine, store.UploadMeta("may.xlsx", _sha("may.xlsx"), "cases"),
                             cases_frame([CLOSED_A, W_2027, NEW_2025]))
    assert (done.rows_imported, done.rows_duplicate, done.rows_superseded) == (plan.rows_written, plan.rows_repeated,
                                                                                plan.rows_changed) == (2, 1, 1)


def test_the_preview_writes_nothing(engine):
    _put(engine, "march.xlsx", [OPEN_A])
    version, uploads = store.data_version(engine), len(store.list_uploads(engine))
    _plan(engine, "may.xlsx", [CLOSED_A, NEW_2025])
    assert (store.data_version(engine), len(store.list_uploads(engine))) == (version, uploads)
    assert store.read_active(engine, "cases")["completed"].isna().all()


def test_the_rows_named_by_the_upload_that_stored_them_not_by_one_that_only_repeated_them(engine):
    first = _put(engine, "march.xlsx", [OPEN_A])
    _put(engine, "march-and-april.xlsx", [OPEN_A, W_2027])  # carries A-1, stores W-7
    plan = _plan(engine, "again.xlsx", [OPEN_A])
    assert [(u.id, u.rows) for u in plan.repeated_from] == [(first, 1)]


def test_the_same_rows_saved_in_nfd_are_already_stored(engine):
    titles = ["서류검토", "민원", "인증 심사"]
    nfc = [("cert_review", f"가-{i}", title, "2026-03-02", None, None) for i, title in enumerate(titles)]
    nfd = [tuple(unicodedata.normalize("NFD", v) if isinstance(v, str) else v for v in row) for row in nfc]
    _put(engine, "windows.xlsx", nfc)
    plan = _plan(engine, "mac.xlsx", nfd)
    assert (plan.rows_new, plan.rows_repeated, plan.rows_changed) == (0, 3, 0)
    assert not plan.writes_anything


def test_the_same_file_is_named_until_its_upload_is_undone(engine):
    first = _put(engine, "a.xlsx", [OPEN_A])
    plan = _plan(engine, "a.xlsx", [OPEN_A])
    assert plan.same_file is not None and plan.same_file.upload_id == first
    assert not plan.writes_anything and "#1" in str(plan.same_file.message())
    store.undo_upload(engine, first)
    again = _plan(engine, "a.xlsx", [OPEN_A])
    assert again.same_file is None and (again.rows_new, again.rows_repeated) == (1, 0)


def test_same_file_upload_is_asked_of_the_bytes_alone(engine):
    content = b"any bytes at all"
    assert preview.same_file_upload(engine, content) is None
    upload = store.import_rows(engine, store.UploadMeta("x.csv", store.file_sha256(content), "cases"), cases_frame([OPEN_A]))
    assert preview.same_file_upload(engine, content).upload_id == upload.upload_id


# Through the pipeline: a file of stored rows only is not imported and leaves no upload behind.

HEADER = ["업무구분", "접수번호", "제목", "접수일", "처리일"]
ROWS = [["홈페이지 문의", "T-1", "문의 1", "2024-03-04", "2024-03-05"],
        ["홈페이지 문의", "T-2", "문의 2", "2024-03-04", "2024-03-06"]]


def test_a_file_whose_rows_are_all_stored_is_not_imported_and_leaves_no_upload(engine):
    first = ingest_file(engine, xlsx([HEADER, *ROWS]), "march.xlsx", kind="cases")
    assert first.status == "imported" and first.rows_imported == 2
    # Other bytes (another sheet name), the same two rows: nothing new.
    again = ingest_file(engine, xlsx([HEADER, *ROWS], sheet="복사본"), "march-copy.xlsx", kind="cases")
    assert again.status == "nothing_new" and again.ok and again.upload_id is None
    assert (again.rows_new, again.rows_duplicate, again.rows_superseded) == (0, 2, 0)
    assert "새로 저장할 행이 없습니다" in str(again.message) and f"#{first.upload_id}" in str(again.message)
    assert store.list_uploads(engine)["filename"].tolist() == ["march.xlsx"]


def test_a_file_repeating_stored_rows_with_one_new_row_is_imported_and_carries_the_rest(engine):
    first = ingest_file(engine, xlsx([HEADER, *ROWS]), "march.xlsx", kind="cases")
    more = ingest_file(engine, xlsx([HEADER, *ROWS, ["홈페이지 문의", "T-3", "문의 3", "2024-04-01", None]]),
                       "march-april.xlsx", kind="cases")
    assert more.status == "imported"
    assert (more.rows_imported, more.rows_new, more.rows_duplicate) == (1, 1, 2)
    store.undo_upload(engine, first.upload_id)  # the later upload still holds the two rows it repeated
    assert sorted(store.read_active(engine, "cases")["ref"]) == ["T-1", "T-2", "T-3"]


def test_a_dry_run_says_how_many_rows_are_new_changed_and_stored(engine):
    ingest_file(engine, xlsx([HEADER, ROWS[0]]), "one.xlsx", kind="cases")
    changed = ["홈페이지 문의", "T-1", "문의 1", "2024-03-04", "2024-03-07"]  # T-1 handled later than stored
    report = ingest_file(engine, xlsx([HEADER, changed, ROWS[1]]), "two.xlsx", kind="cases", dry_run=True)
    assert report.status == "dry_run" and (report.rows_new, report.rows_superseded, report.rows_duplicate) == (1, 1, 0)
    assert "새 행 1, 바뀐 행 1, 이미 있던 행 0" in str(report.message) and report.years == [2024]


def test_a_dry_run_of_a_file_already_imported_says_so(engine):
    content = xlsx([HEADER, *ROWS])
    first = ingest_file(engine, content, "march.xlsx", kind="cases")
    report = ingest_file(engine, content, "march.xlsx", kind="cases", dry_run=True)
    assert report.status == "rejected" and f"#{first.upload_id}" in str(report.message)


def test_the_command_line_says_nothing_new_exits_zero_and_stores_nothing(engine, tmp_path, capsys):
    (tmp_path / "a.xlsx").write_bytes(xlsx([HEADER, *ROWS]))
    (tmp_path / "b.xlsx").write_bytes(xlsx([HEADER, *ROWS[::-1]]))
    assert cli.main(["ingest", str(tmp_path / "a.xlsx"), "--kind", "cases"]) == 0
    capsys.readouterr()
    assert cli.main(["ingest", str(tmp_path / "b.xlsx"), "--kind", "cases", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["status"], out["upload_id"], out["rows_duplicate"]) == ("nothing_new", None, 2)
    assert len(store.list_uploads(engine)) == 1


def test_commit_refuses_a_file_with_nothing_new(engine):
    from metrics.intake import commit, ingest

    ingest_file(engine, xlsx([HEADER, *ROWS]), "march.xlsx", kind="cases")
    prepared = ingest.prepare(engine, xlsx([HEADER, ROWS[1]]), "t2.xlsx", kind="cases")
    with pytest.raises(preview.NothingNewError, match="새로 저장할 행이 없습니다"):
        commit.commit(engine, prepared)
    assert len(store.list_uploads(engine)) == 1


def test_text_differing_only_in_spaces_and_unicode_form_is_judged_as_the_store_judges_it(engine):
    _put(engine, "a.xlsx", [("cert_review", "A-1", "서류검토", "2026-03-02", None, None),
                            ("cert_review", "A-2", "민원", "2026-03-02", None, None)])
    spaced = [("cert_review", " A-1 ", unicodedata.normalize("NFD", "  서류검토 "), "2026-03-02", None, None),  # same row
              ("cert_review", "A-2", "민원 접수", "2026-03-02", None, None)]  # a new title: another key, so new
    plan = _plan(engine, "b.xlsx", spaced)
    assert (plan.rows_new, plan.rows_repeated, plan.rows_changed) == (1, 1, 0)
    done = store.import_rows(engine, store.UploadMeta("b.xlsx", _sha("b.xlsx"), "cases"), cases_frame(spaced))
    assert (done.rows_imported, done.rows_duplicate, done.rows_superseded) == (1, 1, 0)


def test_rows_stored_by_someone_else_after_the_preview_are_refused_as_nothing_new(engine):
    from metrics.intake import commit, ingest

    first = ingest.prepare(engine, xlsx([HEADER, *ROWS]), "march.xlsx", kind="cases")
    second = ingest.prepare(engine, xlsx([HEADER, *ROWS[::-1]]), "march-sorted.xlsx", kind="cases")
    stale_plan = preview.preview(engine, second)  # made before the other file lands: "2 new"
    assert stale_plan.writes_anything
    commit.commit(engine, first)  # another person's import of the same rows lands in between
    with pytest.raises(preview.NothingNewError, match="새로 저장할 행이 없습니다"):
        commit.commit(engine, second, plan=stale_plan)
    assert len(store.list_uploads(engine)) == 1  # no empty upload logged


def test_the_command_line_says_nothing_new_when_the_rows_landed_from_elsewhere_after_its_preview(engine, monkeypatch):
    from metrics.intake import ingest

    real_commit = ingest.commit

    def another_person_lands_first(engine_, prepared, **kwargs):
        if prepared.filename == "mine.xlsx":  # between my preview and my commit, theirs lands
            ingest_file(engine, xlsx([HEADER, *ROWS]), "theirs.xlsx", kind="cases")
        return real_commit(engine_, prepared, **kwargs)

    monkeypatch.setattr(ingest, "commit", another_person_lands_first)
    report = ingest.ingest_file(engine, xlsx([HEADER, *ROWS[::-1]]), "mine.xlsx", kind="cases")
    assert report.status == "nothing_new" and report.ok and report.rows_duplicate == 2
    assert store.list_uploads(engine)["filename"].tolist() == ["theirs.xlsx"]
