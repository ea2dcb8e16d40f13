"""Course aliases: a survey course name that matches no roster course, mapped by a manager to the one it means.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "course_aliases",
        sa.Column("survey_key", sa.String(length=300), primary_key=True),
        sa.Column("survey_name", sa.String(length=300), nullable=False),
        sa.Column("course_key", sa.String(length=300), nullable=False),
        sa.Column("course_name", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=200)),
    )


def downgrade() -> None:
    op.drop_table("course_aliases")
