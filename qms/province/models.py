"""The province's tables: the centres it knows, every record they sent, and what those say now."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from qms.models import Base, utcnow


class ProvinceCentre(Base):
    """A centre allowed to send, its token (hashed), and its latest state as its records say."""

    __tablename__ = "province_centres"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the token
    created_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_seen_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)  # highest outbox seq stored
    mode: Mapped[str | None] = mapped_column(String(16), nullable=True)
    mode_since: Mapped[str | None] = mapped_column(String(40), nullable=True)  # centre's ISO
    mode_seq: Mapped[int] = mapped_column(Integer, default=0)
    waiting: Mapped[dict] = mapped_column(JSON, default=dict)  # service code → waiting now
    waiting_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    counters_open: Mapped[int | None] = mapped_column(Integer, nullable=True)
    queue_at: Mapped[str | None] = mapped_column(String(40), nullable=True)  # centre's ISO
    queue_seq: Mapped[int] = mapped_column(Integer, default=0)


class ProvinceRecord(Base):
    """Every record as received, once: (centre, seq) is unique, so a resend stores nothing."""

    __tablename__ = "province_records"
    __table_args__ = (UniqueConstraint("centre_code", "seq", name="uq_province_record_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    centre_code: Mapped[str] = mapped_column(ForeignKey("province_centres.code"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[str | None] = mapped_column(String(40), nullable=True)  # when, at the centre
    data: Mapped[dict] = mapped_column(JSON)
    received_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ProvinceIncident(Base):
    """A centre's incident as its latest record says; centre_id is the centre's own id."""

    __tablename__ = "province_incidents"
    __table_args__ = (UniqueConstraint("centre_code", "centre_id", name="uq_province_incident"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    centre_code: Mapped[str] = mapped_column(ForeignKey("province_centres.code"), index=True)
    centre_id: Mapped[int] = mapped_column(Integer)
    type_code: Mapped[str] = mapped_column(String(10))
    type_title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    is_drill: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[str | None] = mapped_column(String(40), nullable=True)  # centre's ISO
    resolved_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    closed_at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    updated_seq: Mapped[int] = mapped_column(Integer)
    received_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ProvinceDayFigures(Base):
    """A centre's queue figures of one local day (re-sent while the day runs; final at its end)."""

    __tablename__ = "province_day_figures"
    __table_args__ = (UniqueConstraint("centre_code", "day", name="uq_province_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    centre_code: Mapped[str] = mapped_column(ForeignKey("province_centres.code"))
    day: Mapped[date] = mapped_column(Date, index=True)
    is_final: Mapped[bool] = mapped_column(Boolean, default=False)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    served: Mapped[int] = mapped_column(Integer, default=0)
    no_show: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[int] = mapped_column(Integer, default=0)
    wait_p50_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    wait_p90_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    wait_avg_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    wait_max_min: Mapped[float | None] = mapped_column(Float, nullable=True)
    within_target_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    rated: Mapped[int] = mapped_column(Integer, default=0)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)
    ratings: Mapped[list] = mapped_column(JSON, default=list)  # [{score, label, count, satisfied}]
    updated_seq: Mapped[int] = mapped_column(Integer)


class ProvinceDevice(Base):
    """A centre's device as its latest failed/recovered record says."""

    __tablename__ = "province_devices"
    __table_args__ = (UniqueConstraint("centre_code", "device", name="uq_province_device"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    centre_code: Mapped[str] = mapped_column(ForeignKey("province_centres.code"))
    device: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(12))  # failed | ok
    kind: Mapped[str] = mapped_column(String(40), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[str | None] = mapped_column(String(40), nullable=True)
    updated_seq: Mapped[int] = mapped_column(Integer)
