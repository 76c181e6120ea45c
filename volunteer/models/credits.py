"""The credit ledger: which minutes of a volunteer's timeline each record credits, per day.

DOMAIN.md "No minute twice": one volunteer has one timeline. Each approved record
owns the pieces of its interval that no other record of the volunteer credits, cut
at Beijing midnight, so every report is a SUM over this table by day. The ledger is
derived from the records' current state; their history stays in `Adjustment` rows.
"""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.models.base import Base, UTCDateTime, str_enum, utcnow
from volunteer.models.people import User, Volunteer
from volunteer.models.records import ServiceRecord


class CreditEntry(Base):
    """One credited piece of one record, wholly inside one Beijing day."""

    __tablename__ = "credit_entries"
    __table_args__ = (
        CheckConstraint("minutes >= 0", name="minutes_not_negative"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_credit_entries_volunteer_day", "volunteer_id", "day"),
        Index("ix_credit_entries_volunteer_starts", "volunteer_id", "starts_at"),
        # Distinct volunteers of a few activities in a year (the recognition lists' groups
        # near the top) read this index alone on PostgreSQL, not every record's ledger rows.
        Index(
            "ix_credit_entries_activity_day",
            "activity_id",
            "day",
            postgresql_include=["volunteer_id", "minutes"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("service_records.id"), index=True)
    # Denormalized from the record so that per-person sums need no join.
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"))
    # Denormalized from the record too (a record's activity never changes), so that sums per
    # activity need no join through the records.
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    day: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    minutes: Mapped[int] = mapped_column()

    record: Mapped[ServiceRecord] = relationship()


class YearMinutes(Base):
    """A volunteer's credited minutes in one Beijing calendar year: the ledger's sum, kept on
    write in the same transaction, so year figures read one row per person, not every piece."""

    __tablename__ = "year_minutes"
    __table_args__ = (CheckConstraint("minutes >= 0", name="minutes_not_negative"),)

    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    minutes: Mapped[int] = mapped_column(default=0)


class ActivityYearMinutes(Base):
    """An activity's credited minutes and participations (records crediting more than 0
    minutes that year) in one Beijing calendar year: the ledger's sums, kept on write in the
    same transaction, so the recognition lists of groups read one row per activity."""

    __tablename__ = "activity_year_minutes"
    __table_args__ = (
        CheckConstraint("minutes >= 0", name="minutes_not_negative"),
        CheckConstraint("participations >= 0", name="participations_not_negative"),
        # The recognition lists read one year: (year, activity) rather than the primary key.
        Index("ix_activity_year_minutes_year_activity", "year", "activity_id"),
    )

    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    minutes: Mapped[int] = mapped_column(default=0)
    participations: Mapped[int] = mapped_column(default=0)


class CorrectionStatus(enum.StrEnum):
    """Where a volunteer's correction request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class CorrectionRequest(Base):
    """A volunteer asks the organizer to correct a record's times (申请更正)."""

    __tablename__ = "correction_requests"
    __table_args__ = (
        CheckConstraint("check_out_at > check_in_at", name="out_after_in"),
        # One open request per record: the organizer decides it before another is asked.
        Index(
            "uq_correction_requests_one_pending_per_record",
            "record_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("service_records.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    check_in_at: Mapped[datetime] = mapped_column(UTCDateTime())
    check_out_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[CorrectionStatus] = mapped_column(
        str_enum(CorrectionStatus, "correction_status"), default=CorrectionStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)

    record: Mapped[ServiceRecord] = relationship()
    volunteer: Mapped[Volunteer] = relationship()
    decided_by: Mapped[User | None] = relationship()
