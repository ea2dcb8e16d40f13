"""Sign-in sessions of local accounts, kept server-side (metrics.access.sessions): the SHA-256 of the id the browser
holds in its cookie, the account, the expiry and the last use. Nothing to carry over: sessions used to live in
each tab's memory, so everyone signs in once more after the upgrade.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("sign_in_sessions"):
        return  # made by metrics.access.tables.ensure_tables on an engine set up before this revision ran
    op.create_table(
        "sign_in_sessions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("ticket", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(op.f("ix_sign_in_sessions_user_id"), "sign_in_sessions", ["user_id"])
    op.create_index(op.f("ix_sign_in_sessions_expires_at"), "sign_in_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sign_in_sessions_expires_at"), table_name="sign_in_sessions")
    op.drop_index(op.f("ix_sign_in_sessions_user_id"), table_name="sign_in_sessions")
    op.drop_table("sign_in_sessions")
