"""Each upload kind is declared once in contract.toml, and what is built from the declaration agrees with it."""

from __future__ import annotations

import pytest

from metrics import contract, explore
from metrics.contract import kinds, load_contract, parse_contract
from metrics.kpi.measures import MEASURES
from metrics.kpi.registry import load_registry


def test_every_declared_kind_has_a_builder_a_table_and_the_columns_it_names():
    assert kinds.problems() == []


def test_the_survey_kinds_are_the_ones_declared_surveys_and_the_survey_measures_read_them():
    surveys = ("exhibitor_survey", "trainee_survey", "future_talent_survey")
    assert load_contract().survey_kinds == surveys
    assert MEASURES["survey_mean"].kinds == surveys
    assert MEASURES["deadline_share"].kinds == ("cases", "suggestions", "remedies")  # each from received to a date


def test_same_as_copies_the_declaration_and_the_kind_keeps_what_it_writes_itself():
    future, trainee = load_contract().kind("future_talent_survey"), load_contract().kind("trainee_survey")
    assert (future.table, future.key, future.course_column, future.options) == (
        trainee.table, trainee.key, trainee.course_column, trainee.options)
    assert future.columns == trainee.columns
    assert future.ko != trainee.ko and future.detect_words != trainee.detect_words


def test_a_kind_that_does_not_say_where_it_is_stored_is_refused_when_the_contract_loads():
    raw = {"kinds": {"events": {"ko": "행사", "en": "Events", "year_rule": "date", "period": "date", "key": ["date"],
                                "columns": [{"role": "date", "ko": "일", "en": "Date", "type": "date"}]}}}
    with pytest.raises(ValueError, match="events.*table"):
        parse_contract(raw)


def test_a_second_declaration_of_a_kind_is_refused(tmp_path):
    again = tmp_path / "again.toml"
    again.write_text('[kinds.cases]\nko = "x"\nen = "x"\nyear_rule = "x"\ntable = "cases"\nperiod = "received"\n'
                     'key = ["ref"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="cases"):
        contract.register_kinds(again)
    assert load_contract().kind("cases").ko == "처리기한 업무 기록"


def test_a_kpi_filter_names_its_kind_type_column_and_the_explorer_filters_on_the_same():
    for kpi in load_registry():
        for column in kpi.filter:
            assert column == load_contract().kind(kpi.source).type_column, kpi.id
            assert column == explore.dataset(kpi.source).type_column


def test_the_explorer_judges_a_kind_only_through_the_measures_that_read_it():
    judged = {d.name: [m.name for m in d.judges] for d in explore.datasets() if d.judges}
    checklists = {d: ["share_true"] for d in ("monitoring", "website_review", "customer_visits")}
    dated = {d: ["deadline_share", "share_true"] for d in ("cases", "suggestions", "remedies")}
    assert judged == {**dated, **checklists, "postings": ["posting_duration_share"]}
    assert explore.dataset("cases").has_timeliness and not explore.dataset("postings").has_timeliness
    assert explore.dataset("postings").words == {"state": "values.posting_state"}
    # A checklist KPI's column of states, named by the KPI, its codes by the checklist's words.
    assert explore.dataset("monitoring").words["cs.monitor_phone_greeting"] == "values.check_state"


def test_the_explorer_notes_pseudonyms_for_the_kinds_whose_sheets_name_people():
    assert [d.name for d in explore.datasets() if d.pseudonymised] == ["attendance"]


def test_an_upload_option_that_fixes_another_column_than_the_kinds_type_is_reported(tmp_path):
    odd = tmp_path / "odd.toml"
    odd.write_text('[kinds.odd_events]\nko = "x"\nen = "x"\nyear_rule = "x"\ntable = "events"\nperiod = "date"\n'
                   'key = ["date"]\noptions = ["case_type", "colour"]\n'
                   '[[kinds.odd_events.columns]]\nrole = "date"\nko = "일"\nen = "Date"\ntype = "date"\n', encoding="utf-8")
    contract.register_kinds(odd)
    try:
        found = [p for p in kinds.problems() if p.startswith("[odd_events]")]
    finally:
        contract.forget_kinds(odd)
    assert "[odd_events] option 'colour' is not one of case_type, event_type, scale, year" in found
    assert "[odd_events] option case_type, colour fixes a type column the kind does not declare" in found
    assert any("no builder" in p for p in found)
