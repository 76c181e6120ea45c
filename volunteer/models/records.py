"""Service records and the adjustments that correct them."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.models.activities import Activity
from volunteer.models.base import Base, UTCDateTime, str_enum, utcnow
from volunteer.models.people import User, Volunteer


class RecordSource(enum.StrEnum):
    """How a record came to be."""

    QR = "qr"  # volunteer scanned the rotating QR
    CODE = "code"  # volunteer typed the 6-digit code
    KIOSK = "kiosk"  # organizer scanned the volunteer's personal code
    MANUAL = "manual"  # organizer entered it from a paper sheet
    CLAIM = "claim"  # volunteer's claim for missing hours (补录申请)
    OFFLINE_KIOSK = "offline_kiosk"  # the kiosk scanned without a network and synced later


class RecordStatus(enum.StrEnum):
    """Where a record stands; only APPROVED minutes count anywhere."""

    OPEN = "open"  # checked in, not yet out
    MISSING_CHECKOUT = "missing_checkout"  # closed by the sweep, credited 0, awaits organizer
    PENDING = "pending"  # a claim or manual entry awaiting approval
    APPROVED = "approved"
    REJECTED = "rejected"


# The statuses an organizer must still decide (the review queue's partial index).
UNDECIDED = "status IN ('missing_checkout', 'pending')"


class ServiceRecord(Base):
    """One stretch of service by one volunteer at one activity."""

    __tablename__ = "service_records"
    __table_args__ = (
        CheckConstraint("credited_minutes >= 0", name="credited_not_negative"),
        CheckConstraint("check_out_at IS NULL OR check_out_at >= check_in_at", name="out_after_in"),
        # One open record per volunteer across all activities, held by the database
        # itself so that two simultaneous scans cannot both open one.
        Index(
            "uq_service_records_one_open_per_volunteer",
            "volunteer_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_service_records_activity_status", "activity_id", "status"),
        Index("ix_service_records_volunteer_status_in", "volunteer_id", "status", "check_in_at"),
        # With the one-open index above, the scan's locking read ("open, or checked out here
        # just now") is two index ranges, however long the volunteer's history.
        Index("ix_service_records_volunteer_out", "volunteer_id", "check_out_at"),
        # The review queue (undecided records, oldest first) pages and counts from this
        # small index instead of scanning every record (20 million at province scale); the
        # activity id and status make the count, joined to the activities for the scope and
        # filtered on one status, an index-only scan.
        Index(
            "ix_service_records_undecided_in",
            "check_in_at",
            "id",
            "activity_id",
            "status",
            sqlite_where=text(UNDECIDED),
            postgresql_where=text(UNDECIDED),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    check_in_at: Mapped[datetime] = mapped_column(UTCDateTime())
    check_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    credited_minutes: Mapped[int] = mapped_column(default=0)
    source: Mapped[RecordSource] = mapped_column(str_enum(RecordSource, "record_source"))
    check_out_source: Mapped[RecordSource | None] = mapped_column(
        str_enum(RecordSource, "check_out_source")
    )
    status: Mapped[RecordStatus] = mapped_column(
        str_enum(RecordStatus, "record_status"), default=RecordStatus.OPEN
    )
    # Geofence outcome only: raw coordinates are never stored.
    geofence_passed: Mapped[bool | None] = mapped_column()
    geofence_distance_m: Mapped[int | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(
        Text
    )  # the volunteer's claim reason or organizer's note
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_note: Mapped[str | None] = mapped_column(Text)
    # A manual entry is the organizer's word alone: until the volunteer confirms it (or an
    # admin approves it) it credits hours but opens none of the person's data to the organizer.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    volunteer: Mapped[Volunteer] = relationship()
    activity: Mapped[Activity] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    adjustments: Mapped[list["Adjustment"]] = relationship(
        back_populates="record", order_by="Adjustment.created_at"
    )


class Adjustment(Base):
    """A change to a record's credited time or status: who, when, why, before, after."""

    __tablename__ = "adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("service_records.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    before_minutes: Mapped[int] = mapped_column()
    after_minutes: Mapped[int] = mapped_column()
    before_status: Mapped[str] = mapped_column(String(20))
    after_status: Mapped[str] = mapped_column(String(20))
    before_check_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    after_check_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    before_check_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    after_check_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    record: Mapped[ServiceRecord] = relationship(back_populates="adjustments")
    actor: Mapped[User | None] = relationship()
