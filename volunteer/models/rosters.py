"""Unit rosters (在册人员名册): the denominator of compliance."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Numeric, String, false, text
from sqlalchemy.ext.hybrid import hybrid_property
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
    """One stint of a cadre or staff member on a unit's roster (在册期间).

    The stint covers the Beijing days from `on_from` up to, not including, `on_until`
    (None: still on the roster). The roster "on day D" is every stint with
    on_from <= D < on_until, i.e. as it stood at the end of D: an upload on D takes
    effect for D. Leaving closes the stint; nothing is deleted. Someone who leaves and
    comes back has two stints, and a change of political status starts a new one, so
    every past day keeps the roster, and the party members, it had.
    """

    __tablename__ = "roster_entries"
    __table_args__ = (
        CheckConstraint("on_until IS NULL OR on_until >= on_from", name="stint_ends_after_start"),
        # At most one open stint per person and unit, held by the database itself.
        Index(
            "uq_roster_entries_one_open_stint",
            "unit_id",
            "id_number",
            unique=True,
            sqlite_where=text("on_until IS NULL"),
            postgresql_where=text("on_until IS NULL"),
        ),
        # The few entries whose ID number is on another entry too: the report reads them
        # alone to count each such person once (services.compliance.rollup).
        Index(
            "ix_roster_entries_id_number_shared",
            "id_number",
            sqlite_where=text("id_number_shared"),
            postgresql_where=text("id_number_shared"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    id_type: Mapped[IdType] = mapped_column(str_enum(IdType, "id_type"))
    # Normalized like Volunteer.id_number so matching is plain equality.
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    # The volunteer registered with this ID number (None: not registered), kept exact on
    # every write that changes the match (services.rosters.linking), so reports join on
    # an integer instead of the ID-number string.
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), index=True
    )
    # True when another entry (of any unit or stint) carries the same ID number, kept on
    # every write that adds an entry (services.rosters.linking): the report counts the
    # entries of each unit and takes off what these few people add twice, instead of
    # collapsing every entry by its ID-number string. Never set back: once shared, the
    # person is only counted apart, which stays exact.
    id_number_shared: Mapped[bool] = mapped_column(default=False, server_default=false())
    phone: Mapped[str | None] = mapped_column(String(20))
    political_status: Mapped[PoliticalStatus] = mapped_column(
        str_enum(PoliticalStatus, "political_status")
    )
    position: Mapped[str | None] = mapped_column(String(50))
    on_from: Mapped[date] = mapped_column(Date())
    on_until: Mapped[date | None] = mapped_column(Date())
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("roster_uploads.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()

    @hybrid_property
    def active(self) -> bool:
        """On today's roster: the stint is still open."""
        return self.on_until is None

    @active.inplace.expression
    @classmethod
    def _active_expression(cls):
        return cls.on_until.is_(None)

    def on_roster(self, day: date) -> bool:
        """Whether this stint puts the person on the roster of `day`."""
        return self.on_from <= day and (self.on_until is None or day < self.on_until)


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
