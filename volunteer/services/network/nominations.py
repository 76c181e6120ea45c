"""Nominations: coordinators nominate candidates of their subtree with a reason; an admin decides.

Only a subject on the year's candidate list for the nominating unit's subtree (see
`recognition`) may be nominated, by a coordinator of that unit (or an admin); the same
subject is nominated at most once a year per category unless the earlier one was rejected.
"""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import (
    HonourCategory,
    Nomination,
    NominationStatus,
    Unit,
    User,
    utcnow,
)
from volunteer.services import paging, permissions
from volunteer.services.audit import record_audit
from volunteer.services.errors import DuplicateError, PermissionDenied, ServiceError, required_text
from volunteer.services.network.recognition import is_candidate

SUBJECT_COLUMNS = {
    HonourCategory.VOLUNTEER: "volunteer_id",
    HonourCategory.LEADER: "leader_id",
    HonourCategory.ORGANIZATION: "organization_id",
    HonourCategory.PROJECT: "project_id",
}


def nominate(
    category: HonourCategory, subject_id: int, year: int, unit: Unit, reason: str, actor: User
) -> Nomination:
    """Nominate a candidate of `unit`'s subtree for the year's honour."""
    if not permissions.can_coordinate(actor, unit):
        raise PermissionDenied(_l("You can only nominate for the units you coordinate."))
    reason = required_text(reason, _l("Give the reason for the nomination."), "reason")
    candidate = is_candidate(category, subject_id, year, unit)
    if candidate is None:
        raise ServiceError(_l("Only the year's candidates of your units can be nominated."))
    _refuse_repeat(category, subject_id, year)
    nomination = Nomination(
        year=year,
        category=category,
        unit_id=unit.id,
        subject_name=candidate.name[:120],
        reason=reason,
        nominated_by_id=actor.id,
        **{SUBJECT_COLUMNS[category]: subject_id},
    )
    db.session.add(nomination)
    db.session.flush()
    record_audit(actor, "nomination.create", nomination, category=category.value, year=year)
    return nomination


def _refuse_repeat(category: HonourCategory, subject_id: int, year: int) -> None:
    column = getattr(Nomination, SUBJECT_COLUMNS[category])
    standing = db.session.scalar(
        select(Nomination.id).where(
            Nomination.year == year,
            Nomination.category == category,
            column == subject_id,
            Nomination.status != NominationStatus.REJECTED,
        )
    )
    if standing is not None:
        raise DuplicateError(_l("This candidate is already nominated for the year."))


def decide(nomination: Nomination, approve: bool, note: str | None, actor: User) -> Nomination:
    """Approve or reject a standing nomination (admins only)."""
    if not permissions.is_admin(actor):
        raise PermissionDenied(_l("Only an administrator decides nominations."))
    if nomination.status != NominationStatus.NOMINATED:
        raise ServiceError(_l("This nomination has already been decided."))
    nomination.status = NominationStatus.APPROVED if approve else NominationStatus.REJECTED
    nomination.decided_by_id, nomination.decided_at = actor.id, utcnow()
    nomination.decision_note = (note or "").strip() or None
    record_audit(actor, "nomination.decide", nomination, status=nomination.status.value)
    db.session.flush()
    return nomination


def nomination_page(year: int, asked: int | None) -> paging.Page:
    """Page `asked` of the year's nominations, by category then time, with their units (every
    unit of a province may nominate, each row drawn with its forms)."""
    query = (
        select(Nomination)
        .where(Nomination.year == year)
        .options(joinedload(Nomination.unit))
        .order_by(Nomination.category, Nomination.nominated_at, Nomination.id)
    )
    return paging.page_of_query(query, asked)


def nominations_by(unit: Unit, year: int) -> list[Nomination]:
    """The year's nominations made for units in `unit`'s subtree."""
    return list(
        db.session.scalars(
            select(Nomination)
            .join(Unit, Unit.id == Nomination.unit_id)
            .where(Nomination.year == year, Unit.path.startswith(unit.path))
            .order_by(Nomination.nominated_at, Nomination.id)
        )
    )
