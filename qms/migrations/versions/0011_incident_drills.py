"""incidents: drills (diễn tập) and their reports

Revision ID: 0011_incident_drills
Revises: 0004_incidents
Create Date: 2026-11-24 09:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_incident_drills"
down_revision = "0004_incidents"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "incident_drills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("started_dt", sa.DateTime(), nullable=False),
        sa.Column("finished_dt", sa.DateTime(), nullable=True),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("created", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["started_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_incident_drills_started_dt", "incident_drills", ["started_dt"])


def downgrade():
    op.drop_table("incident_drills")
