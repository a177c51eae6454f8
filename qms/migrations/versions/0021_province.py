"""province: the centres a province instance knows, their records and latest state

Revision ID: 0021_province
Revises: 0001_core
Create Date: 2026-11-25 09:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_province"
down_revision = "0001_core"
branch_labels = ("province",)
depends_on = None


def upgrade():
    op.create_table(
        "province_centres",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_dt", sa.DateTime(), nullable=False),
        sa.Column("revoked_dt", sa.DateTime(), nullable=True),
        sa.Column("last_seen_dt", sa.DateTime(), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=True),
        sa.Column("mode_since", sa.String(length=40), nullable=True),
        sa.Column("mode_seq", sa.Integer(), nullable=False),
        sa.Column("waiting", sa.JSON(), nullable=False),
        sa.Column("waiting_total", sa.Integer(), nullable=True),
        sa.Column("counters_open", sa.Integer(), nullable=True),
        sa.Column("queue_at", sa.String(length=40), nullable=True),
        sa.Column("queue_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "province_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_code", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("received_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["centre_code"], ["province_centres.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("centre_code", "seq", name="uq_province_record_seq"),
    )
    op.create_table(
        "province_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_code", sa.String(length=32), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("type_code", sa.String(length=10), nullable=False),
        sa.Column("type_title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("is_drill", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.String(length=40), nullable=True),
        sa.Column("resolved_at", sa.String(length=40), nullable=True),
        sa.Column("closed_at", sa.String(length=40), nullable=True),
        sa.Column("updated_seq", sa.Integer(), nullable=False),
        sa.Column("received_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["centre_code"], ["province_centres.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("centre_code", "centre_id", name="uq_province_incident"),
    )
    op.create_index("ix_province_incidents_centre_code", "province_incidents", ["centre_code"])
    op.create_table(
        "province_day_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_code", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_final", sa.Boolean(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("served", sa.Integer(), nullable=False),
        sa.Column("no_show", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.Column("wait_p50_min", sa.Float(), nullable=True),
        sa.Column("wait_p90_min", sa.Float(), nullable=True),
        sa.Column("wait_avg_min", sa.Float(), nullable=True),
        sa.Column("wait_max_min", sa.Float(), nullable=True),
        sa.Column("within_target_pct", sa.Float(), nullable=True),
        sa.Column("rated", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("updated_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["centre_code"], ["province_centres.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("centre_code", "day", name="uq_province_day"),
    )
    op.create_index("ix_province_day_figures_day", "province_day_figures", ["day"])
    op.create_table(
        "province_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_code", sa.String(length=32), nullable=False),
        sa.Column("device", sa.String(length=120), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=True),
        sa.Column("updated_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["centre_code"], ["province_centres.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("centre_code", "device", name="uq_province_device"),
    )


def downgrade():
    op.drop_table("province_devices")
    op.drop_index("ix_province_day_figures_day", table_name="province_day_figures")
    op.drop_table("province_day_figures")
    op.drop_index("ix_province_incidents_centre_code", table_name="province_incidents")
    op.drop_table("province_incidents")
    op.drop_table("province_records")
    op.drop_table("province_centres")
