"""A new upload kind is one declaration plus its builder: declared from a fixture (tests/fixtures/toy_kind.toml,
tests/toy_kind.py), without editing a project file, it flows through upload, store, explorer and the
labels check."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from metrics import contract, explore, store
from metrics.contract import kinds, load_contract
from metrics.intake.ingest import ingest_file
from metrics.store import freshness
from metrics.store.frames import load_year_frames
from tests.sheets import csv

TOY = Path(__file__).parent / "fixtures" / "toy_kind.toml"
VISITS = [
    ["방문구분", "방문일", "방문기관", "인원"],
    ["학교 견학", "2025-03-04", "한빛초등학교", "28"],
    ["지자체", "2025-04-10", "세종시", "6"],
    ["학교", "2025-05-20", "새솔중학교", "31"],
    ["견학 아님", "2025-06-01", "?", "1"],  # a type the enum does not know: held back
]


@pytest.fixture
def toy():
    """The toy kind in the contract for one test, and its table in that test's database."""
    contract.register_kinds(TOY)
    try:
        yield load_contract().kind("toy_visits")
    finally:
        contract.forget_kinds(TOY)


@pytest.fixture
def toy_engine(engine, toy):
    from tests import toy_kind

    toy_kind.metadata.create_all(engine, tables=[toy_kind.visits])
    return engine


def test_the_toy_declaration_agrees_with_its_builder_and_table(toy):
    assert kinds.problems() == []
    assert "toy_visits" in load_contract().kinds and toy.type_enum == "visit_type"


def test_forgetting_the_toy_kind_leaves_the_project_contract_as_it_was(toy):
    contract.forget_kinds(TOY)
    try:
        assert "toy_visits" not in load_contract().kinds
        assert "visit_type" not in load_contract().enums
    finally:
        contract.register_kinds(TOY)  # the fixture takes it back


def test_a_toy_file_is_uploaded_stored_and_recognised_when_it_comes_again(toy_engine):
    report = ingest_file(toy_engine, csv(VISITS), "견학.csv", kind="toy_visits")
    assert report.status == "imported", report.message
    # Three valid visits stored; the unknown type held back with its Excel row (the 5th line of the file).
    assert (report.rows_imported, report.rows_held) == (3, 1)
    assert [(i.row, i.code) for i in report.issues] == [(5, "unknown_type")]
    stored = store.read_active(toy_engine, "toy_visits").sort_values("visited")
    assert stored["visit_type"].tolist() == ["school", "council", "school"]
    assert stored["guests"].tolist() == [28, 6, 31]
    # The same visits in another file: the declared natural key recognises every one of them.
    again = ingest_file(toy_engine, csv([VISITS[0], VISITS[3], VISITS[1]]), "견학-다시.csv", kind="toy_visits")
    assert again.status == "nothing_new"
    assert again.rows_duplicate == 2
    store.undo_upload(toy_engine, report.upload_id)
    assert store.read_active(toy_engine, "toy_visits").empty


def test_the_toy_kind_is_read_by_period_for_the_scorecard_and_for_freshness(toy_engine):
    assert ingest_file(toy_engine, csv(VISITS), "견학.csv", kind="toy_visits").ok
    frames = load_year_frames(toy_engine, 2025, {"toy_visits"}, today=date(2026, 1, 15))
    assert sorted(frames.frame("toy_visits").columns) == ["guests", "visit_type", "visited"]  # `reads`
    assert str(frames.frame("toy_visits")["visited"].dtype).startswith("datetime64")
    fresh = {f.kind: f for f in freshness.freshness(toy_engine)}
    assert fresh["toy_visits"].uploads == 1 and fresh["toy_visits"].newest == date(2025, 5, 20)


def test_the_toy_kind_is_a_dataset_of_the_explorer_and_its_rows_filter(toy_engine):
    assert ingest_file(toy_engine, csv(VISITS), "견학.csv", kind="toy_visits").ok
    ds = explore.dataset("toy_visits")
    assert "toy_visits" in [d.name for d in explore.datasets()]
    assert (ds.date_column, ds.type_column, ds.dates) == ("visited", "visit_type", ("visited",))
    found = explore.choices(toy_engine, "toy_visits")
    assert (found.years, found.types) == ((2025,), ("council", "school"))
    schools = explore.load(toy_engine, "toy_visits", explore.Filters(types=("school",)))
    assert list(schools.columns) == ["year", "visit_type", "visitor", "visited", "guests"]  # `explore`, in order
    assert schools["visitor"].tolist() == ["한빛초등학교", "새솔중학교"]  # oldest first
    spring = explore.load(toy_engine, "toy_visits", explore.Filters(date_from=date(2025, 4, 1), date_to=date(2025, 4, 30)))
    assert spring["visitor"].tolist() == ["세종시"]


def test_the_labels_check_asks_words_for_the_toy_kind_and_its_types(toy):
    from ui.i18n import labels
    from ui.values import missing_words

    wanted = {"values.kind.toy_visits", "values.visit_type.school", "values.visit_type.council", "explore.visit_type"}
    assert set(missing_words(load_contract())) == wanted  # the project's own kinds are all worded
    words = {key: {"ko": "낱말", "en": "word"} for key in wanted}
    assert missing_words(load_contract(), {**labels(), **words}) == []
    # Its columns' headers are the declaration's words: nothing to add to labels.toml for them.
    assert labels()["columns.guests"] == {"ko": "인원", "en": "Guests"}


def test_the_contracts_column_words_go_when_the_toy_kind_does(toy):
    from ui.i18n import labels

    assert "columns.guests" in labels()
    contract.forget_kinds(TOY)
    try:
        assert "columns.guests" not in labels()
    finally:
        contract.register_kinds(TOY)


def test_a_kind_whose_builder_is_missing_or_whose_table_lacks_a_column_is_reported(toy, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(TOY.read_text(encoding="utf-8")
                      .replace("toy_visits]", "toy_broken]").replace("toy_visits.", "toy_broken.")
                      .replace('period = "visited"', 'period = "arrived"')
                      .replace("[enums.visit_type]", "[enums.broken_type]"), encoding="utf-8")
    contract.register_kinds(broken)
    try:
        found = [p for p in kinds.problems() if p.startswith("[toy_broken]")]
    finally:
        contract.forget_kinds(broken)
    assert any("no builder for upload kind 'toy_broken'" in p for p in found), found
    assert any("period: table toy_visits has no column arrived" in p for p in found), found
