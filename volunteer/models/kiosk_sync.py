"""What the offline kiosk sent: each scan it queued while without a network, once, and the
batches refused because the device's token had been revoked or had expired."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.models.activities import Activity
from volunteer.models.api_tokens import ApiToken
from volunteer.models.base import Base, UTCDateTime, str_enum, utcnow
from volunteer.models.records import ServiceRecord


class OfflineOutcome(enum.StrEnum):
    """What the server made of one offline scan."""

    CHECKED_IN = "checked_in"
    CHECKED_OUT = "checked_out"
    UNCHANGED = "unchanged"  # a repeat within the window, as online
    REVIEW = "review"  # outside the rules: a record waits in the organizer's review queue
    REFUSED = "refused"  # not a scan this device may send (unknown code, another team)


class OfflineScan(Base):
    """One scan queued on a kiosk device, received at most once (device token, client id)."""

    __tablename__ = "offline_scans"
    # The device's own id for the scan: a retried batch finds it and changes nothing.
    __table_args__ = (UniqueConstraint("token_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"))
    client_id: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column()
    # None when the device named an activity that does not exist (the scan is refused).
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"), index=True)
    code: Mapped[str] = mapped_column(String(100))
    direction: Mapped[str] = mapped_column(String(3))  # "in" or "out", as the device saw it
    device_time: Mapped[datetime] = mapped_column(UTCDateTime())
    corrected_time: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    outcome: Mapped[OfflineOutcome] = mapped_column(str_enum(OfflineOutcome, "offline_outcome"))
    reason: Mapped[str | None] = mapped_column(Text)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("service_records.id"))

    token: Mapped[ApiToken] = relationship()
    activity: Mapped[Activity | None] = relationship()
    record: Mapped[ServiceRecord | None] = relationship()


class RefusedBatch(Base):
    """A batch a kiosk sent with a revoked or expired token: kept, shown to admins, not applied."""

    __tablename__ = "refused_offline_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"), index=True)
    device_id: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    scan_count: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(String(20))  # "revoked" or "expired"

    token: Mapped[ApiToken] = relationship()
