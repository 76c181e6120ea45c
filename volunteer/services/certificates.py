"""Service-hour certificates (志愿服务记录证明): issuing, revoking, re-issuing, issuer settings.

A certificate freezes everything it prints in `Certificate.content` when it is issued,
so the PDF is a pure function of the certificate (plus its seal image, a StoredFile that
is never overwritten): later corrections, renamed activities or new issuer details never
change a certificate already handed out; they need a re-issue, which gets a new serial.

Serial numbers are sequential per year (WSZM2026000123). Two issuers may compute the same
next number at once; the unique constraint on `certificates.serial` decides, and the loser
retries with the next free number inside a savepoint (see `_insert_with_serial`).
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app
from PIL import Image, UnidentifiedImageError
from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.exc import IntegrityError

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import (
    Activity,
    Certificate,
    IdType,
    Organization,
    RecordStatus,
    RosterEntry,
    ServiceRecord,
    Setting,
    StoredFile,
    Unit,
    User,
    Volunteer,
    utcnow,
)
from volunteer.models.base import LOCAL_ZONE
from volunteer.services import permissions
from volunteer.services.audit import record_audit
from volunteer.services.errors import ServiceError
from volunteer.services.periods import Period, local_today
from volunteer.services.privacy import mask_id_number

CONTENT_VERSION = 1
ISSUER_SETTING_KEY = "certificate.issuer"
SEAL_SETTING_KEY = "certificate.seal_file_id"
SEAL_PURPOSE = "certificate_seal"
ISSUER_FIELDS = ("organization", "person_in_charge", "handling_officer", "contact", "remarks")
SERIAL_ATTEMPTS = 20

# Printed on the certificate, which is an official Chinese document whatever the UI language.
ID_TYPE_NAMES_ZH = {
    IdType.RESIDENT_ID: "居民身份证",
    IdType.PASSPORT: "护照",
    IdType.HK_MACAU_PERMIT: "港澳居民来往内地通行证",
    IdType.TAIWAN_PERMIT: "台湾居民来往大陆通行证",
    IdType.FOREIGNER_RESIDENCE: "外国人永久居留身份证",
}


# ---- periods ----


def period_of(certificate: Certificate) -> Period:
    """The period a certificate covers."""
    return Period(
        certificate.period_start,
        certificate.period_end,
        certificate.content.get("period_kind", "range"),
    )


# ---- star level ----


def star_level(cumulative_minutes: int, thresholds_hours: Sequence[float] | None = None) -> int:
    """0 to 5 stars by cumulative approved hours (default 100/300/600/1000/1500 h)."""
    if thresholds_hours is None:
        thresholds_hours = current_app.config["STAR_LEVEL_THRESHOLD_HOURS"]
    return sum(1 for hours in thresholds_hours if cumulative_minutes >= hours * 60)


# ---- issuer settings and seal ----


def issuer_settings() -> dict[str, str]:
    """The issuing organization's details an admin set (empty strings when unset)."""
    setting = db.session.get(Setting, ISSUER_SETTING_KEY)
    stored = setting.value if setting is not None and isinstance(setting.value, dict) else {}
    return {field: str(stored.get(field) or "") for field in ISSUER_FIELDS}


def save_issuer_settings(values: dict[str, str | None], actor: User) -> dict[str, str]:
    """Store issuer details (organization, person in charge, handling officer, contact, remarks)."""
    cleaned = {field: (values.get(field) or "").strip() for field in ISSUER_FIELDS}
    if not cleaned["organization"]:
        raise ServiceError(_l("Enter the issuing organization."), "organization")
    before = issuer_settings()
    _put_setting(ISSUER_SETTING_KEY, cleaned, actor)
    record_audit(actor, "certificate.issuer_settings", None, before=before, after=cleaned)
    db.session.flush()
    return cleaned


def current_seal() -> StoredFile | None:
    """The seal image new certificates carry, or None."""
    setting = db.session.get(Setting, SEAL_SETTING_KEY)
    if setting is None or not setting.value:
        return None
    return db.session.get(StoredFile, int(setting.value))


def save_seal(filename: str, data: bytes, actor: User) -> StoredFile:
    """Validate and store a new seal image (PNG or JPEG); earlier ones stay for old certificates."""
    limit = current_app.config["CERTIFICATE_SEAL_MAX_BYTES"]
    if not data:
        raise ServiceError(_l("The seal file is empty."), "seal")
    if len(data) > limit:
        raise ServiceError(_l("The seal image is larger than %(kb)s KB.", kb=limit // 1024), "seal")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            image.verify()  # reads the whole file: truncated or corrupt images fail here
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ServiceError(_l("The seal must be a PNG or JPEG image."), "seal") from error
    if image_format not in ("PNG", "JPEG"):
        raise ServiceError(_l("The seal must be a PNG or JPEG image."), "seal")
    max_side = current_app.config["CERTIFICATE_SEAL_MAX_PIXELS"]
    if width > max_side or height > max_side or width < 32 or height < 32:
        raise ServiceError(
            _l("The seal image must be between 32 and %(px)s pixels wide and high.", px=max_side),
            "seal",
        )
    stored = StoredFile(
        purpose=SEAL_PURPOSE,
        filename=(filename or "seal").rsplit("/", 1)[-1][:255],
        content_type="image/png" if image_format == "PNG" else "image/jpeg",
        data=data,
        uploaded_by_id=actor.id,
    )
    db.session.add(stored)
    db.session.flush()
    _put_setting(SEAL_SETTING_KEY, stored.id, actor)
    record_audit(actor, "certificate.seal_upload", stored, filename=stored.filename)
    db.session.flush()
    return stored


def remove_seal(actor: User) -> None:
    """New certificates carry no seal; certificates already issued keep theirs."""
    _put_setting(SEAL_SETTING_KEY, None, actor)
    record_audit(actor, "certificate.seal_remove", None)
    db.session.flush()


def _put_setting(key: str, value: Any, actor: User) -> None:
    setting = db.session.get(Setting, key)
    if setting is None:
        setting = Setting(key=key)
        db.session.add(setting)
    setting.value = value
    setting.updated_by_id = actor.id if actor is not None else None


# ---- who may see whom ----


def roster_id_numbers(user: User | None) -> Any:
    """A subquery of ID numbers on the active rosters of units the user coordinates."""
    return (
        select(RosterEntry.id_number)
        .join(Unit, Unit.id == RosterEntry.unit_id)
        .where(RosterEntry.active.is_(True), permissions.visible_units_clause(user))
    )


def on_coordinated_roster(user: User | None, volunteer: Volunteer) -> bool:
    """Whether the person is on an active roster of a unit in the user's subtrees."""
    if not permissions.coordinated_units(user):
        return False
    return (
        db.session.scalar(
            select(RosterEntry.id)
            .join(Unit, Unit.id == RosterEntry.unit_id)
            .where(
                RosterEntry.id_number == volunteer.id_number,
                RosterEntry.active.is_(True),
                permissions.visible_units_clause(user),
            )
            .limit(1)
        )
        is not None
    )


def served_with(volunteer: Volunteer, organization_ids: Iterable[int]) -> bool:
    """Whether the person has approved service at activities of these organizations."""
    ids = list(organization_ids)
    if not ids:
        return False
    return (
        db.session.scalar(
            select(ServiceRecord.id)
            .join(Activity, Activity.id == ServiceRecord.activity_id)
            .where(
                ServiceRecord.volunteer_id == volunteer.id,
                ServiceRecord.status == RecordStatus.APPROVED,
                Activity.organization_id.in_(ids),
            )
            .limit(1)
        )
        is not None
    )


def may_issue_full(user: User | None, volunteer: Volunteer) -> bool:
    """Full certificates (all organizations): the person, admins, and their roster coordinators."""
    if user is None:
        return False
    if user.volunteer is not None and user.volunteer.id == volunteer.id:
        return True
    return permissions.is_admin(user) or on_coordinated_roster(user, volunteer)


def may_issue_for_organization(
    user: User | None, volunteer: Volunteer, organization: Organization
) -> bool:
    """Organizers certify what their organization organized (谁组织谁记录，谁记录谁证明).

    An organizer may issue a certificate covering only their organization's activities, for
    people with approved service there; they never see service done elsewhere.
    """
    if may_issue_full(user, volunteer):
        return True
    return permissions.can_organize(user, organization) and served_with(
        volunteer, [organization.id]
    )


def can_view_certificate(user: User | None, certificate: Certificate) -> bool:
    """Who may open or download a certificate."""
    volunteer = certificate.volunteer
    if may_issue_full(user, volunteer):
        return True
    organization_id = certificate.content.get("scope", {}).get("organization_id")
    return organization_id is not None and permissions.can_organize(user, organization_id)


def organizations_certifiable_by(user: User | None, volunteer: Volunteer) -> list[Organization]:
    """Organizations the user organizes at whose activities the person has approved service."""
    organization_ids = permissions.organizer_organization_ids(user)
    if not organization_ids:
        return []
    served = (
        select(Activity.organization_id)
        .join(ServiceRecord, ServiceRecord.activity_id == Activity.id)
        .where(
            ServiceRecord.volunteer_id == volunteer.id,
            ServiceRecord.status == RecordStatus.APPROVED,
        )
    )
    return list(
        db.session.scalars(
            select(Organization)
            .where(Organization.id.in_(organization_ids), Organization.id.in_(served))
            .order_by(Organization.name)
        )
    )


def visible_certificates(user: User | None, volunteer: Volunteer) -> list[Certificate]:
    """The person's certificates the user may open (same rule as can_view_certificate)."""
    everything = certificates_of(volunteer)
    if may_issue_full(user, volunteer):
        return everything
    organization_ids = permissions.organizer_organization_ids(user)
    return [
        c
        for c in everything
        if c.content.get("scope", {}).get("organization_id") in organization_ids
    ]


def people_in_scope_clause(user: User | None) -> ColumnElement[bool]:
    """A WHERE clause on Volunteer: people the user may issue certificates for."""
    if permissions.is_admin(user):
        return true()
    clauses = []
    if permissions.coordinated_units(user):
        clauses.append(Volunteer.id_number.in_(roster_id_numbers(user)))
    organization_ids = permissions.organizer_organization_ids(user)
    if organization_ids:
        clauses.append(
            Volunteer.id.in_(
                select(ServiceRecord.volunteer_id)
                .join(Activity, Activity.id == ServiceRecord.activity_id)
                .where(
                    ServiceRecord.status == RecordStatus.APPROVED,
                    Activity.organization_id.in_(organization_ids),
                )
            )
        )
    if user is not None and user.volunteer is not None:
        clauses.append(Volunteer.id == user.volunteer.id)
    if not clauses:
        return false()
    return or_(*clauses)


# ---- issuing ----


@dataclass
class _Facts:
    records: list[list[Any]]
    total_minutes: int
    cumulative_minutes: int


def _gather_facts(
    volunteer_ids: Sequence[int], period: Period, organization_id: int | None
) -> dict[int, _Facts]:
    """Records in the period and cumulative minutes for many people: two queries in all."""
    start, end = period.utc_bounds()
    conditions = [
        ServiceRecord.volunteer_id.in_(volunteer_ids),
        ServiceRecord.status == RecordStatus.APPROVED,
        ServiceRecord.check_in_at < end,
    ]
    if start is not None:
        conditions.append(ServiceRecord.check_in_at >= start)
    if organization_id is not None:
        conditions.append(Activity.organization_id == organization_id)
    rows = db.session.execute(
        select(
            ServiceRecord.volunteer_id,
            ServiceRecord.check_in_at,
            ServiceRecord.credited_minutes,
            Activity.title,
            Organization.name,
        )
        .join(Activity, Activity.id == ServiceRecord.activity_id)
        .join(Organization, Organization.id == Activity.organization_id)
        .where(*conditions)
        .order_by(ServiceRecord.volunteer_id, ServiceRecord.check_in_at, ServiceRecord.id)
    )
    facts = {vid: _Facts([], 0, 0) for vid in volunteer_ids}
    for volunteer_id, check_in_at, minutes, title, organization_name in rows:
        day = check_in_at.astimezone(LOCAL_ZONE).date().isoformat()
        fact = facts[volunteer_id]
        fact.records.append([day, title, organization_name, minutes])
        fact.total_minutes += minutes
    # Star level: all approved time so far, everywhere (it is a title of the person).
    cumulative = db.session.execute(
        select(ServiceRecord.volunteer_id, func.sum(ServiceRecord.credited_minutes))
        .where(
            ServiceRecord.volunteer_id.in_(volunteer_ids),
            ServiceRecord.status == RecordStatus.APPROVED,
            ServiceRecord.check_in_at < end,
        )
        .group_by(ServiceRecord.volunteer_id)
    )
    for volunteer_id, minutes in cumulative:
        facts[volunteer_id].cumulative_minutes = int(minutes or 0)
    return facts


def build_content(
    volunteer: Volunteer,
    period: Period,
    facts: _Facts,
    issuer: dict[str, str],
    issue_date: date,
    organization: Organization | None,
) -> dict[str, Any]:
    """Everything printed on the certificate, as JSON (serial added on insert)."""
    return {
        "version": CONTENT_VERSION,
        "name": volunteer.user.name,
        "id_type": volunteer.id_type.value,
        "id_type_name": ID_TYPE_NAMES_ZH[volunteer.id_type],
        "id_number_masked": mask_id_number(volunteer.id_number),
        "volunteer_number": volunteer.volunteer_number or "",
        "period_kind": period.kind,
        "period_start": period.start.isoformat() if period.start else None,
        "period_end": period.end.isoformat(),
        "total_minutes": facts.total_minutes,
        "record_count": len(facts.records),
        "cumulative_minutes": facts.cumulative_minutes,
        "star_level": star_level(facts.cumulative_minutes),
        "scope": {
            "organization_id": organization.id if organization else None,
            "organization_name": organization.name if organization else None,
        },
        "records": facts.records,
        "issuer": issuer,
        "issue_date": issue_date.isoformat(),
    }


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
    now = now or utcnow()
    issue_date = local_today(now)
    issuer = issuer_settings()
    if not issuer["organization"]:
        raise ServiceError(
            _l("An administrator must first enter the issuing organization's details.")
        )
    seal = current_seal()
    organization_id = organization.id if organization else None
    facts = _gather_facts([v.id for v in volunteers], period, organization_id)
    existing = _latest_valid(volunteers, period) if reuse_current else {}
    certificates = []
    next_number = None
    for volunteer in volunteers:
        content = build_content(
            volunteer, period, facts[volunteer.id], issuer, issue_date, organization
        )
        previous = existing.get((volunteer.id, organization_id))
        if previous is not None and _same_print(previous, content, seal):
            certificates.append(previous)
            continue
        certificate = Certificate(
            volunteer=volunteer,
            period_start=period.start,
            period_end=period.end,
            total_minutes=content["total_minutes"],
            star_level=content["star_level"],
            seal_file_id=seal.id if seal else None,
            issued_at=now,
            issued_by_id=actor.id if actor is not None else None,
        )
        next_number = _insert_with_serial(certificate, content, issue_date.year, next_number)
        record_audit(
            actor,
            "certificate.issue",
            certificate,
            serial=certificate.serial,
            volunteer_id=volunteer.id,
            period_start=period.start,
            period_end=period.end,
            organization_id=organization_id,
        )
        certificates.append(certificate)
    db.session.flush()
    return certificates


def issue_certificate(
    volunteer: Volunteer,
    period: Period,
    actor: User | None,
    organization: Organization | None = None,
    reuse_current: bool = True,
) -> Certificate:
    """Issue (or return the identical current) certificate for one person."""
    return issue_certificates([volunteer], period, actor, organization, reuse_current)[0]


def _latest_valid(
    volunteers: Sequence[Volunteer], period: Period
) -> dict[tuple[int, int | None], Certificate]:
    found: dict[tuple[int, int | None], Certificate] = {}
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
        scope = certificate.content.get("scope", {}).get("organization_id")
        found[(certificate.volunteer_id, scope)] = certificate  # the latest wins
    return found


def _same_print(previous: Certificate, content: dict[str, Any], seal: StoredFile | None) -> bool:
    before = {k: v for k, v in previous.content.items() if k != "serial"}
    return before == content and previous.seal_file_id == (seal.id if seal else None)


def _serial_prefix(year: int) -> str:
    return f"{current_app.config['CERTIFICATE_SERIAL_PREFIX']}{year}"


def _next_free_number(prefix: str) -> int:
    # Longest first, so number 1000000 sorts after 999999 should a year ever get there.
    last = db.session.scalar(
        select(Certificate.serial)
        .where(Certificate.serial.startswith(prefix))
        .order_by(func.length(Certificate.serial).desc(), Certificate.serial.desc())
        .limit(1)
    )
    return int(last[len(prefix) :]) + 1 if last else 1


def _insert_with_serial(
    certificate: Certificate, content: dict[str, Any], year: int, number: int | None
) -> int:
    """Insert with the next serial; on a clash with a concurrent issuer, take the next one.

    Returns the number after the one used, so a batch numbers on without re-reading.
    """
    prefix = _serial_prefix(year)
    if number is None:
        number = _next_free_number(prefix)
    for _attempt in range(SERIAL_ATTEMPTS):
        certificate.serial = f"{prefix}{number:06d}"
        certificate.content = {**content, "serial": certificate.serial}
        try:
            # A savepoint: the clash rolls back this insert only, not the caller's work.
            with db.session.begin_nested():
                db.session.add(certificate)
                db.session.flush()
        except IntegrityError:
            # PostgreSQL made us wait for the other issuer's commit; its serial is now visible.
            number = max(number + 1, _next_free_number(prefix))
            continue
        return number + 1
    raise ServiceError(_l("Too many certificates are being issued at once; try again."))


# ---- revoking and re-issuing ----


def revoke_certificate(certificate: Certificate, reason: str, actor: User) -> Certificate:
    """Mark a certificate revoked; it stays on the verification page as revoked."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give the reason for revoking."), "reason")
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
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give the reason for re-issuing."), "reason")
    organization_id = certificate.content.get("scope", {}).get("organization_id")
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


def find_by_serial(serial: str) -> Certificate | None:
    """The certificate with this serial (spaces and case forgiven), or None."""
    cleaned = "".join((serial or "").split()).upper()
    if not cleaned or len(cleaned) > 32:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.serial == cleaned))


def certificates_of(volunteer: Volunteer) -> list[Certificate]:
    """A person's certificates, newest first."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.volunteer_id == volunteer.id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def seal_bytes(certificate: Certificate) -> bytes | None:
    """The seal image the certificate was issued with."""
    return certificate.seal_file.data if certificate.seal_file is not None else None
