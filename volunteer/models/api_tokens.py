"""Bearer tokens for the JSON API: sign-in tokens and personal access tokens.

Only the SHA-256 of a token is stored; the token itself is shown once, when made.
"""

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer.models.base import Base, UTCDateTime, str_enum, utcnow
from volunteer.models.people import User


class TokenKind(enum.StrEnum):
    """How a token was made, which decides what it may do."""

    SIGN_IN = "sign_in"  # POST /api/v1/tokens with login and password: the account's own rights
    PERSONAL = "personal"  # made on the profile page for a server: only its scopes


class ApiScope(enum.StrEnum):
    """What a personal access token may do (within its owner's own rights)."""

    COMPLIANCE_READ = "compliance:read"
    KIOSK = "kiosk"


class ApiToken(Base):
    """One bearer token of an account, until it expires or is revoked."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("expires_at > created_at", name="expires_after_creation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[TokenKind] = mapped_column(str_enum(TokenKind, "api_token_kind"))
    name: Mapped[str] = mapped_column(String(80))
    # sha256 hex of the whole token: a leaked table gives no usable token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's first characters, so its owner can tell tokens apart in the list.
    hint: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.kind} of user {self.user_id}>"
