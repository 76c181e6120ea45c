"""Whether a person took part in an organization's work themselves: the one rule by which an
organizer may see that person's full ID number and phone, or open their certificates.

A person takes part in organization O by their own act: a record at one of O's activities
that they made (a scan of the rotating QR, the 6-digit code, the organizer's scan of their
personal code, their own claim), approved and crediting time; a manual entry from a paper
sheet once the person has confirmed it in the app or an admin has approved it; or a standing
sign-up for one of O's activities. A manual entry on the organizer's word alone credits
hours by the usual rules but, until confirmed, opens nothing of the person to the organizer.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.orm import aliased

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import (
    Activity,
    Organization,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    Signup,
    SignupStatus,
    User,
    Volunteer,
)
from volunteer.services import permissions
from volunteer.services.audit import record_audit
from volunteer.services.errors import PermissionDenied, ServiceError

# Sources where the person's own device, code or claim made the record.
OWN_SOURCES = (RecordSource.QR, RecordSource.CODE, RecordSource.KIOSK, RecordSource.CLAIM)


def is_vouched(record: Any = ServiceRecord) -> ColumnElement[bool]:
    """Records the person made themselves or confirmed (or an admin approved for them)."""
    return or_(record.source.in_(OWN_SOURCES), record.confirmed_at.is_not(None))


def awaits_confirmation(record: ServiceRecord) -> bool:
    """A manual entry the volunteer has not confirmed (and no admin has approved) yet."""
    return record.source == RecordSource.MANUAL and record.confirmed_at is None


# Aliases inside, so that callers may pass columns of their own ServiceRecord or Activity
# (the national export does); whatever else the caller's columns name is correlated,
# however deep the caller nests this.
def took_part(volunteer_id: Any, organization_id: Any) -> ColumnElement[bool]:
    """SQL: the person (id or column) took part in the organization's (id or column) work."""
    return or_(_served(volunteer_id, organization_id), _signed_up(volunteer_id, organization_id))


def _served(volunteer_id: Any, organization_id: Any) -> ColumnElement[bool]:
    """SQL: an approved, credited record of the person's own at one of its activities."""
    record, activity = aliased(ServiceRecord), aliased(Activity)
    return (
        exists()
        .where(
            record.volunteer_id == volunteer_id,
            record.activity_id == activity.id,
            activity.organization_id == organization_id,
            record.status == RecordStatus.APPROVED,  # hours.approved(), on the alias
            record.credited_minutes > 0,
            is_vouched(record),
        )
        .correlate_except(record, activity)
    )


def _signed_up(volunteer_id: Any, organization_id: Any) -> ColumnElement[bool]:
    """SQL: a standing sign-up of the person for one of its activities."""
    signup, activity = aliased(Signup), aliased(Activity)
    return (
        exists()
        .where(
            signup.volunteer_id == volunteer_id,
            signup.activity_id == activity.id,
            activity.organization_id == organization_id,
            signup.status == SignupStatus.SIGNED_UP,
        )
        .correlate_except(signup, activity)
    )


def participants_of(organization_ids: Iterable[int]) -> Any:
    """A subquery of the ids of people who took part in any of these organizations' work."""
    person = aliased(Volunteer)  # so that a query on Volunteer may test `id IN (this)`
    return select(person.id).where(_joined(person.id, organization_ids).exists())


def organizations_taken_part_in(volunteer: Volunteer, organization_ids: Iterable[int]) -> set[int]:
    """Those of these organizations whose work the person took part in."""
    return set(db.session.scalars(_joined(volunteer.id, organization_ids)))


def _joined(volunteer_id: Any, organization_ids: Iterable[int]) -> Select[tuple[int]]:
    """The ids of those of these organizations whose work the person took part in."""
    return select(Organization.id).where(
        Organization.id.in_(list(organization_ids)), took_part(volunteer_id, Organization.id)
    )


def organizer_sees_person(user: User | None, volunteer: Volunteer, organization_id: int) -> bool:
    """The rule: an organizer of the organization, for a person who took part in its work."""
    if not permissions.can_organize(user, organization_id):
        return False
    return bool(db.session.scalar(select(took_part(volunteer.id, organization_id))))


def confirm_manual_record(
    record: ServiceRecord, actor: User, now: datetime, reason: str | None = None
) -> ServiceRecord:
    """The volunteer confirms a manual entry of theirs, or an admin approves it (with a reason)."""
    if not awaits_confirmation(record):
        raise ServiceError(_l("This record needs no confirmation."), "reason", "already_confirmed")
    by = _confirmer(record, actor, (reason or "").strip())
    record.confirmed_at, record.confirmed_by_id = now, actor.id
    record_audit(actor, "record.confirm", record, by=by, reason=(reason or "").strip())
    db.session.flush()
    return record


def _confirmer(record: ServiceRecord, actor: User, reason: str) -> str:
    """ "volunteer" or "admin" (who must give a reason); anyone else is refused."""
    if record.volunteer.user_id == actor.id:
        return "volunteer"
    if not permissions.is_admin(actor):
        raise PermissionDenied(_l("Only the volunteer or an administrator may confirm a record."))
    if not reason:
        raise ServiceError(_l("Give a reason; it is kept with the record."), "reason")
    return "admin"
