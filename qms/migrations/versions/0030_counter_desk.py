"""counter desk: pause reasons, tickets reserved for one counter, one officer per
counter

Revision ID: 0030_counter_desk
Revises: 0001_core
Create Date: 2026-11-25 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0030_counter_desk"
down_revision = "0001_core"
branch_labels = ("counter_desk",)
depends_on = None


def upgrade():
    # plain ADD COLUMN (no table copy): the tickets table keeps its partial indexes as they are
    op.add_column("counters", sa.Column("pause_reason", sa.String(200), nullable=True))
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds a column's reference inline only
        op.execute(
            "ALTER TABLE tickets ADD COLUMN reserved_counter_id INTEGER REFERENCES counters (id)"
        )
    else:
        op.add_column("tickets", sa.Column("reserved_counter_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_tickets_reserved_counter_id", "tickets", "counters", ["reserved_counter_id"], ["id"]
        )
    op.create_index("ix_tickets_reserved_counter_id", "tickets", ["reserved_counter_id"])
    op.create_table(
        "counter_holds",
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=120), nullable=False),
        sa.Column("page", sa.String(length=40), nullable=False),
        sa.Column("since_dt", sa.DateTime(), nullable=False),
        sa.Column("until_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["counter_id"], ["counters.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("counter_id"),
    )


def downgrade():
    op.drop_table("counter_holds")
    op.drop_index("ix_tickets_reserved_counter_id", table_name="tickets")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("reserved_counter_id")
    with op.batch_alter_table("counters", schema=None) as batch_op:
        batch_op.drop_column("pause_reason")
