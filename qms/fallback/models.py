"""Outages of the primary QMS (one row from takeover to hand-back) and adopted number ranges."""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from qms.models import Base
from qms.timeutil import utcnow


class Outage(Base):
    """Opened on entering fallback, closed on returning to standby: the reconciliation window."""

    __tablename__ = "fallback_outages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    draining_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    ended_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    started_by: Mapped[str | None] = mapped_column(String(64), nullable=True)  # None: automatic
    is_automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    end_reason: Mapped[str] = mapped_column(String(500), default="")
    ended_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Adoption(Base):
    """A range of numbers QMS 1.2 printed, taken into our queue (one row per accepted range)."""

    __tablename__ = "fallback_adoptions"
    __table_args__ = (Index("ix_fallback_adoptions_series", "service_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outage_id: Mapped[int | None] = mapped_column(ForeignKey("fallback_outages.id"), nullable=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    day: Mapped[date] = mapped_column(Date)
    number_from: Mapped[int] = mapped_column(Integer)
    number_to: Mapped[int] = mapped_column(Integer)
    created_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
