"""Print jobs (durable, committed with their ticket) and the last known state of each device."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from qms.models import Base
from qms.timeutil import utcnow

JOB_STATUSES = ("queued", "printing", "printed", "failed", "expired", "cancelled")
OPEN_JOB_STATUSES = ("queued", "printing")
DEVICE_STATES = ("ok", "failed", "unknown")


class PrintJob(Base):
    """One paper ticket to print on a target: "local" (the server's printer) or "agent:<kiosk>"."""

    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_queue", "target", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(12), default="ticket")  # ticket | reprint | test
    target: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    printed_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    claim_token: Mapped[str | None] = mapped_column(String(40), nullable=True)
    claimed_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)


class DeviceState(Base):
    """Last known state of a printer ("printer:local", "printer:<kiosk>") or agent ("agent:<kiosk>")."""

    __tablename__ = "device_states"

    device: Mapped[str] = mapped_column(String(80), primary_key=True)
    state: Mapped[str] = mapped_column(String(10), default="unknown")  # ok | failed | unknown
    kind: Mapped[str | None] = mapped_column(String(20), nullable=True)  # paper_out, offline…
    message: Mapped[str] = mapped_column(String(300), default="")
    since_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
