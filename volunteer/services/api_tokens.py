"""Bearer tokens of the JSON API: issuing, finding, listing and revoking them.

A token is "wsv_" plus 43 random URL-safe characters; the database keeps its
SHA-256 only. A sign-in token carries its account's own rights; a personal
access token carries only the scopes named when it was made, and only those
its owner's roles allow.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import ApiScope, ApiToken, TokenKind, User
from volunteer.services import permissions
from volunteer.services.audit import record_audit
from volunteer.services.errors import ServiceError, required_text

TOKEN_PREFIX = "wsv_"

SCOPE_LABELS = {
    ApiScope.COMPLIANCE_READ: _l("Read compliance figures (coordinators)"),
    ApiScope.KIOSK: _l("Kiosk scans of personal codes (organizers)"),
}

# Who may hold a scope: a token never carries more than its owner's roles.
SCOPE_HOLDERS = {
    ApiScope.COMPLIANCE_READ: permissions.is_coordinator,
    ApiScope.KIOSK: permissions.is_organizer,
}


@dataclass(frozen=True)
class IssuedToken:
    """A stored token and its secret text, which is shown once and never again."""

    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    """The stored form of a token: its SHA-256 in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _issue(user: User, kind: TokenKind, name: str, scopes: list[str], lifetime: timedelta, now):
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        kind=kind,
        name=name,
        token_hash=hash_secret(secret),
        hint=secret[: len(TOKEN_PREFIX) + 6],
        scopes=scopes,
        created_at=now,
        expires_at=now + lifetime,
    )
    db.session.add(token)
    db.session.flush()
    return IssuedToken(token, secret)


def issue_sign_in_token(user: User, client_name: str | None, now: datetime) -> IssuedToken:
    """A token with the account's own rights, for an app that signed in with a password."""
    hours = int(current_app.config["API_SIGN_IN_TOKEN_HOURS"])
    name = (client_name or "").strip()[:80] or str(_l("Signed-in app"))
    issued = _issue(user, TokenKind.SIGN_IN, name, [], timedelta(hours=hours), now)
    record_audit(user, "api_token.sign_in", issued.token)
    return issued


def create_personal_token(user: User, name: str, scopes: list[str], now: datetime) -> IssuedToken:
    """A personal access token for a server, limited to `scopes` the owner's roles allow."""
    name = required_text(name, _l("Name the token after the system that will use it."), "name")
    chosen = sorted(set(scopes))
    if not chosen:
        raise ServiceError(_l("Choose at least one scope."), "scopes")
    if not set(chosen) <= set(allowed_scopes(user)):
        raise ServiceError(_l("Your roles do not allow this scope."), "scopes")
    days = int(current_app.config["API_PERSONAL_TOKEN_DAYS"])
    issued = _issue(user, TokenKind.PERSONAL, name[:80], chosen, timedelta(days=days), now)
    record_audit(user, "api_token.create", issued.token, scopes=chosen)
    return issued


def allowed_scopes(user: User) -> list[ApiScope]:
    """The scopes this account may put on a personal access token."""
    return [scope for scope, holder in SCOPE_HOLDERS.items() if holder(user)]


def token_with_secret(secret: str) -> ApiToken | None:
    """The token with this text, whatever its state (revoked, expired), or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))


def find_active(secret: str, now: datetime) -> ApiToken | None:
    """The unrevoked, unexpired token with this text whose account is active, or None."""
    token = token_with_secret(secret)
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    return token if token.user.active else None


def permits(token: ApiToken, scope: str | None) -> bool:
    """Whether the token may use an endpoint that asks for `scope` (None: a person's own use)."""
    if token.kind == TokenKind.SIGN_IN:
        return True
    return scope is not None and scope in token.scopes


def tokens_of(user: User, now: datetime) -> list[ApiToken]:
    """The account's tokens still in force, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(
                ApiToken.user_id == user.id,
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > now,
            )
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke(token: ApiToken, actor: User, now: datetime) -> None:
    """Revoke a token at once; the row stays, so the audit trail keeps its meaning."""
    if token.user_id != actor.id and not permissions.is_admin(actor):
        raise ServiceError(_l("This token is not yours."), code="forbidden")
    if token.revoked_at is None:
        token.revoked_at = now
        record_audit(actor, "api_token.revoke", token)
    db.session.flush()
