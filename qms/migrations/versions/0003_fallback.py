"""fallback: outages of the primary QMS and adopted number ranges

Revision ID: 0003_fallback
Revises: 0001_core
Create Date: 2026-11-22 18:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_fallback"
down_revision = "0001_core"
branch_labels = ("fallback",)
depends_on = None


def upgrade():
    op.create_table(
        "fallback_outages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_dt", sa.DateTime(), nullable=False),
        sa.Column("draining_dt", sa.DateTime(), nullable=True),
        sa.Column("ended_dt", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=True),
        sa.Column("is_automatic", sa.Boolean(), nullable=False),
        sa.Column("end_reason", sa.String(length=500), nullable=False),
        sa.Column("ended_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_fallback_outages_started_dt", "fallback_outages", ["started_dt"], unique=False)
    op.create_table(
        "fallback_adoptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outage_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("number_from", sa.Integer(), nullable=False),
        sa.Column("number_to", sa.Integer(), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["outage_id"], ["fallback_outages.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_fallback_adoptions_series", "fallback_adoptions", ["service_id", "day"], unique=False)


def downgrade():
    op.drop_index("ix_fallback_adoptions_series", table_name="fallback_adoptions")
    op.drop_table("fallback_adoptions")
    op.drop_index("ix_fallback_outages_started_dt", table_name="fallback_outages")
    op.drop_table("fallback_outages")
