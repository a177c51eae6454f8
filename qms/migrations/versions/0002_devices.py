"""devices: durable print jobs and device states

Revision ID: 0002_devices
Revises: 0001_core
Create Date: 2026-11-22 18:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_devices"
down_revision = "0001_core"
branch_labels = ("devices",)
depends_on = None


def upgrade():
    op.create_table(
        "print_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("target", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_dt", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.Column("printed_dt", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claim_token", sa.String(length=40), nullable=True),
        sa.Column("claimed_dt", sa.DateTime(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_print_jobs_ticket_id", "print_jobs", ["ticket_id"], unique=False)
    op.create_index("ix_print_jobs_queue", "print_jobs", ["target", "status", "id"], unique=False)
    op.create_table(
        "device_states",
        sa.Column("device", sa.String(length=80), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.Column("since_dt", sa.DateTime(), nullable=False),
        sa.Column("last_seen_dt", sa.DateTime(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("device"),
    )


def downgrade():
    op.drop_table("device_states")
    op.drop_index("ix_print_jobs_queue", table_name="print_jobs")
    op.drop_index("ix_print_jobs_ticket_id", table_name="print_jobs")
    op.drop_table("print_jobs")
