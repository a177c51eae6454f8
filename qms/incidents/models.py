"""Incident tables: the plan's catalogue, the incidents, their timeline, quarterly notes."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qms.models import Base, utcnow

STATUSES = ("reported", "handling", "escalated", "resolved", "closed")
OPEN_STATUSES = ("reported", "handling", "escalated")


class IncidentType(Base):
    """One entry of the contingency plan (2.1 … 2.9, and any the centre adds)."""

    __tablename__ = "incident_types"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(10), default="simple")  # simple | complex
    symptoms: Mapped[str] = mapped_column(Text, default="")
    steps: Mapped[list] = mapped_column(JSON, default=list)  # ordered handling steps
    responsible: Mapped[str] = mapped_column(Text, default="")
    contacts: Mapped[list] = mapped_column(JSON, default=list)  # external units to call
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type_code: Mapped[str] = mapped_column(ForeignKey("incident_types.code"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="reported", index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(String(200), default="")  # device, counter, whole centre…
    source_key: Mapped[str | None] = mapped_column(String(120), nullable=True, index=True)
    is_drill: Mapped[bool] = mapped_column(Boolean, default=False)
    is_automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_confirmation: Mapped[bool] = mapped_column(Boolean, default=False)
    occurred_dt: Mapped[datetime] = mapped_column(DateTime, index=True)
    reported_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reporter_name: Mapped[str] = mapped_column(String(120), default="")
    # the type's steps copied at report time, so editing the catalogue never rewrites history:
    # [{"text", "done": bool, "done_dt": iso|None, "done_by": name|None}]
    checklist: Mapped[list] = mapped_column(JSON, default=list)
    # [{"to", "channel", "note", "at" (UTC iso), "by"}]
    escalations: Mapped[list] = mapped_column(JSON, default=list)
    escalated_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    closed_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    outcome: Mapped[str] = mapped_column(String(12), default="")  # "" | fixed | dismissed
    notice_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # when the centre switched to temporary paper reception (plan part III), if it did
    paper_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    updated_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class IncidentEvent(Base):
    """The timeline and audit trail of one incident, written by operations.record()."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    event_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    summary: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict] = mapped_column(JSON, default=dict)


class IncidentAttachment(Base):
    """A small photo or PDF (a printer's error screen, a VNPT ticket) kept in DATA_DIR."""

    __tablename__ = "incident_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))  # as uploaded, cleaned
    stored_name: Mapped[str] = mapped_column(String(80))  # random, under attachments/<incident>/
    content_type: Mapped[str] = mapped_column(String(80))  # from the file's bytes, not the client
    size: Mapped[int] = mapped_column(Integer)
    uploaded_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class IncidentQuarterNote(Base):
    """The improvement proposals of a quarter (plan part IV), written by leadership."""

    __tablename__ = "incident_quarter_notes"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    quarter: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposals: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[str] = mapped_column(String(40), default="")  # "Số: …/BC-TTPVHCC"
    updated_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class IncidentDrill(Base):
    """A drill (diễn tập) the plan requires, run by `qms drill` against the live server.

    While one runs, the automatic incidents it provokes are marked is_drill; when it ends, its
    report (the steps the drill went through, each with its outcome) is stored here and the
    quarterly report lists it apart from real incidents."""

    __tablename__ = "incident_drills"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default="running")  # running | finished
    outcome: Mapped[str] = mapped_column(String(12), default="")  # "" | passed | failed
    title: Mapped[str] = mapped_column(String(200), default="")
    started_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    finished_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # [{"name", "ok": bool|None (skipped), "detail", "seconds"}] as the drill reported them
    steps: Mapped[list] = mapped_column(JSON, default=list)
    # {"incidents": [ids], "dossiers": [codes]}: what the drill created, all marked as drill
    created: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = mapped_column(Text, default="")
