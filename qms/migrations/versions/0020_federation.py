"""federation: the centre's outbox of records for the province

Revision ID: 0020_federation
Revises: 0001_core
Create Date: 2026-11-25 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_federation"
down_revision = "0001_core"
branch_labels = ("federation",)
depends_on = None


def upgrade():
    op.create_table(
        "federation_outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.Column("sent_dt", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
        # SQLite: AUTOINCREMENT, so a seq is never reused after the newest rows are purged
        sqlite_autoincrement=True,
    )
    op.create_index("ix_federation_outbox_sent_dt", "federation_outbox", ["sent_dt"])


def downgrade():
    op.drop_index("ix_federation_outbox_sent_dt", table_name="federation_outbox")
    op.drop_table("federation_outbox")
