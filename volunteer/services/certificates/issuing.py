"""Issuing certificates (one or a batch), revoking and re-issuing them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Certificate, Organization, StoredFile, User, Volunteer, utcnow
from volunteer.services.audit import record_audit
from volunteer.services.certificates.content import (
    Facts,
    build_content,
    gather_facts,
    period_of,
    scope_organization_id,
)
from volunteer.services.certificates.issuer import current_seal, require_issuer
from volunteer.services.certificates.serials import insert_with_serial
from volunteer.services.errors import ServiceError, required_text
from volunteer.services.periods import Period, local_today

ScopeKey = tuple[int, int | None]  # (volunteer id, organization id or None for all)


def issue_certificates(
    volunteers: Sequence[Volunteer],
    period: Period,
    actor: User | None,
    organization: Organization | None = None,
    reuse_current: bool = True,
    now: datetime | None = None,
) -> list[Certificate]:
    """Issue one certificate per person for the period (in the given order).

    With `reuse_current`, a person whose latest valid certificate for the same period and
    scope would print exactly the same gets that one back instead of a new serial, so
    printing a batch twice does not multiply certificates.
    """
    if not volunteers:
        return []
    run = _IssueRun.start(period, actor, organization, now or utcnow())
    facts = gather_facts([v.id for v in volunteers], period, run.organization_id)
    _require_credited_time(volunteers, facts)
    existing = _latest_valid(volunteers, period) if reuse_current else {}
    certificates = [
        run.issue(v, facts[v.id], existing.get((v.id, run.organization_id))) for v in volunteers
    ]
    db.session.flush()
    return certificates


def _require_credited_time(volunteers: Sequence[Volunteer], facts: dict[int, Facts]) -> None:
    """A certificate needs credited time in its period (DOMAIN.md "No minute twice")."""
    empty = [v for v in volunteers if facts[v.id].total_minutes <= 0]
    if empty:
        raise ServiceError(
            _l(
                "%(name)s has no credited service time in this period; no certificate is issued.",
                name=empty[0].user.name,
            ),
            "period",
            "no_credited_time",
        )


def issue_certificate(
    volunteer: Volunteer,
    period: Period,
    actor: User | None,
    organization: Organization | None = None,
    reuse_current: bool = True,
) -> Certificate:
    """Issue (or return the identical current) certificate for one person."""
    return issue_certificates([volunteer], period, actor, organization, reuse_current)[0]


@dataclass
class _IssueRun:
    """What every certificate issued in one call shares, and the next serial number."""

    period: Period
    actor: User | None
    organization: Organization | None
    now: datetime
    issue_date: date
    issuer: dict[str, str]
    seal: StoredFile | None
    next_number: int | None = None

    @classmethod
    def start(
        cls, period: Period, actor: User | None, organization: Organization | None, now: datetime
    ) -> "_IssueRun":
        """Read the issuer details and seal once; refuse when no issuer is set."""
        return cls(
            period=period,
            actor=actor,
            organization=organization,
            now=now,
            issue_date=local_today(now),
            issuer=require_issuer(),
            seal=current_seal(),
        )

    @property
    def organization_id(self) -> int | None:
        """The organization the certificates are limited to (None: all)."""
        return self.organization.id if self.organization else None

    def issue(
        self, volunteer: Volunteer, facts: Facts, previous: Certificate | None
    ) -> Certificate:
        """A new certificate, or `previous` when it would print exactly the same."""
        content = build_content(
            volunteer, self.period, facts, self.issuer, self.issue_date, self.organization
        )
        if previous is not None and _same_print(previous, content, self.seal):
            return previous
        return self.insert(volunteer, content)

    def insert(self, volunteer: Volunteer, content: dict[str, Any]) -> Certificate:
        """Insert a new certificate with the next serial, and audit it."""
        certificate = Certificate(
            volunteer=volunteer,
            period_start=self.period.start,
            period_end=self.period.end,
            total_minutes=content["total_minutes"],
            star_level=content["star_level"],
            seal_file_id=self.seal.id if self.seal else None,
            issued_at=self.now,
            issued_by_id=self.actor.id if self.actor is not None else None,
        )
        self.next_number = insert_with_serial(
            certificate, content, self.issue_date.year, self.next_number
        )
        self._audit(certificate)
        return certificate

    def _audit(self, certificate: Certificate) -> None:
        record_audit(
            self.actor,
            "certificate.issue",
            certificate,
            serial=certificate.serial,
            volunteer_id=certificate.volunteer_id,
            period_start=self.period.start,
            period_end=self.period.end,
            organization_id=self.organization_id,
        )


def _latest_valid(volunteers: Sequence[Volunteer], period: Period) -> dict[ScopeKey, Certificate]:
    """Each person's latest valid certificate for exactly this period, per scope."""
    found: dict[ScopeKey, Certificate] = {}
    rows = db.session.scalars(
        select(Certificate)
        .where(
            Certificate.volunteer_id.in_([v.id for v in volunteers]),
            Certificate.revoked_at.is_(None),
            Certificate.period_end == period.end,
            Certificate.period_start.is_(None)
            if period.start is None
            else Certificate.period_start == period.start,
        )
        .order_by(Certificate.id)
    )
    for certificate in rows:
        found[(certificate.volunteer_id, scope_organization_id(certificate))] = certificate
    return found  # the latest wins: rows come oldest first


def _same_print(previous: Certificate, content: dict[str, Any], seal: StoredFile | None) -> bool:
    before = {k: v for k, v in previous.content.items() if k != "serial"}
    return before == content and previous.seal_file_id == (seal.id if seal else None)


# ---- revoking and re-issuing ----


def revoke_certificate(certificate: Certificate, reason: str, actor: User) -> Certificate:
    """Mark a certificate revoked; it stays on the verification page as revoked."""
    reason = required_text(reason, _l("Give the reason for revoking."), "reason")
    if certificate.revoked_at is not None:
        raise ServiceError(_l("This certificate is already revoked."))
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = actor.id
    certificate.revoke_reason = reason
    record_audit(actor, "certificate.revoke", certificate, serial=certificate.serial, reason=reason)
    db.session.flush()
    return certificate


def reissue_certificate(certificate: Certificate, reason: str, actor: User) -> Certificate:
    """Replace a certificate: a new serial with today's data, the old one revoked."""
    reason = required_text(reason, _l("Give the reason for re-issuing."), "reason")
    organization_id = scope_organization_id(certificate)
    organization = db.session.get(Organization, organization_id) if organization_id else None
    # The same period and scope as the original, with the data as it stands today.
    replacement = issue_certificate(
        certificate.volunteer, period_of(certificate), actor, organization, reuse_current=False
    )
    if certificate.revoked_at is None:
        revoke_certificate(certificate, f"{reason} (re-issued as {replacement.serial})", actor)
    record_audit(
        actor,
        "certificate.reissue",
        replacement,
        serial=replacement.serial,
        replaces=certificate.serial,
        reason=reason,
    )
    db.session.flush()
    return replacement
