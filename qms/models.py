"""Declarative base and the tables every feature shares: settings, leases, the log, notices."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, bindparam, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from qms.timeutil import utcnow


class Base(DeclarativeBase):
    pass


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON, nullable=False)
    updated_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


_SETTINGS_BY_KEY = select(Setting.key, Setting.value).where(
    Setting.key.in_(bindparam("keys", expanding=True))
)


def setting_values(conn, keys):
    """{key: stored value} of the Setting rows among keys, in one read (a missing one is absent)."""
    return dict(conn.execute(_SETTINGS_BY_KEY, {"keys": list(keys)}).all())


class Lease(Base):
    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128), nullable=False)
    expires_dt: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class LogEntry(Base):
    """The audit trail: one row per staff action or system event, written by log_event()."""

    __tablename__ = "log_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    logged_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    summary: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class Notice(Base):
    """A short line on the display and kiosk ticker (mode switches, incident notices)."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text_vi: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(40), default="staff")
    source_ref: Mapped[str | None] = mapped_column(String(64), nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


def log_event(session, kind, summary, data=None, user_id=None):
    entry = LogEntry(kind=kind, summary=summary[:300], data=data or {}, user_id=user_id)
    session.add(entry)
    return entry
