"""The multi-year campaign (创建活动, DOMAIN.md "Where this comes from"): years and their weights.

A year's targets and milestone are not copied here: they stay in the year's
`ComplianceSettings` row, which the compliance pages read too, so the two can never
disagree. A campaign adds what only it knows: its name, its years and their weights.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.models.base import Base, UTCDateTime, utcnow
from volunteer.models.people import User


class Campaign(Base):
    """A campaign of consecutive years (three in the plan) configured by an admin."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("first_year BETWEEN 2000 AND 2100", name="first_year_range"),
        CheckConstraint("years BETWEEN 1 AND 10", name="years_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    first_year: Mapped[int]
    years: Mapped[int] = mapped_column(default=3)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    updated_by: Mapped[User | None] = relationship()
    plan: Mapped[list["CampaignYear"]] = relationship(
        back_populates="campaign", order_by="CampaignYear.year", cascade="all, delete-orphan"
    )

    @property
    def last_year(self) -> int:
        return self.first_year + self.years - 1

    def __repr__(self) -> str:
        return f"<Campaign {self.name} {self.first_year}+{self.years}>"


class CampaignYear(Base):
    """One year of a campaign and its weight in the total score (15%, 25%, 60% in the plan)."""

    __tablename__ = "campaign_years"
    __table_args__ = (
        CheckConstraint("weight >= 0 AND weight <= 1", name="weight_share"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    # A year belongs to one campaign at most: its milestone is the year's, not a campaign's.
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, unique=True)
    weight: Mapped[Decimal] = mapped_column(Numeric(5, 4))

    campaign: Mapped[Campaign] = relationship(back_populates="plan")
