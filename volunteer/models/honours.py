"""Recognition: nominations of candidates, and honour certificates (荣誉证书) of approved ones."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.models.base import Base, UTCDateTime, str_enum, utcnow
from volunteer.models.organizations import Organization
from volunteer.models.people import User, Volunteer
from volunteer.models.projects import Project
from volunteer.models.units import Unit


class HonourCategory(enum.StrEnum):
    """What is recognized: a volunteer, a volunteer leader, an organization or a project."""

    VOLUNTEER = "volunteer"  # 优秀志愿者
    LEADER = "leader"  # 志愿服务带头人
    ORGANIZATION = "organization"  # 优秀志愿服务组织
    PROJECT = "project"  # 优秀志愿服务项目


class NominationStatus(enum.StrEnum):
    """Where a nomination stands."""

    NOMINATED = "nominated"
    APPROVED = "approved"
    REJECTED = "rejected"


class Nomination(Base):
    """A coordinator's nomination of one candidate for a year's honour, with a reason."""

    __tablename__ = "nominations"
    __table_args__ = (
        # Exactly the subject column of the category is set.
        CheckConstraint(
            "(category = 'volunteer' AND volunteer_id IS NOT NULL AND leader_id IS NULL"
            " AND organization_id IS NULL AND project_id IS NULL)"
            " OR (category = 'leader' AND leader_id IS NOT NULL AND volunteer_id IS NULL"
            " AND organization_id IS NULL AND project_id IS NULL)"
            " OR (category = 'organization' AND organization_id IS NOT NULL"
            " AND volunteer_id IS NULL AND leader_id IS NULL AND project_id IS NULL)"
            " OR (category = 'project' AND project_id IS NOT NULL AND volunteer_id IS NULL"
            " AND leader_id IS NULL AND organization_id IS NULL)",
            name="subject_matches_category",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    category: Mapped[HonourCategory] = mapped_column(str_enum(HonourCategory, "honour_category"))
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id"))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))  # whose subtree nominated
    subject_name: Mapped[str] = mapped_column(String(120))  # frozen for the roll
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[NominationStatus] = mapped_column(
        str_enum(NominationStatus, "nomination_status"), default=NominationStatus.NOMINATED
    )
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    nominated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)

    volunteer: Mapped[Volunteer | None] = relationship()
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id])
    organization: Mapped[Organization | None] = relationship()
    project: Mapped[Project | None] = relationship()
    unit: Mapped[Unit] = relationship()
    nominated_by: Mapped[User | None] = relationship(foreign_keys=[nominated_by_id])


class HonourCertificate(Base):
    """An honour certificate (荣誉证书) for an approved nomination; `content` freezes its print."""

    __tablename__ = "honour_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), index=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    nomination: Mapped[Nomination] = relationship()
