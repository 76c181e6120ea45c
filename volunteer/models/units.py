"""Units: the tree of banner, departments, towns and villages."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.models.base import Base, UTCDateTime, str_enum, utcnow


class UnitKind(enum.StrEnum):
    """What kind of unit a node of the tree is."""

    BANNER = "banner"
    PARTY_DEPARTMENT = "party_department"
    GOVERNMENT_DEPARTMENT = "government_department"
    PEOPLES_ORGANIZATION = "peoples_organization"
    JUDICIAL = "judicial"
    FINANCIAL = "financial"
    SERVICE_CENTER = "service_center"
    TOWN = "town"
    VILLAGE = "village"
    COMMUNITY = "community"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    OTHER = "other"


class Unit(Base):
    """A department, town, village or other node; the root is the banner.

    `path` is the materialized chain of ids ("/1/4/17/"), so a subtree is one
    indexed prefix match in SQL instead of a recursive walk.
    """

    __tablename__ = "units"
    # The banner is the whole being assessed, never one of the units counted for it.
    __table_args__ = (
        CheckConstraint("parent_id IS NOT NULL OR NOT assessed", name="root_not_assessed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[UnitKind] = mapped_column(str_enum(UnitKind, "unit_kind"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), index=True, default="/")
    depth: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # 参与考核: counted in the milestone (the share of units meeting targets).
    assessed: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent", order_by="Unit.code")

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name}>"
