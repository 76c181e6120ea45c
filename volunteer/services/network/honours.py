"""The honour roll and honour certificates (荣誉证书).

An honour certificate is issued for an approved nomination. It freezes what it prints
in `content`, has its own serial (HONOUR_SERIAL_PREFIX, the year, six digits: WSRY2026000001)
and is checked on the same public /verify/<serial> page as hour certificates. Revoking keeps
it visible as revoked; issuing again after a revocation gives a new serial.
"""

from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import (
    HonourCategory,
    HonourCertificate,
    Nomination,
    NominationStatus,
    User,
    utcnow,
)
from volunteer.services.audit import record_audit
from volunteer.services.certificates.issuer import require_issuer
from volunteer.services.certificates.listing import cleaned_serial
from volunteer.services.certificates.serials import next_free_number
from volunteer.services.errors import ServiceError, required_text
from volunteer.services.periods import local_today

SERIAL_ATTEMPTS = 20
# The printed titles: an official document's wording, Chinese whatever the UI language.
TITLES_ZH = {
    HonourCategory.VOLUNTEER: "优秀志愿者",
    HonourCategory.LEADER: "优秀志愿服务带头人",
    HonourCategory.ORGANIZATION: "优秀志愿服务组织",
    HonourCategory.PROJECT: "优秀志愿服务项目",
}


@dataclass(frozen=True)
class RollEntry:
    """One line of the honour roll."""

    category: HonourCategory
    name: str
    unit_name: str
    reason: str


def honour_roll(year: int) -> list[RollEntry]:
    """The year's approved nominations, by category then name."""
    rows = db.session.scalars(
        select(Nomination)
        .where(Nomination.year == year, Nomination.status == NominationStatus.APPROVED)
        .options(joinedload(Nomination.unit))  # each entry names its unit: not one query each
        .order_by(Nomination.category, Nomination.subject_name, Nomination.id)
    )
    return [RollEntry(n.category, n.subject_name, n.unit.name, n.reason) for n in rows]


def issue_honour_certificate(nomination: Nomination, actor: User) -> HonourCertificate:
    """The nomination's valid honour certificate, issuing one when there is none."""
    if nomination.status != NominationStatus.APPROVED:
        raise ServiceError(_l("Only an approved nomination gets an honour certificate."))
    current = valid_certificate_of(nomination)
    if current is not None:
        return current
    certificate = HonourCertificate(nomination=nomination, issued_by_id=actor.id)
    _insert_with_serial(certificate, _content(nomination), local_today().year)
    record_audit(actor, "honour.issue", certificate, serial=certificate.serial)
    return certificate


def _content(nomination: Nomination) -> dict[str, Any]:
    issuer = require_issuer()
    return {
        "year": nomination.year,
        "category": nomination.category.value,
        "title": TITLES_ZH[nomination.category],
        "name": nomination.subject_name,
        "unit_name": nomination.unit.name,
        "issuer": issuer["organization"],
        "issue_date": local_today().isoformat(),
    }


def _insert_with_serial(certificate: HonourCertificate, content: dict[str, Any], year: int) -> None:
    """Insert with the next free serial of the year; a concurrent clash takes the next one."""
    prefix = f"{current_app.config['HONOUR_SERIAL_PREFIX']}{year}"
    number = _next_number(prefix)
    for _attempt in range(SERIAL_ATTEMPTS):
        certificate.serial = f"{prefix}{number:06d}"
        certificate.content = {**content, "serial": certificate.serial}
        try:
            with db.session.begin_nested():
                db.session.add(certificate)
                db.session.flush()
            return
        except IntegrityError:
            number = max(number + 1, _next_number(prefix))
    raise ServiceError(_l("Too many certificates are being issued at once; try again."))


def _next_number(prefix: str) -> int:
    """The next free honour serial number (the same rule as hour certificates)."""
    return next_free_number(prefix, HonourCertificate.serial)


def valid_certificate_of(nomination: Nomination) -> HonourCertificate | None:
    """The nomination's honour certificate that is not revoked, if any."""
    return db.session.scalar(
        select(HonourCertificate).where(
            HonourCertificate.nomination_id == nomination.id,
            HonourCertificate.revoked_at.is_(None),
        )
    )


def certificates_of(nomination: Nomination) -> list[HonourCertificate]:
    """Every honour certificate of a nomination, newest first."""
    query = select(HonourCertificate).where(HonourCertificate.nomination_id == nomination.id)
    return list(db.session.scalars(query.order_by(HonourCertificate.id.desc())))


def revoke_honour_certificate(
    certificate: HonourCertificate, reason: str, actor: User
) -> HonourCertificate:
    """Mark an honour certificate revoked; /verify shows it as revoked from now on."""
    reason = required_text(reason, _l("Give the reason for revoking."), "reason")
    if certificate.revoked_at is not None:
        raise ServiceError(_l("This certificate is already revoked."))
    certificate.revoked_at, certificate.revoked_by_id = utcnow(), actor.id
    certificate.revoke_reason = reason
    record_audit(actor, "honour.revoke", certificate, serial=certificate.serial, reason=reason)
    db.session.flush()
    return certificate


def find_honour_by_serial(serial: str) -> HonourCertificate | None:
    """The honour certificate with this serial (spaces and case forgiven), or None."""
    if (cleaned := cleaned_serial(serial)) is None:
        return None
    return db.session.scalar(select(HonourCertificate).where(HonourCertificate.serial == cleaned))
