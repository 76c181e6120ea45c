"""Ending an account's sessions: every browser cookie and every app signed in with its password.

A session and a remember-me cookie carry "<user id>:<session version>" (User.get_id);
raising the version makes every cookie issued before it name nobody.
"""

import re
from datetime import datetime

from sqlalchemy import update

from volunteer.extensions import db
from volunteer.models import ApiToken, TokenKind, User
from volunteer.services.audit import record_audit

# "<user id>:<session version>", each at most ten ASCII digits.
SESSION_ID = re.compile(r"([0-9]{1,10}):([0-9]{1,10})")


# What a scan reads of the signed-in account (its answer page has no menu): its id, whether it
# is active, its language and text size, and the version its cookie must name.
SCAN_USER_COLUMNS = (User.id, User.active, User.locale, User.large_text, User.session_version)


def parse_session_id(session_id: str) -> tuple[int, int] | None:
    """The (user id, session version) a cookie names, or None for anything else."""
    match = SESSION_ID.fullmatch(session_id or "")
    return (int(match[1]), int(match[2])) if match else None


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
