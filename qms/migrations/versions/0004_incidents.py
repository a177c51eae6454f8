"""incidents: the contingency plan's catalogue, incidents, timeline, quarterly notes

Revision ID: 0004_incidents
Revises: 0001_core
Create Date: 2026-11-22 18:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_incidents"
down_revision = "0001_core"
branch_labels = ("incidents",)
depends_on = None


def upgrade():
    types = op.create_table(
        "incident_types",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("symptoms", sa.Text(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("responsible", sa.Text(), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("updated_dt", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type_code", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("source_key", sa.String(length=120), nullable=True),
        sa.Column("is_drill", sa.Boolean(), nullable=False),
        sa.Column("is_automatic", sa.Boolean(), nullable=False),
        sa.Column("needs_confirmation", sa.Boolean(), nullable=False),
        sa.Column("occurred_dt", sa.DateTime(), nullable=False),
        sa.Column("reported_dt", sa.DateTime(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("reporter_name", sa.String(length=120), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("escalations", sa.JSON(), nullable=False),
        sa.Column("escalated_dt", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("resolved_dt", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_dt", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("paper_dt", sa.DateTime(), nullable=True),
        sa.Column("updated_dt", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["type_code"], ["incident_types.code"]),
        sa.ForeignKeyConstraint(["reporter_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_type_code", ["type_code"], unique=False)
        batch_op.create_index("ix_incidents_status", ["status"], unique=False)
        batch_op.create_index("ix_incidents_source_key", ["source_key"], unique=False)
        batch_op.create_index("ix_incidents_occurred_dt", ["occurred_dt"], unique=False)
    op.create_table(
        "incident_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("event_dt", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("incident_events", schema=None) as batch_op:
        batch_op.create_index("ix_incident_events_incident_id", ["incident_id"], unique=False)
        batch_op.create_index("ix_incident_events_kind", ["kind"], unique=False)
    op.create_table(
        "incident_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_dt", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("incident_attachments", schema=None) as batch_op:
        batch_op.create_index("ix_incident_attachments_incident_id", ["incident_id"], unique=False)
    op.create_table(
        "incident_quarter_notes",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("proposals", sa.Text(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("updated_dt", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("year", "quarter"),
    )
    # the plan's nine types as data: this is where the catalogue is seeded; reads never write.
    # `qms init` / `qms incidents seed` re-add a missing one through
    # qms.incidents.operations.catalogue.ensure_seeded() (e.g. after a PostgreSQL TRUNCATE)
    from datetime import UTC, datetime

    from qms.incidents.plan import PLAN_TYPES

    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        types,
        [
            {
                "code": t["code"],
                "title": t["title"],
                "title_en": t["title_en"],
                "category": t["category"],
                "symptoms": t["symptoms"],
                "steps": list(t["steps"]),
                "responsible": t["responsible"],
                "contacts": list(t["contacts"]),
                "position": position,
                "is_active": True,
                "updated_dt": now,
            }
            for position, t in enumerate(PLAN_TYPES)
        ],
    )


def downgrade():
    op.drop_table("incident_quarter_notes")
    with op.batch_alter_table("incident_attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_attachments_incident_id")
    op.drop_table("incident_attachments")
    with op.batch_alter_table("incident_events", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_events_kind")
        batch_op.drop_index("ix_incident_events_incident_id")
    op.drop_table("incident_events")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_occurred_dt")
        batch_op.drop_index("ix_incidents_source_key")
        batch_op.drop_index("ix_incidents_status")
        batch_op.drop_index("ix_incidents_type_code")
    op.drop_table("incidents")
    op.drop_table("incident_types")
