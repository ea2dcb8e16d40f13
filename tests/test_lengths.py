"""Text longer than the store's column is a finding on that cell, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from metrics.intake import ingest
from metrics.store import tables
from tests.sheets import xlsx


@pytest.mark.db
def test_a_title_longer_than_its_column_is_held_back_and_the_rest_imports(engine):
    limit = tables.cases.c.title.type.length  # 1,000: the store's own length, asked rather than copied
    rows = [["접수번호", "접수일", "처리일", "제목"],
            ["A-1", "2026-03-02", "2026-03-05", "가" * (limit + 1)],
            ["A-2", "2026-03-03", "2026-03-06", "가" * limit]]
    report = ingest.ingest_file(engine, xlsx(rows), "cases.xlsx", kind="cases", case_type="cert_review")
    assert report.status == "imported", report.message
    assert (report.rows_imported, report.rows_held) == (1, 1)
    [finding] = report.issues
    assert (finding.row, finding.code, finding.column) == (2, "too_long", "제목")
    assert "1,000" in finding.message.en
