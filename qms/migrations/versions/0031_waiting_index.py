"""the waiting queue counted from one index: people ahead of each new ticket

Revision ID: 0031_waiting_index
Revises: 0030_counter_desk
Create Date: 2026-11-25 21:30:00
"""

from alembic import op

revision = "0031_waiting_index"
down_revision = "0030_counter_desk"
branch_labels = None
depends_on = None

COLUMNS = ["status", "day", "service_id", "reserved_counter_id", "priority_class", "queue_dt"]


def upgrade():
    op.create_index("ix_tickets_waiting", "tickets", COLUMNS)


def downgrade():
    op.drop_index("ix_tickets_waiting", table_name="tickets")
