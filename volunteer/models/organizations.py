"""Volunteer organizations (teams) that run activities."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.models.base import Base, UTCDateTime, str_enum, utcnow
from volunteer.models.units import Unit


class OrganizationKind(enum.StrEnum):
    """What an organization is in the plan's network (DOMAIN.md "organization")."""

    UNIT_TEAM = "unit_team"  # 单位志愿服务队: a unit's own team
    PRACTICE_INSTITUTE = "practice_institute"  # 新时代文明实践所, bound to a town
    PRACTICE_STATION = "practice_station"  # 新时代文明实践站, bound to a village or community
    OTHER = "other"


class Organization(Base):
    """A volunteer team (志愿服务组织/队伍); it may belong to a unit."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(50))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    kind: Mapped[OrganizationKind] = mapped_column(
        str_enum(OrganizationKind, "organization_kind"),
        default=OrganizationKind.OTHER,
        server_default=OrganizationKind.OTHER.value,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit | None] = relationship()

    def __repr__(self) -> str:
        return f"<Organization {self.name}>"
