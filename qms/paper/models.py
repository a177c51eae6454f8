"""Paper dossiers (hồ sơ giấy) received while the official system is down, and the assisted
service of a vulnerable citizen (Đại Sơn plan, "Phục vụ tại chỗ, trọn gói")."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qms.models import Base
from qms.timeutil import utcnow

STATUSES = ("received", "entered", "returned")


class PaperDossier(Base):
    """One dossier received on paper, tracked until it is in the official system and returned.

    citizen_name, phone and documents are personal data (Decree 13/2023/NĐ-CP): shown only to
    roles.PERSONAL_DATA, and blanked by `qms purge` after PAPER_RETENTION_DAYS (purged_dt set)."""

    __tablename__ = "paper_dossiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # HSG-261123-001
    status: Mapped[str] = mapped_column(String(10), default="received", index=True)
    citizen_name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    procedure: Mapped[str] = mapped_column(String(300))
    documents: Mapped[str] = mapped_column(Text, default="")  # one received paper per line
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    ticket_code: Mapped[str] = mapped_column(String(12), default="")
    appointment_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), nullable=True)
    is_drill: Mapped[bool] = mapped_column(Boolean, default=False)
    status_token: Mapped[str] = mapped_column(String(32), unique=True)  # the slip's QR link
    received_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    official_code: Mapped[str | None] = mapped_column(String(60), unique=True, nullable=True)
    entered_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    returned_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    purged_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class AssistedCase(Base):
    """The seven steps of assisted service on one citizen's ticket, ticked by the support team.

    steps: [{"done", "done_dt" (UTC iso), "done_by", "detail"}] in the order of ASSISTED_STEPS."""

    __tablename__ = "assisted_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    ticket_code: Mapped[str] = mapped_column(String(12), default="")
    citizen_name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    procedure: Mapped[str] = mapped_column(String(300), default="")
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("paper_dossiers.id"), nullable=True)
    steps: Mapped[list] = mapped_column(JSON, default=list)
    is_drill: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    result_ready_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    called_back_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    purged_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
