"""Activities and sign-ups."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.models.base import Base, UTCDateTime, str_enum, utcnow
from volunteer.models.organizations import Organization
from volunteer.models.people import User, Volunteer


class ServiceCategory(enum.StrEnum):
    """Service content categories used to file and filter activities."""

    CIVILIZATION = "civilization"  # 文明创建
    COMMUNITY = "community"  # 社区服务
    ENVIRONMENT = "environment"  # 生态环保
    ELDERLY = "elderly"  # 扶老助残
    EDUCATION = "education"  # 教育助学
    HEALTH = "health"  # 医疗卫生
    CULTURE = "culture"  # 文化宣传
    EMERGENCY = "emergency"  # 应急救援
    TRAFFIC = "traffic"  # 文明交通
    LEGAL = "legal"  # 法律服务
    OTHER = "other"


class ActivityStatus(enum.StrEnum):
    """Lifecycle of an activity."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Activity(Base):
    """Something an organization runs at a place and time window."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("people_served IS NULL OR people_served >= 0", name="people_served_count"),
        CheckConstraint(
            "(latitude IS NULL AND longitude IS NULL AND geofence_radius_m IS NULL)"
            " OR (latitude IS NOT NULL AND longitude IS NOT NULL AND geofence_radius_m > 0)",
            name="geofence_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[ServiceCategory] = mapped_column(
        str_enum(ServiceCategory, "service_category"), default=ServiceCategory.OTHER
    )
    place: Mapped[str] = mapped_column(String(200))
    # The geofence centre is the activity's place, not anyone's position.
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()
    geofence_radius_m: Mapped[int | None] = mapped_column()
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int | None] = mapped_column()
    signup_required: Mapped[bool] = mapped_column(default=False)
    static_qr_allowed: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ActivityStatus] = mapped_column(
        str_enum(ActivityStatus, "activity_status"), default=ActivityStatus.DRAFT, index=True
    )
    # Per-activity key mixed into check-in tokens; replacing it voids printed static QR codes.
    checkin_secret: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # A project (志愿服务项目) the activity belongs to, and how many people it served.
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    people_served: Mapped[int | None] = mapped_column()

    organization: Mapped[Organization] = relationship()
    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.title}>"


class SignupStatus(enum.StrEnum):
    """Whether a sign-up stands."""

    SIGNED_UP = "signed_up"
    CANCELLED = "cancelled"


class Signup(Base):
    """A volunteer's sign-up for an activity; cancelling keeps the row."""

    __tablename__ = "signups"
    __table_args__ = (UniqueConstraint("activity_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    status: Mapped[SignupStatus] = mapped_column(
        str_enum(SignupStatus, "signup_status"), default=SignupStatus.SIGNED_UP
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    activity: Mapped[Activity] = relationship()
    volunteer: Mapped[Volunteer] = relationship()
