"""The time of day of a case's receipt and answer (issue 9 §7): a deadline of 5 business days or less is counted in
working hours from the time of receipt (민원처리법 제19조 ①), and the case log kept only dates. Both nullable and
outside the natural key: rows stored before keep their dates, and are judged in whole days with a note saying so.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("received_time", sa.Time(), nullable=True))
        batch.add_column(sa.Column("completed_time", sa.Time(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("completed_time")
        batch.drop_column("received_time")
