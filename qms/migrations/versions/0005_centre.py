"""centre set-up: user titles, one-time passwords, lockout, server-side sessions; service
descriptions and daily caps

Revision ID: 0005_centre
Revises: 0001_core
Create Date: 2026-11-24 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_centre"
down_revision = "0001_core"
branch_labels = ("centre",)
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title", sa.String(120), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("failed_since_dt", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("locked_until_dt", sa.DateTime(), nullable=True))
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("description", sa.String(200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("daily_cap", sa.Integer(), nullable=True))
    op.create_table(
        "user_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.Column("expires_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_user_sessions_user_id", ["user_id"], unique=False)


def downgrade():
    op.drop_table("user_sessions")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_column("daily_cap")
        batch_op.drop_column("description")
    with op.batch_alter_table("users", schema=None) as batch_op:
        for name in ("locked_until_dt", "failed_since_dt", "failed_logins", "must_change_password"):
            batch_op.drop_column(name)
        batch_op.drop_column("title")
