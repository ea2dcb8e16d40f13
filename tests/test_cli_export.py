"""`python -m metrics export`: the explorer's rows and the rows behind a KPI, as the page exports them."""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd

from metrics import clock, store
from metrics.access import audit
from metrics.cli import main

THIS_YEAR = clock.today().year
LAST_YEAR = THIS_YEAR - 1


def _import(engine, kind: str, rows: pd.DataFrame, name: str) -> None:
    meta = store.UploadMeta(filename=name, sha256=name.ljust(64, "0"), kind=kind)
    store.import_rows(engine, meta, rows.assign(excel_row=range(2, len(rows) + 2)))


def _cases(engine) -> None:
    # Last year's cases, all closed long ago, so today's date does not change their state.
    frame = pd.DataFrame({
        "case_type": ["cert_review", "cert_review", "cert_review", "web_inquiry"],
        "ref": ["A", "B", "=HYPERLINK(\"http://x\")", "D"],
        "title": ["정상", "늦음", "수식", "문의"],
        "received": pd.to_datetime([f"{LAST_YEAR}-04-07", f"{LAST_YEAR}-04-07", f"{LAST_YEAR}-06-02",
                                    f"{LAST_YEAR}-04-07"]).astype("datetime64[us]"),
        "completed": pd.to_datetime([f"{LAST_YEAR}-04-08", f"{LAST_YEAR}-06-30", f"{LAST_YEAR}-06-03",
                                     f"{LAST_YEAR}-04-08"]).astype("datetime64[us]"),
        "interim": pd.Series(pd.NaT, index=range(4), dtype="datetime64[us]"),
        "year": LAST_YEAR,
    })
    _import(engine, "cases", frame, "cases.xlsx")


def _csv(data: bytes) -> pd.DataFrame:
    assert data.startswith(b"\xef\xbb\xbf")
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, dtype=str)


def test_a_dataset_export_keeps_the_where_rows_in_utf8_with_bom_formulas_neutralised_and_audited(engine, capsysbinary):
    _cases(engine)
    code = main(["export", "cases", "--year", str(LAST_YEAR), "--where", "case_type=cert_review"])
    out, err = capsysbinary.readouterr()
    assert code == 0
    back = _csv(out)
    assert back["ref"].tolist() == ["A", "B", "'=HYPERLINK(\"http://x\")"]
    # B took almost three months against 15 working days: late, as on the page and the scorecard.
    assert back["timeliness"].tolist() == ["on_time", "late", "on_time"]
    assert "3 rows" in err.decode("utf-8")
    (entry,) = audit.read(engine).to_dict("records")
    assert entry["action"] == "export" and entry["actor"].startswith("cli:")
    assert json.loads(entry["detail"]) == {"what": f"cases [years={LAST_YEAR}; types=cert_review]", "format": "csv",
                                           "rows": 3, "year": LAST_YEAR}


def test_where_on_the_same_column_keeps_either_value_and_other_columns_must_all_hold(engine, capsysbinary):
    _cases(engine)
    assert main(["export", "cases", "--where", "ref=A", "--where", "ref=D", "--where", "case_type=web_inquiry"]) == 0
    assert _csv(capsysbinary.readouterr()[0])["ref"].tolist() == ["D"]
    assert main(["export", "cases", "--where", f"received={LAST_YEAR}-04-07", "--where", "timeliness=late"]) == 0
    assert _csv(capsysbinary.readouterr()[0])["ref"].tolist() == ["B"]


def test_where_a_kpi_and_its_state_keeps_the_rows_that_kpi_judged_so(engine, capsysbinary):
    _cases(engine)
    assert main(["export", "cases", "--where", "cert.review_15d=late"]) == 0
    assert _csv(capsysbinary.readouterr()[0])["ref"].tolist() == ["B"]  # D's on-time web inquiry is not this KPI's
    assert main(["export", "cases", "--where", "cs.web_inquiry_7d=on_time", "--where", "cert.review_15d=on_time"]) == 0
    assert _csv(capsysbinary.readouterr()[0]).empty  # no case is both
    assert main(["export", "cases", "--where", "cert.review_15d=missed"]) == 2  # a state this KPI never gives
    assert "not a state a KPI gives these rows: cert.review_15d:missed" in capsysbinary.readouterr()[1].decode("utf-8")
    details = [json.loads(d)["what"] for d in audit.read(engine)["detail"]]
    assert "cases [kpi_states=cert.review_15d:late]" in details


def test_the_rows_behind_a_kpi_count_to_its_scorecard_line_in_xlsx(engine, tmp_path, capsys):
    from metrics.kpi.scorecard import compute_scorecard

    _cases(engine)
    out = tmp_path / "rows.xlsx"
    assert main(["export", "--kpi", "cert.review_15d", "--year", str(LAST_YEAR), "--format", "xlsx", "--out", str(out)]) == 0
    assert "numerator 2, denominator 3, pending 0" in capsys.readouterr().err
    sheet = openpyxl.load_workbook(out).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header, body = rows[0], rows[1:]
    assert header[:2] == ["state", "reason"] and header[-2:] == ["upload_id", "excel_row"]
    states = sorted((r[header.index("ref")], r[0], r[1] or "") for r in body)
    assert states == [("'=HYPERLINK(\"http://x\")", "met", ""), ("A", "met", ""), ("B", "missed", "late")]
    card = next(r for r in compute_scorecard(engine, LAST_YEAR) if r.id == "cert.review_15d")
    assert (card.numerator, card.denominator) == (2, 3)
    (entry,) = audit.read(engine).to_dict("records")
    assert json.loads(entry["detail"]) == {"what": "kpi_rows", "format": "xlsx", "rows": 3, "year": LAST_YEAR,
                                           "kpi_id": "cert.review_15d"}


def test_the_rows_behind_a_kpi_can_be_narrowed_to_one_state(engine, capsysbinary):
    _cases(engine)
    assert main(["export", "--kpi", "cert.review_15d", "--year", str(LAST_YEAR), "--where", "state=missed"]) == 0
    back = _csv(capsysbinary.readouterr()[0])
    assert back[["ref", "state", "reason"]].values.tolist() == [["B", "missed", "late"]]


def test_rejected_exports_say_why_in_one_line(engine, capsys):
    _cases(engine)
    for argv, words in (
        (["export"], "either a DATASET or --kpi"),
        (["export", "cases", "--kpi", "cert.review_15d"], "either a DATASET or --kpi"),
        (["export", "nope"], "unknown dataset 'nope'"),
        (["export", "cases", "--where", "colour=red"], "no such column: colour"),
        (["export", "--kpi", "no.such"], "unknown KPI"),
    ):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error:") and words in err[0], (argv, err)
    assert audit.read(engine).empty  # nothing exported, nothing logged
