"""Nothing personal leaves the upload: not in the database, the exports, the audit log, reports or logs."""

from __future__ import annotations

import io
import json
import logging
import zipfile

from metrics import explore
from metrics.access import audit
from metrics.explore.export import to_csv_bytes, to_xlsx_bytes
from metrics.intake.ingest import ingest_file
from tests.sheets import xlsx

PEOPLE = [
    ["성명", "생년월일", "연락처", "교육과정명", "교육종료일", "수료여부"],
    ["정다운", "1979-11-02", "010-3141-5926", "상수도 관망관리", "2026-05-08", "수료"],
    ["한결", "1992-04-30", "010-2718-2818", "상수도 관망관리", "2026-05-08", "미수료"],
    ["정다운", "1979-11-02", "010-3141-5926", "하수처리 심화", "2026-06-12", "아마"],  # an error row too
]
SECRETS = ["정다운", "한결", "010-3141-5926", "01031415926", "3141-5926", "010-2718-2818", "1979-11-02", "19791102", "1992-04-30"]


def _leaks(blob: bytes | str) -> list[str]:
    text = blob.decode("utf-8", errors="ignore") if isinstance(blob, bytes) else blob
    return [s for s in SECRETS if s in text]


def test_no_name_phone_or_birth_date_in_exports_audit_report_or_logs(engine, caplog):
    caplog.set_level(logging.DEBUG)
    report = ingest_file(engine, xlsx(PEOPLE), "명부.xlsx", kind="attendance")
    assert report.rows_imported == 2 and report.rows_held == 1
    audit.record(engine, "manager@kwwa.or.kr", "upload", {"upload_id": report.upload_id, "filename": "명부.xlsx"})

    shown = explore.load(engine, "attendance")
    assert len(shown) == 2
    assert _leaks(to_csv_bytes(shown)) == []
    assert _leaks(shown.to_json(force_ascii=False, date_format="iso")) == []
    xlsx_bytes = to_xlsx_bytes(shown)
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes)) as z:
        assert _leaks(b"".join(z.read(n) for n in z.namelist())) == []
    assert _leaks(audit.read(engine).to_json(force_ascii=False, date_format="iso")) == []
    assert _leaks(json.dumps(report.to_dict(), ensure_ascii=False, default=str)) == []
    assert _leaks(caplog.text) == []
