"""Export of approved records for batch upload to the national volunteer information system.

The national system (全国志愿服务信息系统) is where records must end up; this system feeds it.
The organizer records and certifies what it organized, so organizers export their own
organizations' activities and admins export any. This is the only place full ID numbers
leave the system, so every export is written to the audit log. An organizer's file holds a
person's full ID number and phone only when the person took part in that organization's work
themselves (services.participation); a person whose only records there are manual entries
they have not confirmed appears masked until they do.
"""

from collections.abc import Iterator, Sequence
from datetime import datetime, time

from sqlalchemy import ColumnElement, Row, Subquery, func, select, true

from volunteer import rounding
from volunteer.documents.national_xlsx import NationalRow
from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import (
    Activity,
    CreditEntry,
    Organization,
    ServiceRecord,
    User,
    Volunteer,
)
from volunteer.models.base import LOCAL_ZONE
from volunteer.services import ledger, participation, permissions, privacy
from volunteer.services.audit import record_audit
from volunteer.services.certificates import ID_TYPE_NAMES_ZH
from volunteer.services.errors import PermissionDenied, ServiceError
from volunteer.services.periods import Period

STREAM_CHUNK = 1000


def _conditions(organization_ids: Sequence[int] | None) -> list:
    """Records at these organizations (None: all)."""
    if organization_ids is None:
        return []
    return [Activity.organization_id.in_(organization_ids)]


def _credited_in(period: Period) -> Subquery:
    """Each record's credited minutes on the period's days (records crediting none left out)."""
    return (
        select(CreditEntry.record_id, func.sum(CreditEntry.minutes).label("minutes"))
        .where(ledger.in_period(period))
        .group_by(CreditEntry.record_id)
        .having(func.sum(CreditEntry.minutes) > 0)
        .subquery("credited")
    )


# `organization` None means every organization the actor may export (all, for admins).
def export_scope(actor: User, organization: Organization | None) -> list[int] | None:
    """The organizations an export covers (None: all), or PermissionDenied."""
    if organization is not None:
        if not permissions.can_organize(actor, organization):
            raise PermissionDenied(_l("You may only export your own organization's records."))
        return [organization.id]
    if permissions.is_admin(actor):
        return None
    organization_ids = sorted(permissions.organizer_organization_ids(actor))
    if not organization_ids:
        raise PermissionDenied(_l("Only organizers and administrators may export records."))
    return organization_ids


def start_export(
    actor: User, period: Period, organization: Organization | None = None
) -> tuple[list[int] | None, int]:
    """Check entitlement, count the rows and audit the export; returns (organization ids, rows)."""
    organization_ids = export_scope(actor, organization)
    credited = _credited_in(period)
    count = db.session.scalar(
        select(func.count(ServiceRecord.id))
        .join(credited, credited.c.record_id == ServiceRecord.id)
        .join(Activity, Activity.id == ServiceRecord.activity_id)
        .where(*_conditions(organization_ids))
    )
    if not count:
        raise ServiceError(_l("No approved records in this period."), "start")
    record_audit(
        actor,
        "records.national_export",
        organization,
        organization_ids=organization_ids if organization_ids is not None else "all",
        period_start=period.start,
        period_end=period.end,
        rows=count,
        contains="full ID numbers and phones",
    )
    db.session.flush()
    return organization_ids, count


def national_rows(
    organization_ids: Sequence[int] | None, period: Period, actor: User
) -> Iterator[NationalRow]:
    """Records crediting time in the period with those minutes, oldest first, streamed."""
    credited = _credited_in(period)
    query = (
        select(
            User.name,
            Volunteer.id_type,
            Volunteer.id_number,
            User.phone,
            Activity.title,
            ServiceRecord.check_in_at,
            ServiceRecord.check_out_at,
            credited.c.minutes,
            Organization.name.label("organization"),
            _shows_full_numbers(actor).label("full_numbers"),
        )
        .join(credited, credited.c.record_id == ServiceRecord.id)
        .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
        .join(User, User.id == Volunteer.user_id)
        .join(Activity, Activity.id == ServiceRecord.activity_id)
        .join(Organization, Organization.id == Activity.organization_id)
        .where(*_conditions(organization_ids))
        .order_by(ServiceRecord.check_in_at, ServiceRecord.id)
        .execution_options(yield_per=STREAM_CHUNK)
    )
    for row in db.session.execute(query):
        yield _national_row(row)


def _shows_full_numbers(actor: User) -> ColumnElement[bool]:
    """Admins see every number; organizers those of people who took part in the row's work."""
    if permissions.is_admin(actor):
        return true()
    return participation.took_part(ServiceRecord.volunteer_id, Activity.organization_id)


def _national_row(row: Row) -> NationalRow:
    """One selected record as the national system imports it, in Beijing time."""
    check_in = row.check_in_at.astimezone(LOCAL_ZONE)
    check_out = row.check_out_at.astimezone(LOCAL_ZONE) if row.check_out_at else None
    return NationalRow(
        name=row.name,
        id_type_name=ID_TYPE_NAMES_ZH[row.id_type],
        id_number=row.id_number if row.full_numbers else privacy.mask_id_number(row.id_number),
        phone=row.phone if row.full_numbers else privacy.mask_phone(row.phone),
        activity=row.title,
        day=check_in.date(),
        start=_minute(check_in),
        end=_minute(check_out) if check_out else None,
        hours=float(rounding.hours_value(row.minutes, 2)),
        organization=row.organization,
    )


def _minute(moment: datetime) -> time:
    """The local time of day to the minute, without a zone (as spreadsheets take it)."""
    return moment.time().replace(second=0, microsecond=0, tzinfo=None)
