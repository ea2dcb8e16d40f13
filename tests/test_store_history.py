"""Undo and re-import keep one rule over any history: for every natural key the live row is the one
carried by the newest upload not undone, so undoing any upload leaves what a replay of the others gives."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from metrics import store
from metrics.contract import kinds, load_contract
from metrics.store import tables
from tests.sheets import cases_frame

pytestmark = pytest.mark.db

BASE = date(2026, 3, 2)


# One canonical row per (kind, key number, version number): versions of one key differ in content only.
def _survey_row(kind: str, key: int, version: int, *, timeless: bool = False) -> dict:
    # A survey response is the same only when every answer is: its "versions" are other responses.
    answers = {"q1": 1 + (key + version) % 5}
    return {"kind": kind, "year": 2026,
            "response_date": None if timeless else datetime(2026, 3, 2, 9) + timedelta(minutes=key * 10 + version),
            "course": "수질관리" if kind != "exhibitor_survey" else None,
            "company": "㈜물산" if kind == "exhibitor_survey" else None,
            "overall": float(1 + (key + version) % 5), "score": float(1 + (key + version) % 5), "scale_max": 5.0,
            "items_json": json.dumps(answers), "comments": None,
            "course_key": "수질관리" if kind != "exhibitor_survey" else None,
            "_nk_extra": str(key + 2) if timeless else ""}


def _row(kind: str, key: int, version: int) -> dict:
    day = BASE + timedelta(days=key)
    if kind.endswith("_survey"):
        return _survey_row(kind, key, version, timeless=kind == "future_talent_survey")
    if kind == "cases":
        return {"case_type": "cert_review", "ref": f"A-{key}", "title": "서류검토", "received": day,
                "completed": None if version == 0 else day + timedelta(days=version), "interim": None, "year": 2026}
    if kind == "calls":
        return {"call_time": datetime(2026, 3, 2, 9) + timedelta(minutes=key), "rings": float(1 + version), "year": 2026}
    if kind == "events":
        return {"event_type": "briefing", "date": day, "title": f"설명회 {key}", "participants": 10 + version, "year": 2026}
    if kind == "postings":
        return {"company": f"회사{key}", "product": "밸브", "posted_from": day,
                "posted_to": None if version == 0 else day + timedelta(days=30 * version), "year": 2026}
    if kind == "attendance":
        return {"trainee_id": f"t{key}", "course": "수질관리", "course_key": "수질관리", "cohort": "1기",
                "start_date": BASE, "end_date": BASE + timedelta(days=4), "year": 2026, "completed": version % 2 == 0}
    flag = version % 2 == 0  # versions of one key differ in a yes/no item
    if kind == "monitoring":
        return {"monitored": day, "channel": "phone", "department": "인증부", "ref": f"M-{key}", "greeting": flag,
                "name_given": True, "listening": None, "transfer_details": None, "callback": None, "signage": None,
                "office_used": None, "wait_minutes": float(version), "year": 2026}
    if kind == "suggestions":
        return {"received": day, "via": "web", "ref": f"S-{key}", "summary": "안내문 개선",
                "decision": "adopted" if flag else "pending", "decided_on": day if flag else None,
                "reflected": flag if flag else None, "year": 2026}
    if kind == "remedies":
        return {"ref": f"R-{key}", "received": day, "apology": flag, "cause_found": True, "action": "재교육",
                "compensation": None, "action_taken": True, "training_on": None, "year": 2026}
    if kind == "website_review":
        return {"page": f"메뉴 {key}", "last_updated": day - timedelta(days=version), "reviewed_on": day,
                "up_to_date": flag, "year": 2026}
    if kind == "customer_visits":
        return {"visited": day, "customer": f"고객사{key}", "purpose": "기술지원", "called_ahead": flag,
                "results_explained": True, "card_given": True, "year": 2026}
    raise AssertionError(kind)


def _frame(kind: str, cells: list[tuple[int, int]]) -> pd.DataFrame:
    rows = [_row(kind, key, version) for key, version in cells]
    frame = pd.DataFrame(rows)
    for name in frame.columns:
        if frame[name].map(lambda v: isinstance(v, date)).any():
            frame[name] = pd.to_datetime(frame[name])
    frame["excel_row"] = range(2, 2 + len(frame))
    return frame


def _import(engine, kind: str, number: int, cells: list[tuple[int, int]]):
    sha = hashlib.sha256(f"{kind}-{number}-{cells}".encode()).hexdigest()
    meta = store.UploadMeta(filename=f"upload{number}.xlsx", sha256=sha, kind=kind)
    return store.import_rows(engine, meta, _frame(kind, cells))


def _live(engine, kind: str) -> list[tuple[str, str]]:
    """The live rows' (natural key, content hash), sorted: what a scorecard can see of a kind."""
    table = kinds.table_of(kind)
    query = select(table.c.nk, table.c.row_hash).where(table.c.active.is_(True))
    with engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(query))


def _wipe(engine) -> None:
    with engine.begin() as conn:
        for table in (tables.carried, tables.survey_questions, *tables.DATA_TABLES, tables.uploads):
            conn.execute(delete(table))


def _no_live_row_from_an_undone_upload(engine, kind: str) -> bool:
    table, u = kinds.table_of(kind), tables.uploads.c
    query = (select(table.c.id).join(tables.uploads, tables.uploads.c.id == table.c.upload_id)
             .where(table.c.active.is_(True), u.undone_at.is_not(None)))
    with engine.connect() as conn:
        return conn.execute(query).first() is None


KINDS = sorted(load_contract().kinds)
uploads_strategy = st.lists(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2)), min_size=0, max_size=5), min_size=1, max_size=5
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), uploads=uploads_strategy, data=st.data())
def test_undoing_any_uploads_leaves_what_replaying_the_others_gives(engine, kind, uploads, data):
    _wipe(engine)
    ids = [_import(engine, kind, n, cells).upload_id for n, cells in enumerate(uploads)]
    undone = data.draw(st.lists(st.sampled_from(range(len(ids))), unique=True), label="undone, in this order")
    for n in undone:
        store.undo_upload(engine, ids[n])
    after_undo = _live(engine, kind)
    assert _no_live_row_from_an_undone_upload(engine, kind)

    _wipe(engine)
    for n, cells in enumerate(uploads):
        if n not in undone:
            _import(engine, kind, n, cells)
    assert after_undo == _live(engine, kind)
    assert len({nk for nk, _ in after_undo}) == len(after_undo)  # one live row per key


def _case(ref: str, completed: str | None, title: str = "서류검토") -> tuple:
    return ("cert_review", ref, title, "2026-03-02", completed, None)



def _put(engine, name: str, rows) -> int:
    meta = store.UploadMeta(filename=name, sha256=hashlib.sha256(name.encode()).hexdigest(), kind="cases")
    return store.import_rows(engine, meta, cases_frame(rows)).upload_id


def _active_cases(engine) -> pd.DataFrame:
    return store.read_active(engine, "cases").sort_values("ref").reset_index(drop=True)


def test_undoing_a_middle_upload_that_changed_a_case_back_and_forth_leaves_one_live_case(engine):
    _put(engine, "a.xlsx", [_case("A-1", None)])
    b = _put(engine, "b.xlsx", [_case("A-1", "2026-03-10")])
    _put(engine, "c.xlsx", [_case("A-1", None)])
    store.undo_upload(engine, b)
    active = _active_cases(engine)
    assert len(active) == 1 and pd.isna(active.loc[0, "completed"])


def test_undoing_the_first_upload_keeps_a_row_a_later_upload_repeated_unchanged(engine):
    a = _put(engine, "a.xlsx", [_case("A-1", None), _case("A-2", None)])
    d = _put(engine, "d.xlsx", [_case("A-1", None)])  # repeats A-1 only: stores nothing new
    store.undo_upload(engine, a)
    active = _active_cases(engine)
    assert list(active["ref"]) == ["A-1"]
    assert int(active.loc[0, "upload_id"]) == d  # the row now belongs to the upload that still holds it


def test_undoing_the_later_of_two_identical_uploads_keeps_the_row_live(engine):
    _put(engine, "a.xlsx", [_case("A-1", None)])
    d = _put(engine, "d.xlsx", [_case("A-1", None)])
    store.undo_upload(engine, d)
    assert list(_active_cases(engine)["ref"]) == ["A-1"]


def test_the_same_cases_saved_in_nfd_are_the_same_cases(engine):
    import unicodedata

    titles = ["서류검토", "민원", "인증 심사", "결과서", "문의"]
    nfc = [_case(f"가-{i}", None, title) for i, title in enumerate(titles)]
    nfd = [tuple(unicodedata.normalize("NFD", v) if isinstance(v, str) else v for v in row) for row in nfc]
    assert nfd != nfc  # Hangul decomposes into jamo: the bytes really differ
    _put(engine, "windows.xlsx", nfc)
    repeat = store.import_rows(engine, store.UploadMeta("mac.xlsx", "f" * 64, "cases"), cases_frame(nfd))
    assert (repeat.rows_imported, repeat.rows_duplicate) == (0, 5)
    assert len(_active_cases(engine)) == 5


def test_stored_text_is_nfc_and_trimmed(engine):
    import unicodedata

    _put(engine, "a.xlsx", [_case(" A-1 ", None, unicodedata.normalize("NFD", "  서류검토 "))])
    row = _active_cases(engine).loc[0]
    assert (row["ref"], row["title"]) == ("A-1", "서류검토")
    assert unicodedata.is_normalized("NFC", row["title"])


def test_full_width_digits_and_letters_in_a_key_name_the_same_case(engine):
    _put(engine, "a.xlsx", [_case("AB-001", None)])
    later = store.import_rows(engine, store.UploadMeta("b.xlsx", "e" * 64, "cases"), cases_frame([_case("ＡＢ-００１", "2026-03-09")]))
    assert later.rows_superseded == 1  # the same case, now closed; not a second case
    active = _active_cases(engine)
    assert len(active) == 1 and str(active.loc[0, "completed"]).startswith("2026-03-09")


def test_references_that_differ_only_in_punctuation_stay_apart(engine):
    _put(engine, "a.xlsx", [_case("2025-1-12", None), _case("2025-11-2", None)])
    assert len(_active_cases(engine)) == 2


def test_an_import_that_would_store_nothing_is_refused_without_logging_an_upload(engine):
    _put(engine, "a.xlsx", [_case("A-1", None)])
    again = store.UploadMeta("a-again.xlsx", "d" * 64, "cases")
    with pytest.raises(store.NothingToStoreError):
        store.import_rows(engine, again, cases_frame([_case("A-1", None)]), refuse_empty=True)
    assert len(store.list_uploads(engine)) == 1
