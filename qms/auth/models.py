"""Staff users with roles, and the bearer tokens they obtain."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qms.models import Base
from qms.timeutil import utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(120), default="")  # chức vụ, e.g. "Công chức"
    role: Mapped[str] = mapped_column(String(12))
    password_hash: Mapped[str] = mapped_column(String(256))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # a password an admin handed out (create, reset): changed before anything else
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # wrong passwords in the current window; five lock the account for a while
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    failed_since_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    locked_until_dt: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_dt: Mapped[datetime] = mapped_column(DateTime)
    user: Mapped[User] = relationship(lazy="joined")


class UserSession(Base):
    """A browser session, server-side: logout, a password change or a reset deletes it."""

    __tablename__ = "user_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_dt: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_dt: Mapped[datetime] = mapped_column(DateTime)
