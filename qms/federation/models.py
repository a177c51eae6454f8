"""The centre's outbox: records for the province, written when something changes, sent in order."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from qms.models import Base, utcnow


class OutboxRecord(Base):
    """One record for the province; seq is its order and, with the centre's code, its identity
    on the province side (a resend is recognised, never stored twice)."""

    __tablename__ = "federation_outbox"
    __table_args__ = {"sqlite_autoincrement": True}  # a seq is never reused after a purge

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # incident | mode | queue | figures | device
    data: Mapped[dict] = mapped_column(JSON)
    created_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # set when the province answered that it holds the record; NULL = still to send
    sent_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
