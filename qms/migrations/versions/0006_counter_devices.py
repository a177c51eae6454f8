"""devices: counter devices (call buttons, LED boards, rating pads), their presses, device
accounts bound to a kiosk or counter, the claim tokens a print job handed out

Revision ID: 0006_counter_devices
Revises: 0002_devices
Create Date: 2026-11-25 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_counter_devices"
down_revision = "0002_devices"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claim_history", sa.JSON(), nullable=False, server_default="[]")
        )
    op.create_table(
        "counter_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=8), nullable=False),
        sa.Column("url", sa.String(length=200), nullable=False),
        sa.Column("framing", sa.String(length=10), nullable=False),
        sa.Column("keymap", sa.JSON(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index("ix_counter_devices_counter", "counter_devices", ["counter"], unique=False)
    op.create_table(
        "device_presses",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_device_presses_created_dt", "device_presses", ["created_dt"])
    op.create_table(
        "device_accounts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kiosk", sa.String(length=40), nullable=True),
        sa.Column("counter", sa.Integer(), nullable=True),
        sa.Column("bound_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )


def downgrade():
    op.drop_table("device_accounts")
    op.drop_index("ix_device_presses_created_dt", table_name="device_presses")
    op.drop_table("device_presses")
    op.drop_index("ix_counter_devices_counter", table_name="counter_devices")
    op.drop_table("counter_devices")
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.drop_column("claim_history")
