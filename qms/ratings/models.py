"""A citizen's satisfaction rating: at most one per finished ticket."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from qms.models import Base
from qms.timeutil import utcnow

SOURCES = ("phone", "counter_page", "pad", "kiosk")


class Rating(Base):
    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # the ticket that was served (the last of a transfer chain); unique: one rating per ticket
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    day: Mapped[date] = mapped_column(Date, index=True)  # the ticket's local day, for reports
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    score: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    comment: Mapped[str | None] = mapped_column(String(500), nullable=True)
    source: Mapped[str] = mapped_column(String(16))  # phone | counter_page | pad | kiosk
    press_id: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    rated_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
