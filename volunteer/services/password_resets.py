"""Forgotten passwords: one-time reset codes that coordinators and admins issue.

A coordinator may reset the password of a person on an active roster of their subtree or
registered under one of its units; an admin, anyone's. A code is 12 characters from an
alphabet without look-alikes (about 60 bits), shown once, stored as its SHA-256, good for
24 hours (PASSWORD_RESET_HOURS) and for one use. Issuing a new code retires older ones.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Select, false, or_, select, true, update

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import PasswordReset, Unit, User, Volunteer
from volunteer.services import permissions
from volunteer.services.accounts import hash_password
from volunteer.services.audit import record_audit
from volunteer.services.certificates.scope import roster_volunteer_ids
from volunteer.services.errors import PermissionDenied, ServiceError

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


@dataclass(frozen=True)
class IssuedReset:
    """A stored reset and its code, which is shown once and never again."""

    reset: PasswordReset
    code: str


def resettable_clause(actor: User | None) -> ColumnElement[bool]:
    """A WHERE clause on User (outer-joined to Volunteer): accounts the actor may reset."""
    if permissions.is_admin(actor):
        return true()
    if not permissions.coordinated_units(actor):
        return false()
    units_in_scope = select(Unit.id).where(permissions.visible_units_clause(actor))
    return or_(
        Volunteer.unit_id.in_(units_in_scope),
        Volunteer.id.in_(roster_volunteer_ids(actor)),
    )


def may_reset_password(actor: User | None, person: User) -> bool:
    """Admins for anyone; coordinators for people on their rosters or under their units."""
    query = _accounts().where(User.id == person.id, resettable_clause(actor))
    return db.session.scalar(query.with_only_columns(User.id)) is not None


def _accounts() -> Select:
    return select(User).outerjoin(Volunteer, Volunteer.user_id == User.id)


def normalize_code(text: str | None) -> str:
    """The code as typed, without spaces or dashes, in upper case."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def _code_hash(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def issue_reset(person: User, actor: User, now: datetime) -> IssuedReset:
    """A new one-time code for `person` (older unused ones stop working), audited."""
    if not may_reset_password(actor, person):
        raise PermissionDenied(_l("You may not reset this person's password."))
    _retire_open_resets(person, now)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    reset = PasswordReset(user=person, issued_by=actor, code_hash=_code_hash(code))
    reset.created_at = now
    reset.expires_at = now + timedelta(hours=current_app.config["PASSWORD_RESET_HOURS"])
    db.session.add(reset)
    db.session.flush()
    record_audit(actor, "account.password_reset_issue", person, expires_at=reset.expires_at)
    return IssuedReset(reset, code)


def _retire_open_resets(person: User, now: datetime) -> None:
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == person.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )


def find_usable(code: str, now: datetime) -> PasswordReset | None:
    """The unused, unexpired reset with this code, or None."""
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.code_hash == _code_hash(code))
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        return None
    return reset


def redeem_reset(code: str, new_password: str, now: datetime) -> User:
    """Set a new password with a usable code, which is then spent; the account, audited."""
    reset = find_usable(code, now)
    if reset is None or not reset.user.active:
        raise ServiceError(_l("This reset code is wrong, expired or already used."), "code")
    reset.used_at = now
    reset.user.password_hash = hash_password(new_password)
    record_audit(reset.user, "account.password_reset_use", reset.user, reset_id=reset.id)
    db.session.flush()
    return reset.user


def people_for_reset(actor: User, query: str, limit: int = 20) -> list[User]:
    """Accounts matching a mobile number or part of a name that the actor may reset."""
    query = (query or "").strip()
    if not query:
        return []
    matches = or_(User.phone == query, User.name.contains(query, autoescape=True))
    return db.session.scalars(
        _accounts()
        .where(matches, resettable_clause(actor))
        .order_by(User.name, User.id)
        .limit(limit)
    ).all()
