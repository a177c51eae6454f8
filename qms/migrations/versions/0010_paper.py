"""paper: dossiers received on paper while the official system is down; assisted service

Revision ID: 0010_paper
Revises: 0001_core
Create Date: 2026-11-24 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_paper"
down_revision = "0001_core"
branch_labels = ("paper",)
depends_on = ("0004_incidents",)  # a dossier names the incident that caused it


def upgrade():
    op.create_table(
        "paper_dossiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("citizen_name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("procedure", sa.String(length=300), nullable=False),
        sa.Column("documents", sa.Text(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("ticket_code", sa.String(length=12), nullable=False),
        sa.Column("appointment_date", sa.Date(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("is_drill", sa.Boolean(), nullable=False),
        sa.Column("status_token", sa.String(length=32), nullable=False),
        sa.Column("received_dt", sa.DateTime(), nullable=False),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column("official_code", sa.String(length=60), nullable=True),
        sa.Column("entered_dt", sa.DateTime(), nullable=True),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("returned_dt", sa.DateTime(), nullable=True),
        sa.Column("returned_by_id", sa.Integer(), nullable=True),
        sa.Column("purged_dt", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.ForeignKeyConstraint(["received_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["entered_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["returned_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("status_token"),
        sa.UniqueConstraint("official_code"),
    )
    op.create_index("ix_paper_dossiers_status", "paper_dossiers", ["status"])
    op.create_index("ix_paper_dossiers_received_dt", "paper_dossiers", ["received_dt"])
    op.create_table(
        "assisted_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("ticket_code", sa.String(length=12), nullable=False),
        sa.Column("citizen_name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("procedure", sa.String(length=300), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("is_drill", sa.Boolean(), nullable=False),
        sa.Column("opened_dt", sa.DateTime(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("result_ready_dt", sa.DateTime(), nullable=True),
        sa.Column("called_back_dt", sa.DateTime(), nullable=True),
        sa.Column("purged_dt", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["dossier_id"], ["paper_dossiers.id"]),
        sa.ForeignKeyConstraint(["opened_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assisted_cases_opened_dt", "assisted_cases", ["opened_dt"])


def downgrade():
    op.drop_table("assisted_cases")
    op.drop_table("paper_dossiers")
