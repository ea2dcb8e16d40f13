"""Columns the charter's clauses need (issue 14): whether a technical-support case had its expert team formed
(cases.expert_team, II.3.b) and who took part in an event (events.participant_groups, II.3.c). Both nullable: rows stored
before say nothing, and the KPIs say so instead of guessing.

Revision ID: 0008
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("expert_team", sa.Boolean(), nullable=True))
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("participant_groups", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("participant_groups")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("expert_team")
