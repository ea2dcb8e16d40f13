"""Notes on a promise (check-ins): per KPI and year, the cause of a miss or risk and the action taken, with
author and time (metrics.kpi.checkins). A new table only; nothing to carry over.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_notes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kpi_id", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("noted_at", sa.DateTime(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("corrects", sa.Integer(), sa.ForeignKey("kpi_notes.id")),
    )
    op.create_index("ix_kpi_notes_kpi_year", "kpi_notes", ["kpi_id", "year"])


def downgrade() -> None:
    op.drop_index("ix_kpi_notes_kpi_year", table_name="kpi_notes")
    op.drop_table("kpi_notes")
