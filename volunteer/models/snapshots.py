"""Compliance snapshots: a slow report's last result, kept until a change makes it stale."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from volunteer.models.base import Base, UTCDateTime


class ComplianceSnapshot(Base):
    """One computed result (a report, a pace, a history) of one key, with how long it took.

    The key is (kind, unit, period, settings): `settings_key` hashes the year's targets and
    the other parameters (`params`, e.g. the pace window). A change to rosters, credited
    time, targets or the unit tree marks the affected rows `stale` (services/staleness.py);
    a refresh recomputes the row in place. A fast key's row is only its measurement: it is
    computed live for every request and kept stale, so changes never need to mark it.
    """

    __tablename__ = "compliance_snapshots"
    __table_args__ = (
        UniqueConstraint(
            "kind",
            "unit_id",
            "period_start",
            "period_end",
            "settings_key",
            name="uq_compliance_snapshots_key",
        ),
        # The rows a change may mark stale: a check-out's UPDATE starts from these.
        Index(
            "ix_compliance_snapshots_fresh",
            "unit_id",
            sqlite_where=text("NOT stale"),
            postgresql_where=text("NOT stale"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A plain string, not an enum: a new kind of cached result needs no migration.
    kind: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date())
    period_end: Mapped[date] = mapped_column(Date())
    settings_key: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    payload: Mapped[Any] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_ms: Mapped[int] = mapped_column(default=0)
    stale: Mapped[bool] = mapped_column(default=False, server_default=false())
    stale_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
