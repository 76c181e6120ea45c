"""What a certificate prints, frozen in `Certificate.content` when it is issued.

The content is plain JSON: the PDF and the verification page read only this, so
later corrections, renamed activities or new issuer details never change a
certificate already handed out.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from volunteer.extensions import db
from volunteer.models import (
    Activity,
    Certificate,
    CreditEntry,
    IdType,
    Organization,
    ServiceRecord,
    Volunteer,
)
from volunteer.services import ledger
from volunteer.services.certificates.stars import star_level
from volunteer.services.periods import Period
from volunteer.services.privacy import mask_id_number

CONTENT_VERSION = 1

# Printed on the certificate, which is an official Chinese document whatever the UI language.
ID_TYPE_NAMES_ZH = {
    IdType.RESIDENT_ID: "居民身份证",
    IdType.PASSPORT: "护照",
    IdType.HK_MACAU_PERMIT: "港澳居民来往内地通行证",
    IdType.TAIWAN_PERMIT: "台湾居民来往大陆通行证",
    IdType.FOREIGNER_RESIDENCE: "外国人永久居留身份证",
    IdType.HMT_RESIDENCE: "港澳台居民居住证",
}


def period_of(certificate: Certificate) -> Period:
    """The period a certificate covers."""
    kind = certificate.content.get("period_kind", "range")
    return Period(certificate.period_start, certificate.period_end, kind)


def scope_organization_id(certificate: Certificate) -> int | None:
    """The organization a certificate is limited to, or None for all organizations."""
    return certificate.content.get("scope", {}).get("organization_id")


@dataclass
class Facts:
    """A person's records in the period and approved minutes so far, as the certificate prints."""

    records: list[list[Any]] = field(default_factory=list)
    total_minutes: int = 0
    cumulative_minutes: int = 0


def gather_facts(
    volunteer_ids: Sequence[int], period: Period, organization_id: int | None
) -> dict[int, Facts]:
    """Records in the period and cumulative minutes for many people: two queries in all."""
    facts = {volunteer_id: Facts() for volunteer_id in volunteer_ids}
    rows = _records_in_period(volunteer_ids, period, organization_id)
    for volunteer_id, first_day, minutes, title, team in rows:
        fact = facts[volunteer_id]
        fact.records.append([first_day.isoformat(), title, team, int(minutes)])
        fact.total_minutes += int(minutes)
    # Star level: all credited time up to the period's end, everywhere (a title of the person).
    for volunteer_id, minutes in _cumulative_minutes(volunteer_ids, period.end):
        facts[volunteer_id].cumulative_minutes = int(minutes or 0)
    return facts


def _records_in_period(
    volunteer_ids: Sequence[int], period: Period, organization_id: int | None
) -> Any:
    """(volunteer id, first day, minutes, activity title, organization name) of each record
    crediting time in the period (a record credited 0 minutes is no participation)."""
    conditions = [CreditEntry.volunteer_id.in_(volunteer_ids), ledger.in_period(period)]
    if organization_id is not None:
        conditions.append(Activity.organization_id == organization_id)
    return db.session.execute(
        select(
            CreditEntry.volunteer_id,
            func.min(CreditEntry.day),
            func.sum(CreditEntry.minutes),
            Activity.title,
            Organization.name,
        )
        .join(ServiceRecord, ServiceRecord.id == CreditEntry.record_id)
        .join(Activity, Activity.id == ServiceRecord.activity_id)
        .join(Organization, Organization.id == Activity.organization_id)
        .where(*conditions)
        .group_by(CreditEntry.volunteer_id, ServiceRecord.id, Activity.title, Organization.name)
        .having(func.sum(CreditEntry.minutes) > 0)
        .order_by(CreditEntry.volunteer_id, ServiceRecord.check_in_at, ServiceRecord.id)
    )


def _cumulative_minutes(volunteer_ids: Sequence[int], end: date) -> Any:
    """(volunteer id, credited minutes up to the Beijing day `end`) for each person with any."""
    return db.session.execute(
        select(CreditEntry.volunteer_id, func.sum(CreditEntry.minutes))
        .where(CreditEntry.volunteer_id.in_(volunteer_ids), CreditEntry.day <= end)
        .group_by(CreditEntry.volunteer_id)
    )


def build_content(
    volunteer: Volunteer,
    period: Period,
    facts: Facts,
    issuer: dict[str, str],
    issue_date: date,
    organization: Organization | None,
) -> dict[str, Any]:
    """Everything printed on the certificate, as JSON (serial added on insert)."""
    return {
        "version": CONTENT_VERSION,
        **_person_content(volunteer),
        "period_kind": period.kind,
        "period_start": period.start.isoformat() if period.start else None,
        "period_end": period.end.isoformat(),
        **_facts_content(facts),
        "scope": {
            "organization_id": organization.id if organization else None,
            "organization_name": organization.name if organization else None,
        },
        "records": facts.records,
        "issuer": issuer,
        "issue_date": issue_date.isoformat(),
    }


def _person_content(volunteer: Volunteer) -> dict[str, Any]:
    """Who the certificate is for, the ID number masked."""
    return {
        "name": volunteer.user.name,
        "id_type": volunteer.id_type.value,
        "id_type_name": ID_TYPE_NAMES_ZH[volunteer.id_type],
        "id_number_masked": mask_id_number(volunteer.id_number),
        "volunteer_number": volunteer.volunteer_number or "",
    }


def _facts_content(facts: Facts) -> dict[str, Any]:
    """The minutes and record count in the period, and the star level reached so far."""
    return {
        "total_minutes": facts.total_minutes,
        "record_count": len(facts.records),
        "cumulative_minutes": facts.cumulative_minutes,
        "star_level": star_level(facts.cumulative_minutes),
    }
