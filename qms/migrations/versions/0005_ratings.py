"""ratings: one satisfaction rating per finished ticket

Revision ID: 0005_ratings
Revises: 0001_core
Create Date: 2026-11-24 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_ratings"
down_revision = "0001_core"
branch_labels = ("ratings",)
depends_on = None


def upgrade():
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("press_id", sa.String(length=80), nullable=True),
        sa.Column("rated_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["counter_id"], ["counters.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id"),
        sa.UniqueConstraint("press_id"),
    )
    op.create_index("ix_ratings_day", "ratings", ["day"])


def downgrade():
    op.drop_index("ix_ratings_day", table_name="ratings")
    op.drop_table("ratings")
