"""The command line: exit status 0 on success, non-zero with one line on rejected input, JSON on request."""

from __future__ import annotations

import json

import pytest

from metrics.cli import main
from tests.sheets import xlsx

pytestmark = pytest.mark.db  # the commands read and write the database DATABASE_URL names


def _write(tmp_path, name, rows):
    path = tmp_path / name
    path.write_bytes(xlsx(rows))
    return path


EVENTS = [["행사구분", "개최일", "참석인원"], ["워크숍", "2026-06-10", 41], ["설명회", "2026-02-03", 120]]


def test_ingest_then_uploads_then_undo(tmp_path, capsys):
    path = _write(tmp_path, "events.xlsx", EVENTS)
    assert main(["ingest", str(path), "--kind", "events"]) == 0
    assert "Imported 2 rows" in capsys.readouterr().out
    assert main(["uploads", "--json"]) == 0
    (upload,) = json.loads(capsys.readouterr().out)
    assert (upload["id"], upload["filename"], upload["rows_imported"]) == (1, "events.xlsx", 2)
    assert main(["undo", "1"]) == 0
    assert main(["undo", "1"]) == 1
    assert "already undone" in capsys.readouterr().err
    from metrics.access import audit
    from metrics.store import get_engine

    trail = audit.read(get_engine()).sort_values("id")
    assert trail["action"].tolist() == ["upload", "undo"]
    assert trail["actor"].str.startswith("cli:").all()


def test_rejected_input_exits_non_zero_with_one_line(tmp_path, capsys):
    path = _write(tmp_path, "att.xlsx", [["성명", "교육과정명"], ["홍길동", "정수처리"]])
    assert main(["ingest", str(path), "--kind", "attendance"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: 필수 열이 없습니다")


def test_json_report_lists_every_issue_with_its_row(tmp_path, capsys):
    rows = EVENTS + [["출장", "2026-07-01", 3]]
    path = _write(tmp_path, "events.xlsx", rows)
    assert main(["ingest", str(path), "--kind", "events", "--dry-run", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "dry_run" and report["rows_valid"] == 2
    assert [(i["row"], i["code"]) for i in report["issues"]] == [(4, "unknown_type")]


def test_a_missing_file_is_one_line_not_a_traceback(tmp_path, capsys):
    assert main(["ingest", str(tmp_path / "nope.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err


def test_scorecard_json_has_every_registry_kpi_and_the_contract_fields(tmp_path, capsys):
    import tomllib

    from metrics.settings import CONFIG_DIR

    assert main(["scorecard", "--year", "2026", "--json"]) == 0
    cards = json.loads(capsys.readouterr().out)["kpis"]
    registry = tomllib.loads((CONFIG_DIR / "registry.toml").read_text(encoding="utf-8"))
    assert [c["id"] for c in cards] == [k["id"] for k in registry["kpi"]]
    required = {"id", "area", "title_ko", "title_en", "value", "unit", "target", "comparator", "status", "conclusive",
                "n", "ci_low", "ci_high", "year", "ytd", "projection", "projection_low", "projection_high", "numerator", "denominator", "pending", "note", "notes", "clause", "clause_label"}
    assert all(required <= set(c) for c in cards)
    assert {c["status"] for c in cards} == {"no_data"}  # an empty database
    assert {note["code"] for c in cards for note in c["notes"]} == {"missing_upload"}


def test_audit_prune_dry_run_reports_the_count_then_prune_deletes_and_is_recorded(capsys):
    from datetime import timedelta

    from metrics import clock
    from metrics.access import audit
    from metrics.store import get_engine

    engine, now = get_engine(), clock.utc_now()
    for days in (400, 40, 1):
        audit.record(engine, "kim", "export", {"what": "cases", "rows": 5}, now=now - timedelta(days=days))
    assert main(["audit", "prune", "--older-than", "30", "--dry-run"]) == 0
    assert "2 entries older than" in capsys.readouterr().out and len(audit.read(engine)) == 3
    assert main(["audit", "prune"]) == 0  # the default retention, 730 days: nothing is that old
    assert main(["audit", "prune", "--older-than", "30"]) == 0
    assert "2 entries older than" in capsys.readouterr().out
    trail = audit.read(engine).sort_values("id")
    assert trail["action"].tolist() == ["export", "audit_prune", "audit_prune"]
    assert trail["at"].iloc[0] > now - timedelta(days=2)  # the export of yesterday stays
    assert [d["rows"] for d in audit.details(trail)[1:]] == [0, 2]
    assert trail["actor"].iloc[1:].str.startswith("cli:").all()


def test_audit_prune_refuses_a_negative_number_of_days(capsys):
    assert main(["audit", "prune", "--older-than", "-5"]) == 2
    assert "0 days or more" in capsys.readouterr().err


def test_scorecard_text_shows_values_and_targets_in_their_units(tmp_path, capsys):
    events = tmp_path / "events.csv"
    events.write_text("행사구분,개최일,행사명,참여 대상\n워크숍,2025-05-20,상반기 워크숍,지자체 공무원·관리대행업체\n", encoding="utf-8")
    assert main(["ingest", str(events), "--kind", "events"]) == 0
    capsys.readouterr()
    assert main(["scorecard", "--year", "2025"]) == 0
    lines = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()}
    assert lines["eval.workshop"][1:4] == ["met", "1", ">="] and lines["eval.workshop"][4] == "1"
    assert lines["cert.review_15d"][1:3] == ["no_data", "–"] and lines["cert.review_15d"][3:5] == [">=", "100.0%"]


def test_ingest_prints_its_outcome_and_each_problem_in_korean_and_english(tmp_path, capsys):
    path = _write(tmp_path, "events.xlsx", [*EVENTS, ["워크숍", "내일", 5]])
    assert main(["ingest", str(path), "--kind", "events", "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("가져올 수 있는 행 2 (새 행 2, 바뀐 행 0, 이미 있던 행 0), 보류 1 (저장하지 않음). / "
                      "2 rows valid (2 new, 0 changed, 0 already stored), 1 held back (nothing stored).")
    assert out[1].endswith("!개최일 row 4: 날짜로 읽을 수 없습니다 (예: 2026-03-15, 2026.3.15) / "
                           "not a date (e.g. 2026-03-15, 2026.3.15) [내일]")
