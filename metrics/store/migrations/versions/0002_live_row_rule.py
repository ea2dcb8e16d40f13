"""The live-row rule, NFC keys, the data version, the key fingerprint and one live upload per file.

- `carried` (rows an upload repeated unchanged) replaces `supersessions`: which row is live now follows
  from the uploads that carry it (metrics.store.versions), so undo is right in any order.
- natural keys are recomputed by the new text rule (NFKC, trimmed); keys that now name two live rows
  keep the newest upload's row.
- a second live upload of the same file (left by two instances racing before this revision) is undone,
  then a unique index makes the database refuse it.
- `data_state` (the version pages cache on) and `database_facts` (the pseudonym key fingerprint).

Revision ID: 0002
Revises: 0001
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DATA_TABLES = ("survey_responses", "enrolments", "cases", "events", "postings", "calls")


def upgrade() -> None:
    from metrics import store
    from metrics.contract import kinds, load_contract
    from metrics.store import versions

    op.create_table(
        "carried",
        sa.Column("upload_id", sa.Integer(), sa.ForeignKey("uploads.id"), primary_key=True),
        sa.Column("table_name", sa.String(length=40), primary_key=True),
        sa.Column("row_id", sa.Integer(), primary_key=True),
    )
    op.create_index("ix_carried_row", "carried", ["table_name", "row_id"])
    op.create_table("data_state", sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
                    sa.Column("version", sa.Integer(), nullable=False))
    op.execute("INSERT INTO data_state (id, version) VALUES (1, 0)")
    op.create_table("database_facts", sa.Column("name", sa.String(length=100), primary_key=True),
                    sa.Column("value", sa.String(length=500), nullable=False))
    for name in DATA_TABLES:
        op.create_index(f"ix_{name}_nk", name, ["nk"])
    op.drop_table("supersessions")

    conn = op.get_bind()
    for upload_id, kind in _second_live_uploads_of_one_file(conn):
        versions.withdraw(conn, kinds.table_of(kind), upload_id)
        conn.execute(sa.text("UPDATE uploads SET undone_at = :now WHERE id = :id"), {"now": datetime.now(UTC).replace(tzinfo=None), "id": upload_id})
    op.create_index("ux_uploads_live_sha256", "uploads", ["sha256"], unique=True,
                    sqlite_where=sa.text("undone_at IS NULL"), postgresql_where=sa.text("undone_at IS NULL"))
    for kind in load_contract().kinds:
        if kinds.table_of(kind).name not in DATA_TABLES:  # a kind whose table a later revision creates
            continue
        versions.choose_live(conn, kinds.table_of(kind), store.rekey(conn, kind))


def _second_live_uploads_of_one_file(conn: sa.Connection) -> list[tuple[int, str]]:
    rows = conn.execute(sa.text(
        "SELECT u.id, u.kind FROM uploads u WHERE u.undone_at IS NULL AND EXISTS "
        "(SELECT 1 FROM uploads e WHERE e.sha256 = u.sha256 AND e.undone_at IS NULL AND e.id < u.id) ORDER BY u.id DESC"
    )).all()
    return [(int(r.id), str(r.kind)) for r in rows]


def downgrade() -> None:
    raise NotImplementedError("restore the backup taken before the upgrade")
