"""Unit rosters (在册人员名册): the denominator of compliance."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.models.base import Base, UTCDateTime, str_enum, utcnow
from volunteer.models.people import IdType, PoliticalStatus, User
from volunteer.models.units import Unit


class RosterUpload(Base):
    """One accepted roster import, kept for the history of who changed a roster."""

    __tablename__ = "roster_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # None: many units
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    added: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    deactivated: Mapped[int] = mapped_column(default=0)

    unit: Mapped[Unit | None] = relationship()
    uploaded_by: Mapped[User | None] = relationship()


class RosterEntry(Base):
    """One cadre or staff member on a unit's roster; leaving sets active False."""

    __tablename__ = "roster_entries"
    __table_args__ = (UniqueConstraint("unit_id", "id_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    id_type: Mapped[IdType] = mapped_column(str_enum(IdType, "id_type"))
    # Normalized like Volunteer.id_number so matching is plain equality.
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    political_status: Mapped[PoliticalStatus] = mapped_column(
        str_enum(PoliticalStatus, "political_status")
    )
    position: Mapped[str | None] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(default=True)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("roster_uploads.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    unit: Mapped[Unit] = relationship()


class ComplianceSettings(Base):
    """Targets for one assessment year; an admin edits them, code reads them."""

    __tablename__ = "compliance_settings"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    staff_target: Mapped[Decimal] = mapped_column(Numeric(5, 4), default=Decimal("0.7000"))
    party_target: Mapped[Decimal] = mapped_column(Numeric(5, 4), default=Decimal("0.9000"))
    count_probationary: Mapped[bool] = mapped_column(default=True)
    # "completed" needs at least this much approved time in the period; 1 = any time > 0.
    min_minutes: Mapped[int] = mapped_column(default=1)
    # Share of units that should meet targets this year (the campaign milestone).
    milestone: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
