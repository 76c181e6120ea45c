"""Accounts, real-name volunteer profiles and role grants."""

import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.models.base import Base, UTCDateTime, str_enum, utcnow


class IdType(enum.StrEnum):
    """Identity document types accepted at registration."""

    RESIDENT_ID = "resident_id"  # 居民身份证 (GB 11643)
    PASSPORT = "passport"
    HK_MACAU_PERMIT = "hk_macau_permit"  # 港澳居民来往内地通行证
    TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证
    FOREIGNER_RESIDENCE = "foreigner_residence"  # 外国人永久居留身份证
    # 港澳台居民居住证: 18 characters like a resident ID, region 810000/820000/830000.
    HMT_RESIDENCE = "hmt_residence"


class Gender(enum.StrEnum):
    """Gender as derived from a resident ID or given by the volunteer."""

    MALE = "male"
    FEMALE = "female"


class PoliticalStatus(enum.StrEnum):
    """GB/T 4762 political status codes (政治面貌)."""

    CPC_MEMBER = "01"  # 中共党员
    CPC_PROBATIONARY = "02"  # 中共预备党员
    CYL_MEMBER = "03"  # 共青团员
    RCCK = "04"  # 民革会员
    CDL = "05"  # 民盟盟员
    CNDCA = "06"  # 民建会员
    CAPD = "07"  # 民进会员
    CPWDP = "08"  # 农工党党员
    CZGP = "09"  # 致公党党员
    JIUSAN = "10"  # 九三学社社员
    TDSL = "11"  # 台盟盟员
    NON_PARTISAN = "12"  # 无党派人士
    MASSES = "13"  # 群众


class Role(enum.StrEnum):
    """Roles that can be granted on top of being a volunteer."""

    ORGANIZER = "organizer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class User(UserMixin, Base):
    """A login account; volunteers also have a `Volunteer` profile."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    # 长辈版: larger text and simpler pages, chosen by the person and kept across devices.
    large_text: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of every session and remember-me cookie (see get_id): raising it signs the account
    # out everywhere (sign-out, password change, an admin's "sign out everywhere").
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    volunteer: Mapped["Volunteer | None"] = relationship(back_populates="user")
    grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user", foreign_keys="RoleGrant.user_id"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """Flask-Login's alternative id, "<id>:<session version>": stale cookies stop matching."""
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.name}>"


class Volunteer(Base):
    """A real-name volunteer profile (实名注册)."""

    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    id_type: Mapped[IdType] = mapped_column(str_enum(IdType, "id_type"))
    # Normalized (trimmed, upper-case X) so roster entries match by equality.
    id_number: Mapped[str] = mapped_column(String(32), unique=True)
    gender: Mapped[Gender | None] = mapped_column(str_enum(Gender, "gender"))
    birth_date: Mapped[date | None] = mapped_column(Date)
    political_status: Mapped[PoliticalStatus] = mapped_column(
        str_enum(PoliticalStatus, "political_status"), default=PoliticalStatus.MASSES
    )
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    work_unit_name: Mapped[str | None] = mapped_column(String(100))
    skills: Mapped[str | None] = mapped_column(Text)
    service_areas: Mapped[str | None] = mapped_column(Text)
    volunteer_number: Mapped[str | None] = mapped_column(String(24), unique=True)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    privacy_consent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    guardian_name: Mapped[str | None] = mapped_column(String(50))
    guardian_phone: Mapped[str | None] = mapped_column(String(20))
    guardian_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A long random value printed in the personal QR code for kiosk scans;
    # rotating it invalidates a lost card.
    personal_code: Mapped[str] = mapped_column(String(64), unique=True)

    user: Mapped[User] = relationship(back_populates="volunteer")
    unit: Mapped["Unit | None"] = relationship()  # noqa: F821

    @property
    def name(self) -> str:
        return self.user.name

    def __repr__(self) -> str:
        return f"<Volunteer {self.volunteer_number}>"


class RoleGrant(Base):
    """A role held by a user over an organization, a unit subtree, or everything.

    Revoking sets `revoked_at`; rows are kept so the history of who could do
    what stays readable.
    """

    __tablename__ = "role_grants"
    __table_args__ = (
        CheckConstraint(
            "(role = 'organizer' AND organization_id IS NOT NULL AND unit_id IS NULL)"
            " OR (role = 'coordinator' AND unit_id IS NOT NULL AND organization_id IS NULL)"
            " OR (role = 'admin' AND unit_id IS NULL AND organization_id IS NULL)",
            name="scope_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])
    organization: Mapped["Organization | None"] = relationship()  # noqa: F821
    unit: Mapped["Unit | None"] = relationship()  # noqa: F821

    @property
    def active(self) -> bool:
        return self.revoked_at is None
