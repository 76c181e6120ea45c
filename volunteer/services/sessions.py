"""Ending an account's sessions: every browser cookie and every app signed in with its password.

A session and a remember-me cookie carry "<user id>:<session version>" (User.get_id);
raising the version makes every cookie issued before it name nobody.
"""

from datetime import datetime

from sqlalchemy import update

from volunteer.extensions import db
from volunteer.models import ApiToken, TokenKind, User
from volunteer.services.audit import record_audit


def parse_session_id(session_id: str) -> tuple[int, int] | None:
    """The (user id, session version) a cookie names, or None for anything else."""
    user_id, _, version = (session_id or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    if len(user_id) > 10 or len(version) > 10:
        return None
    return int(user_id), int(version)


def end_browser_sessions(user: User) -> None:
    """Sign the account out of every browser: every session and remember-me cookie stops working."""
    user.session_version += 1
    db.session.flush()


def sign_out_everywhere(user: User, actor: User, now: datetime, reason: str) -> None:
    """End every browser session and revoke every API sign-in token of the account."""
    end_browser_sessions(user)
    db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.user_id == user.id,
            ApiToken.kind == TokenKind.SIGN_IN,
            ApiToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    record_audit(actor, "account.sign_out_everywhere", user, reason=reason)
    db.session.flush()
