"""Revision 0010: remedies and website reviews stored before it get what their own columns say."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from metrics import store
from metrics.store import database

pytestmark = pytest.mark.db


def test_remedies_and_pages_stored_before_0010_get_their_compensation_and_age(database_url):
    from alembic import command

    old = create_engine(database_url)
    with old.begin() as conn:
        command.upgrade(database._alembic_config(conn), "0008")
        conn.execute(text("INSERT INTO uploads (id, created_at, filename, sha256, kind, rows_imported, rows_held, "
                          "rows_duplicate, rows_superseded) VALUES (1, :at, 'r.csv', :sha, 'remedies', 3, 0, 0, 0)"),
                     {"at": datetime(2025, 7, 1), "sha": "a" * 64})
        for nk, compensation in (("r1", "수강료 환불"), ("r2", ""), ("r3", None)):
            conn.execute(text("INSERT INTO remedies (upload_id, nk, row_hash, active, ref, received, compensation, year) "
                              "VALUES (1, :nk, :nk, :a, :nk, :r, :c, 2025)"),
                         {"nk": nk, "a": True, "r": date(2025, 3, 4), "c": compensation})
        for nk, updated in (("p1", date(2025, 5, 2)), ("p2", None)):
            conn.execute(text("INSERT INTO website_review (upload_id, nk, row_hash, active, page, last_updated, "
                              "reviewed_on, up_to_date, year) VALUES (1, :nk, :nk, :a, :nk, :u, :r, :a, 2025)"),
                         {"nk": nk, "a": True, "u": updated, "r": date(2025, 6, 20)})
    old.dispose()
    engine = store.get_engine(database_url)  # upgrades to the head
    remedies = store.read_active(engine, "remedies").set_index("ref")
    # A compensation written down was due and given; none written says nothing (blank, not a miss).
    assert remedies["compensated"].astype("object").where(remedies["compensated"].notna(), None).to_dict() == {
        "r1": True, "r2": None, "r3": None}
    pages = store.read_active(engine, "website_review").set_index("page")
    assert pages.loc["p1", "days_since_update"] == 49.0 and pd.isna(pages.loc["p2", "days_since_update"])

