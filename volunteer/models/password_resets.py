"""One-time password-reset codes that a coordinator or admin issues for a person.

Only the SHA-256 of a code is stored; the code itself is shown once, when issued.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.models.base import Base, UTCDateTime, utcnow
from volunteer.models.people import User


class PasswordReset(Base):
    """A reset code for one account, good once until it expires."""

    __tablename__ = "password_resets"
    __table_args__ = (CheckConstraint("expires_at > created_at", name="expires_after_creation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # sha256 hex of the code: a leaked table gives no usable code.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    issued_by: Mapped[User] = relationship(foreign_keys=[issued_by_id])

    def __repr__(self) -> str:
        return f"<PasswordReset {self.id} of user {self.user_id}>"
