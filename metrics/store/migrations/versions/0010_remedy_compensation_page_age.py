"""What the charter's last judged promises need (issue 14): whether compensation was due and given after a complaint
about staff (remedies.compensation_due, remedies.compensated, Ⅲ.4.b) and how old a page was when the website was
reviewed (website_review.days_since_update, Ⅲ.1.3.a). All nullable. Rows stored before get what their own columns
say: a compensation written down was due and given, a page's age is its review date less its last update.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("remedies") as batch:
        batch.add_column(sa.Column("compensation_due", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("compensated", sa.Boolean(), nullable=True))
    with op.batch_alter_table("website_review") as batch:
        batch.add_column(sa.Column("days_since_update", sa.Float(), nullable=True))
    op.execute("UPDATE remedies SET compensated = TRUE WHERE compensation IS NOT NULL AND compensation <> ''")
    days = ("julianday(reviewed_on) - julianday(last_updated)" if op.get_bind().dialect.name == "sqlite"
            else "reviewed_on - last_updated")
    op.execute(f"UPDATE website_review SET days_since_update = {days} WHERE last_updated IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("website_review") as batch:
        batch.drop_column("days_since_update")
    with op.batch_alter_table("remedies") as batch:
        batch.drop_column("compensated")
        batch.drop_column("compensation_due")
