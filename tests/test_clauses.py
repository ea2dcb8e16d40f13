"""The charter's clause catalogue: every promise has an id, every KPI names a known one, and the scorecard
lists every clause, measured or not."""

import json
import re
import tomllib
from pathlib import Path

import pytest

from metrics.cli import main
from metrics.contract import load_contract
from metrics.kpi.clauses import (
    CLAUSES_PATH,
    clause_label,
    clause_rows,
    clause_status,
    clauses_markdown,
    doc_block,
    parse_clauses,
)
from metrics.kpi.registry import REGISTRY_PATH, RegistryError, load_registry, parse_registry

ROOT = Path(__file__).resolve().parent.parent
# The ids of issue 14's table, in the charter's order.
ISSUE_CLAUSES = [
    "II.1.a", "II.1.b", "II.1.c", "II.2.a", "II.2.b", "II.2.c", "II.3.a", "II.3.b", "II.3.c",
    "II.4.a", "II.4.b", "II.4.c", "II.5.a", "II.5.b", "II.5.c",
    "III.1.1.a", "III.1.1.b", "III.1.1.c", "III.1.2.a", "III.1.2.b", "III.1.2.c", "III.1.3.a", "III.1.3.b",
    "III.2.a", "III.2.b", "III.3.a", "III.3.b", "III.4.a", "III.4.b",
]


def shipped() -> dict:
    with open(REGISTRY_PATH, "rb") as fh:
        return tomllib.load(fh)


def test_the_catalogue_holds_every_clause_of_the_charter_in_order():
    assert [c.id for c in load_registry().clauses] == ISSUE_CLAUSES


def test_each_clause_quotes_a_sentence_of_the_charter():
    charter = (ROOT / ".." / "shared" / "charter.md").resolve()
    if not charter.exists():
        pytest.skip("the charter text is not beside the worktree")
    text = re.sub(r"\s+", "", charter.read_text(encoding="utf-8"))
    missing = [c.id for c in load_registry().clauses if re.sub(r"\s+", "", c.text_ko) not in text]
    assert missing == []


def test_the_shipped_kpis_measure_their_clauses():
    clauses = {k.id: k.clause for k in load_registry()}
    assert clauses["cert.review_15d"] == "II.1.a"
    assert clauses["wk.exhibitor_score"] == "II.2.b"
    assert clauses["eval.workshop"] == "II.3.c"
    assert clauses["ft.satisfaction"] == "II.5.c"
    assert clauses["cs.phone_3_rings"] == "III.1.1.a"
    assert clauses["cs.web_inquiry_7d"] == "III.1.3.b"
    assert clauses["cs.complaint_7d"] == "III.3.b"
    assert set(clauses.values()) <= set(ISSUE_CLAUSES)


def test_a_kpi_quotes_the_charter_sentence_of_its_clause():
    kpi = load_registry().get("edu.satisfaction")
    assert kpi.quote == "교육생 만족도 80%이상의 수준 높은 교육의 질을 확보하겠습니다."
    assert kpi.clause_label == "Ⅱ.4.다"


def test_a_kpi_naming_an_unknown_clause_is_a_registry_problem():
    data = shipped()
    next(e for e in data["kpi"] if e["id"] == "wk.briefing")["clause"] = "II.9.z"
    with pytest.raises(RegistryError) as info:
        parse_registry(data, load_contract())
    assert any(p.startswith("[wk.briefing]") and "unknown clause" in p and "II.2.a" in p for p in info.value.problems)


def test_a_kpi_without_a_clause_is_refused():
    data = shipped()
    next(e for e in data["kpi"] if e["id"] == "wk.briefing").pop("clause")
    with pytest.raises(RegistryError, match=r"\[wk.briefing\] 'clause' 칸이 비었습니다"):
        parse_registry(data, load_contract())


def test_a_duplicate_or_misshapen_clause_id_in_the_catalogue_is_refused():
    entry = {"section_ko": "Ⅱ.1", "section_en": "II.1", "text_ko": "…", "text_en": "…"}
    clauses, problems = parse_clauses({"clause": [{"id": "II.1.a", **entry}, {"id": "II.1.a", **entry},
                                                  {"id": "2.1.a", **entry}, {"id": "II.1.b"}]})
    assert len(clauses) == 3
    assert [p.split("]")[0] for p in problems] == ["[clauses.toml II.1.a", "[clauses.toml 2.1.a", "[clauses.toml II.1.b"]
    with open(CLAUSES_PATH, "rb") as fh:
        catalogue = parse_clauses(tomllib.load(fh))
    catalogue[1].append("a problem of the catalogue")
    with pytest.raises(RegistryError, match="a problem of the catalogue"):
        parse_registry(shipped(), load_contract(), catalogue)


@pytest.mark.parametrize(("clause", "label"), [
    ("II.1.a", "Ⅱ.1.가"), ("II.5.c", "Ⅱ.5.다"), ("III.1.1.a", "Ⅲ.1.(1).가"), ("III.1.3.b", "Ⅲ.1.(3).나"),
    ("III.4.b", "Ⅲ.4.나"), ("free text", "free text"),
])
def test_a_clause_is_labelled_as_the_charter_numbers_it(clause, label):
    assert clause_label(clause) == label


@pytest.mark.parametrize(("statuses", "status"), [
    ([], "not_tracked"),
    (["met"], "met"),
    (["met", "no_data"], "no_data"),  # half the clause unmeasured is not met
    (["met", "not_met"], "not_met"),
    (["on_track", "at_risk"], "at_risk"),
    (["tracked", "met"], "tracked"),
    (["scheduled", "on_track"], "on_track"),
])
def test_a_clause_takes_the_status_of_its_weakest_kpi(statuses, status):
    assert clause_status(statuses) == status


def test_clause_rows_give_every_clause_its_kpis_and_not_tracked_for_none():
    class Result:
        def __init__(self, id, status):
            self.id, self.status = id, status

    registry = load_registry()
    rows = {r["id"]: r for r in clause_rows([Result("cert.review_15d", "not_met")], registry)}
    assert list(rows) == ISSUE_CLAUSES
    assert (rows["II.1.a"]["kpis"], rows["II.1.a"]["status"], rows["II.1.a"]["status_ko"]) == (["cert.review_15d"], "not_met", "미달")
    assert (rows["III.4.a"]["kpis"], rows["III.4.a"]["status"], rows["III.4.a"]["status_ko"]) == ([], "not_tracked", "미측정")


@pytest.mark.db
def test_scorecard_json_lists_every_clause_id_and_every_kpi_with_a_known_clause(capsys):
    assert main(["scorecard", "--year", "2026", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in out["clauses"]] == ISSUE_CLAUSES
    assert all(k["clause"] in ISSUE_CLAUSES for k in out["kpis"])
    by_id = {c["id"]: c for c in out["clauses"]}
    assert by_id["II.1.a"]["kpis"] == ["cert.review_15d"] and by_id["II.1.a"]["status"] == "no_data"  # empty database
    measured = {k["clause"] for k in out["kpis"]}
    assert {c["id"] for c in out["clauses"] if c["status"] == "not_tracked"} == set(ISSUE_CLAUSES) - measured


def test_the_definitions_doc_holds_the_generated_clause_table_and_each_kpi_names_its_clause():
    doc = (ROOT / "docs" / "kpi-definitions.md").read_text(encoding="utf-8")
    registry = load_registry()
    assert doc_block(doc) == clauses_markdown(registry), "run: .venv/bin/python -m metrics clauses-doc (and paste it)"
    for kpi in registry:
        section = doc.split(f"\n## {kpi.id}\n", 1)[1]
        assert section.lstrip().startswith(f"Clause: `{kpi.clause}` (헌장 {kpi.clause_label})."), kpi.id
