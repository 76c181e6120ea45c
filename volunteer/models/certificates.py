"""Service-hour certificates (志愿服务记录证明)."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.models.base import Base, UTCDateTime, utcnow
from volunteer.models.people import User, Volunteer
from volunteer.models.settings import StoredFile


class Certificate(Base):
    """An issued certificate. `content` freezes everything printed on it, so the
    same certificate always renders the same PDF, whatever changes later."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    period_start: Mapped[date | None] = mapped_column(Date)  # None: from the first record
    period_end: Mapped[date] = mapped_column(Date)
    total_minutes: Mapped[int] = mapped_column()
    star_level: Mapped[int] = mapped_column(default=0)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    seal_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    volunteer: Mapped[Volunteer] = relationship()
    seal_file: Mapped[StoredFile | None] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
