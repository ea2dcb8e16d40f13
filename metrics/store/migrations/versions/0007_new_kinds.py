"""The upload kinds of the charter's customer-service promises (issue 14): new tables only, nothing to carry over.

- `monitoring`: service monitoring, one monitored contact a row (Ⅲ.1.1, Ⅲ.1.2).
- `suggestions`: suggestions and the decision on each (Ⅲ.3.a, the 반영 part of Ⅱ.5.c).
- `remedies`: the apology, cause, action, compensation and staff training after a complaint (Ⅲ.4).
- `website_review`: each page reviewed and whether it was up to date (Ⅲ.1.3.a).
- `customer_visits`: visits to customers, called ahead, results explained, card given (Ⅲ.2).

Revision ID: 0007
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MONITORING_ITEMS = ("greeting", "name_given", "listening", "transfer_details", "callback", "signage", "office_used")


def _row_columns() -> list[sa.Column[object]]:
    """The bookkeeping columns every data table has (metrics.store.tables.row_columns, as of this revision)."""
    return [
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("upload_id", sa.Integer(), sa.ForeignKey("uploads.id"), nullable=False),
        sa.Column("nk", sa.String(length=40), nullable=False),
        sa.Column("row_hash", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("excel_row", sa.Integer(), nullable=True),
    ]


def _indexes(name: str) -> None:
    op.create_index(f"ix_{name}_upload_id", name, ["upload_id"])
    op.create_index(f"ix_{name}_year", name, ["year", "active"])
    op.create_index(f"ix_{name}_nk", name, ["nk"])


def upgrade() -> None:
    op.create_table(
        "monitoring",
        *_row_columns(),
        sa.Column("monitored", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("department", sa.String(length=300), nullable=True),
        sa.Column("ref", sa.String(length=300), nullable=True),
        *(sa.Column(item, sa.Boolean(), nullable=True) for item in MONITORING_ITEMS),
        sa.Column("wait_minutes", sa.Float(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
    )
    _indexes("monitoring")
    op.create_table(
        "suggestions",
        *_row_columns(),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("via", sa.String(length=40), nullable=False),
        sa.Column("ref", sa.String(length=300), nullable=True),
        sa.Column("summary", sa.String(length=1000), nullable=True),
        sa.Column("decision", sa.String(length=40), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("reflected", sa.Boolean(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
    )
    _indexes("suggestions")
    op.create_table(
        "remedies",
        *_row_columns(),
        sa.Column("ref", sa.String(length=300), nullable=False),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("apology", sa.Boolean(), nullable=True),
        sa.Column("cause_found", sa.Boolean(), nullable=True),
        sa.Column("action", sa.String(length=1000), nullable=True),
        sa.Column("compensation", sa.String(length=1000), nullable=True),
        sa.Column("action_taken", sa.Boolean(), nullable=True),
        sa.Column("training_on", sa.Date(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
    )
    _indexes("remedies")
    op.create_table(
        "website_review",
        *_row_columns(),
        sa.Column("page", sa.String(length=300), nullable=False),
        sa.Column("last_updated", sa.Date(), nullable=True),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("up_to_date", sa.Boolean(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
    )
    _indexes("website_review")
    op.create_table(
        "customer_visits",
        *_row_columns(),
        sa.Column("visited", sa.Date(), nullable=False),
        sa.Column("customer", sa.String(length=300), nullable=True),
        sa.Column("purpose", sa.String(length=300), nullable=True),
        *(sa.Column(item, sa.Boolean(), nullable=True) for item in ("called_ahead", "results_explained", "card_given")),
        sa.Column("year", sa.Integer(), nullable=False),
    )
    _indexes("customer_visits")


TABLES = ("monitoring", "suggestions", "remedies", "website_review", "customer_visits")


def downgrade() -> None:
    for name in reversed(TABLES):
        for index in ("nk", "year", "upload_id"):
            op.drop_index(f"ix_{name}_{index}", table_name=name)
        op.drop_table(name)
