"""Print jobs (durable, committed with their ticket), the last known state of each device,
counter devices (call buttons, LED boards, rating pads), their presses, and what each device
account is bound to."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String
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
    # every claim token handed out for this job (a late 'printed' may quote an older one)
    claim_history: Mapped[list] = mapped_column(JSON, default=list)


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


COUNTER_DEVICE_KINDS = ("button", "led", "rating_pad")
DEVICE_HOSTS = ("server", "agent", "mqtt")  # who opens it: the server, a counter PC, the bus
FRAMINGS = ("line", "receiver", "hid")


class CounterDevice(Base):
    """A call-button box, LED board or rating pad, as the admin registered it."""

    __tablename__ = "counter_devices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # button | led | rating_pad
    name: Mapped[str] = mapped_column(String(40), unique=True)
    counter: Mapped[int] = mapped_column(Integer, index=True)
    host: Mapped[str] = mapped_column(String(8), default="agent")  # server | agent | mqtt
    url: Mapped[str] = mapped_column(String(200), default="")  # hardware link URL
    framing: Mapped[str] = mapped_column(String(10), default="line")  # line | receiver | hid
    keymap: Mapped[dict] = mapped_column(JSON, default=dict)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DevicePress(Base):
    """One press, by its id: a repeated or retried press finds its row and acts no more."""

    __tablename__ = "device_presses"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)  # "<counter>:<press id>"
    counter: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(String(60))  # the device that pressed
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending|done|refused
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    created_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class DeviceAccount(Base):
    """What a device account (role device) may act for: one kiosk or one counter."""

    __tablename__ = "device_accounts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kiosk: Mapped[str | None] = mapped_column(String(40), nullable=True)
    counter: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bound_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
