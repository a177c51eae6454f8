"""Services, counters, priority categories, the daily number sequences, tickets and their events."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.models import Base
from qms.timeutil import utcnow

TICKET_STATUSES = ("waiting", "called", "serving", "done", "no_show", "transferred", "cancelled")
ACTIVE_STATUSES = ("called", "serving")
COUNTER_STATES = ("open", "paused", "closed")


class Service(Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(3), unique=True)  # the ticket prefix, e.g. "A"
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str] = mapped_column(String(200), default="")  # one line on the kiosk
    daily_cap: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: no cap


class Counter(Base):
    __tablename__ = "counters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(10), default="open")
    # why the counter is paused or closed: audited, shown on the display
    pause_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    links: Mapped[list["CounterService"]] = relationship(
        order_by="CounterService.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def services(self):
        return [link.service for link in self.links]


class CounterService(Base):
    __tablename__ = "counter_services"

    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    service: Mapped[Service] = relationship(lazy="joined")


class PriorityCategory(Base):
    __tablename__ = "priority_categories"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    icon: Mapped[str] = mapped_column(String(40), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class DailySequence(Base):
    """Last number issued per service per local day; bumped by one atomic upsert."""

    __tablename__ = "daily_sequences"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, nullable=False)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        # a number is given once per series and day; transfer copies (parent set) reuse it
        Index(
            "uq_tickets_number",
            "series_service_id",
            "day",
            "number",
            unique=True,
            sqlite_where=text("parent_id IS NULL"),
            postgresql_where=text("parent_id IS NULL"),
        ),
        # a counter holds at most one ticket at a time, enforced by the database itself
        Index(
            "uq_tickets_counter_current",
            "counter_id",
            unique=True,
            sqlite_where=text("status IN ('called', 'serving')"),
            postgresql_where=text("status IN ('called', 'serving')"),
        ),
        Index("ix_tickets_queue", "service_id", "status", "priority_class", "queue_dt", "id"),
        Index("ix_tickets_day", "day"),
        # issuing counts the people ahead from this index alone (migration 0031)
        Index(
            "ix_tickets_waiting",
            "status",
            "day",
            "service_id",
            "reserved_counter_id",
            "priority_class",
            "queue_dt",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    series_service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    day: Mapped[date] = mapped_column(Date)
    number: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(12))
    priority: Mapped[str | None] = mapped_column(
        ForeignKey("priority_categories.code"), nullable=True
    )
    priority_class: Mapped[int] = mapped_column(Integer, default=1)  # 0 priority, 1 normal
    status: Mapped[str] = mapped_column(String(12), default="waiting")
    origin: Mapped[str] = mapped_column(String(12), default="local")  # local|adopted|transfer
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    track_token: Mapped[str] = mapped_column(String(32), index=True)
    kiosk_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    issued_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    queue_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    called_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    serving_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    call_count: Mapped[int] = mapped_column(Integer, default=0)
    # a waiting copy transferred to one counter: only it calls the copy,
    # before its other waiting tickets
    reserved_counter_id: Mapped[int | None] = mapped_column(
        ForeignKey("counters.id"), nullable=True, index=True
    )

    service: Mapped[Service] = relationship(foreign_keys=[service_id], lazy="joined")
    counter: Mapped[Counter | None] = relationship(foreign_keys=[counter_id], lazy="joined")
    reserved_counter: Mapped[Counter | None] = relationship(
        foreign_keys=[reserved_counter_id], lazy="select"
    )


class CounterHold(Base):
    """The officer whose page works a counter now: one at a time.

    A lease the page renews; a page that is gone stops renewing and the hold lapses.
    """

    __tablename__ = "counter_holds"

    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user_name: Mapped[str] = mapped_column(String(120))  # as pages name the officer
    page: Mapped[str] = mapped_column(String(40))  # the holding page's random id
    since_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    until_dt: Mapped[datetime] = mapped_column(DateTime)


class TicketEvent(Base):
    """Who did what to a ticket, when, at which counter: the source of every report."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    event_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
