"""help: a citizen at a kiosk asks for help, an officer acknowledges

Revision ID: 0012_help
Revises: 0001_core
Create Date: 2026-11-24 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_help"
down_revision = "0001_core"
branch_labels = ("help",)
depends_on = None


def upgrade():
    op.create_table(
        "help_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kiosk", sa.String(length=40), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("presses", sa.Integer(), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_dt", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=120), nullable=True),
        sa.Column("acknowledged_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["acknowledged_user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_help_requests_created_dt", "help_requests", ["created_dt"])


def downgrade():
    op.drop_index("ix_help_requests_created_dt", table_name="help_requests")
    op.drop_table("help_requests")
