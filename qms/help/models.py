"""A citizen at a kiosk asked for help; an officer said they are coming."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from qms.models import Base
from qms.timeutil import utcnow


class HelpRequest(Base):
    __tablename__ = "help_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kiosk: Mapped[str] = mapped_column(String(40))
    client: Mapped[str] = mapped_column(String(64), default="")  # address the press came from
    presses: Mapped[int] = mapped_column(Integer, default=1)  # the button pressed again meanwhile
    created_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    acknowledged_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    acknowledged_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
