"""Activities and sign-ups: what organizers publish and volunteers join."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import (
    Activity,
    ActivityStatus,
    Organization,
    ServiceCategory,
    Signup,
    SignupStatus,
    User,
    Volunteer,
)
from volunteer.services import paging, permissions
from volunteer.services.audit import record_audit
from volunteer.services.errors import PermissionDenied, ServiceError, required_text


@dataclass
class ActivityData:
    """What an organizer fills in for an activity."""

    organization: Organization
    title: str
    description: str | None
    category: ServiceCategory
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = None
    signup_required: bool = False
    static_qr_allowed: bool = False
    latitude: float | None = None
    longitude: float | None = None
    geofence_radius_m: int | None = None


def _validate(data: ActivityData) -> None:
    if not data.title.strip():
        raise ServiceError(_l("Enter a title."), "title")
    if data.ends_at <= data.starts_at:
        raise ServiceError(_l("The end must be after the start."), "ends_at")
    if data.capacity is not None and data.capacity <= 0:
        raise ServiceError(
            _l("Capacity must be a positive number, or empty for no limit."), "capacity"
        )
    point = (data.latitude, data.longitude, data.geofence_radius_m)
    if any(v is not None for v in point) and not all(v is not None for v in point):
        raise ServiceError(
            _l("A geofence needs latitude, longitude and radius together."), "geofence_radius_m"
        )
    if data.geofence_radius_m is not None and data.geofence_radius_m <= 0:
        raise ServiceError(
            _l("The radius must be a positive number of metres."), "geofence_radius_m"
        )
    if data.latitude is not None and not (
        -90 <= data.latitude <= 90 and -180 <= data.longitude <= 180
    ):
        raise ServiceError(_l("Latitude or longitude is out of range."), "latitude")


def save_activity(activity: Activity | None, data: ActivityData, actor: User) -> Activity:
    """Create (activity None: a draft) or update an activity of an organization the actor runs."""
    if not permissions.can_organize(actor, data.organization):
        raise PermissionDenied(_l("You do not organize this organization."), "organization_id")
    _validate(data)
    created = activity is None
    if created:
        activity = Activity(checkin_secret=secrets.token_hex(16), created_by_id=actor.id)
        db.session.add(activity)
    elif activity.status == ActivityStatus.CANCELLED:
        raise ServiceError(_l("A cancelled activity cannot be edited."), "title")
    if not created and activity.capacity != data.capacity and data.capacity is not None:
        _refuse_capacity_below_signups(activity, data.capacity)
    _apply(activity, data)
    db.session.flush()
    record_audit(actor, "activity.create" if created else "activity.update", activity)
    return activity


def _refuse_capacity_below_signups(activity: Activity, capacity: int) -> None:
    taken = signup_count(activity)
    if capacity < taken:
        message = _l(
            "%(count)s volunteers have already signed up; capacity cannot be lower.", count=taken
        )
        raise ServiceError(message, "capacity")


def _apply(activity: Activity, data: ActivityData) -> None:
    """Copy the form's data onto the activity."""
    activity.organization = data.organization
    activity.title = data.title.strip()
    activity.description = data.description
    activity.category = data.category
    activity.place = data.place.strip()
    activity.starts_at = data.starts_at
    activity.ends_at = data.ends_at
    activity.capacity = data.capacity
    activity.signup_required = data.signup_required
    if activity.static_qr_allowed and not data.static_qr_allowed:
        activity.checkin_secret = secrets.token_hex(16)  # void printed static codes
    activity.static_qr_allowed = data.static_qr_allowed
    activity.latitude = data.latitude
    activity.longitude = data.longitude
    activity.geofence_radius_m = data.geofence_radius_m


def publish(activity: Activity, actor: User) -> None:
    """Make a draft visible to volunteers."""
    if activity.status != ActivityStatus.DRAFT:
        raise ServiceError(_l("Only a draft can be published."))
    activity.status = ActivityStatus.PUBLISHED
    db.session.flush()
    record_audit(actor, "activity.publish", activity)


def cancel(activity: Activity, reason: str, actor: User, now: datetime) -> None:
    """Cancel an activity; sign-ups and records stay as they are (nothing is deleted)."""
    reason = required_text(reason, _l("Give a reason for cancelling."), "reason")
    if activity.status == ActivityStatus.CANCELLED:
        raise ServiceError(_l("This activity is already cancelled."), "reason")
    activity.status = ActivityStatus.CANCELLED
    activity.cancelled_at = now
    activity.cancel_reason = reason
    db.session.flush()
    record_audit(actor, "activity.cancel", activity, reason=reason)


def signup_count(activity: Activity) -> int:
    """How many stand signed up for the activity."""
    query = select(func.count(Signup.id)).where(
        Signup.activity_id == activity.id, Signup.status == SignupStatus.SIGNED_UP
    )
    return int(db.session.scalar(query) or 0)


def signed_up_page(activity: Activity, asked: int | None) -> paging.Page:
    """Page `asked` of who stands signed up, for the organizer's list, in order of sign-up
    (names loaded with them; an activity without a capacity takes any number)."""
    query = (
        select(Volunteer)
        .join(Signup, Signup.volunteer_id == Volunteer.id)
        .where(Signup.activity_id == activity.id, Signup.status == SignupStatus.SIGNED_UP)
        .options(joinedload(Volunteer.user))
        .order_by(Signup.created_at, Signup.id)
    )
    return paging.page_of_query(query, asked)


def signup_of(volunteer: Volunteer, activity: Activity) -> Signup | None:
    return db.session.scalar(
        select(Signup).where(Signup.activity_id == activity.id, Signup.volunteer_id == volunteer.id)
    )


def sign_up(volunteer: Volunteer, activity: Activity, now: datetime) -> Signup:
    """Sign up: published, not yet ended, room left, no overlapping sign-up."""
    if activity.status != ActivityStatus.PUBLISHED:
        raise ServiceError(_l("This activity is not open for sign-up."), code="not_open_for_signup")
    if activity.ends_at <= now:
        raise ServiceError(_l("This activity has already ended."), code="activity_ended")
    # Lock the activity row so two last-seat sign-ups cannot both pass the capacity check.
    db.session.execute(select(Activity.id).where(Activity.id == activity.id).with_for_update())
    existing = signup_of(volunteer, activity)
    if existing is not None and existing.status == SignupStatus.SIGNED_UP:
        raise ServiceError(
            _l("You have already signed up for this activity."), code="already_signed_up"
        )
    if activity.capacity is not None and signup_count(activity) >= activity.capacity:
        raise ServiceError(_l("This activity is full."), code="activity_full")
    clash = _overlapping_signup(volunteer, activity)
    if clash is not None:
        raise ServiceError(
            _l("You have signed up for “%(title)s” at the same time.", title=clash.title),
            code="signup_clash",
        )
    if existing is None:
        existing = Signup(activity_id=activity.id, volunteer_id=volunteer.id, created_at=now)
        db.session.add(existing)
    existing.status = SignupStatus.SIGNED_UP
    existing.created_at = now
    existing.cancelled_at = None
    db.session.flush()
    return existing


def _overlapping_signup(volunteer: Volunteer, activity: Activity) -> Activity | None:
    """Another live activity the volunteer stands signed up for at the same time, if any."""
    return db.session.scalar(
        select(Activity)
        .join(Signup, Signup.activity_id == Activity.id)
        .where(
            Signup.volunteer_id == volunteer.id,
            Signup.status == SignupStatus.SIGNED_UP,
            Activity.status != ActivityStatus.CANCELLED,
            Activity.id != activity.id,
            Activity.starts_at < activity.ends_at,
            Activity.ends_at > activity.starts_at,
        )
        .limit(1)
    )


def cancel_signup(volunteer: Volunteer, activity: Activity, now: datetime) -> Signup:
    """Withdraw a sign-up before the activity starts; the row is kept."""
    signup = signup_of(volunteer, activity)
    if signup is None or signup.status != SignupStatus.SIGNED_UP:
        raise ServiceError(_l("You have not signed up for this activity."), code="not_signed_up")
    if activity.starts_at <= now:
        raise ServiceError(
            _l("The activity has started; sign-up can no longer be cancelled."),
            code="activity_started",
        )
    signup.status = SignupStatus.CANCELLED
    signup.cancelled_at = now
    db.session.flush()
    return signup


@dataclass
class Filters:
    """What a volunteer filters the activity list by."""

    date_from: datetime | None = None
    date_to: datetime | None = None
    category: ServiceCategory | None = None
    organization_id: int | None = None
    organization_name: str = ""  # part of the organization's name


def browse_organizations(now: datetime, limit: int) -> list[Organization] | None:
    """The organizations with a published activity not yet ended, by name: what the activity
    list can be filtered by. None when there are more than `limit` (too many for a select)."""
    running = select(Activity.organization_id).where(
        Activity.status == ActivityStatus.PUBLISHED, Activity.ends_at > now
    )
    found = db.session.scalars(
        select(Organization)
        .where(Organization.id.in_(running))
        .order_by(Organization.name, Organization.id)
        .limit(limit + 1)
    ).all()
    return None if len(found) > limit else list(found)


def browse(filters: Filters, now: datetime, limit: int = 100) -> list[tuple[Activity, int]]:
    """Published activities not yet ended, soonest first, with their sign-up counts."""
    counts = (
        select(Signup.activity_id, func.count(Signup.id).label("n"))
        .where(Signup.status == SignupStatus.SIGNED_UP)
        .group_by(Signup.activity_id)
        .subquery()
    )
    query = (
        select(Activity, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.activity_id == Activity.id)
        .where(Activity.status == ActivityStatus.PUBLISHED, Activity.ends_at > now)
        .order_by(Activity.starts_at)
        .limit(limit)
    )
    if filters.date_from is not None:
        query = query.where(Activity.ends_at > filters.date_from)
    if filters.date_to is not None:
        query = query.where(Activity.starts_at < filters.date_to)
    if filters.category is not None:
        query = query.where(Activity.category == filters.category)
    if filters.organization_id is not None:
        query = query.where(Activity.organization_id == filters.organization_id)
    if filters.organization_name:
        named = Organization.name.contains(filters.organization_name, autoescape=True)
        query = query.where(Activity.organization_id.in_(select(Organization.id).where(named)))
    return [(a, int(n)) for a, n in db.session.execute(query).all()]


def my_signup_page(volunteer: Volunteer, asked: int | None) -> paging.Page:
    """Page `asked` of the volunteer's sign-ups (standing and withdrawn), newest activity
    first, each with its activity."""
    query = (
        select(Signup)
        .join(Activity, Activity.id == Signup.activity_id)
        .where(Signup.volunteer_id == volunteer.id)
        .options(contains_eager(Signup.activity))
        .order_by(Activity.starts_at.desc(), Signup.id.desc())
    )
    return paging.page_of_query(query, asked)


@dataclass(frozen=True)
class ManagedFilters:
    """The organizer's activity list narrowed to one status, a title and a local day range."""

    status: ActivityStatus | None = None
    title: str = ""
    since: date | None = None
    until: date | None = None


def managed_page(actor: User, filters: ManagedFilters, asked: int | None) -> paging.Page:
    """Page `asked` of the activities of the organizations the actor organizes (admins: all),
    latest start first, narrowed by `filters`."""
    query = (
        select(Activity)
        .where(permissions.organized_clause(actor, Activity.organization_id))
        .options(joinedload(Activity.organization))
        .order_by(Activity.starts_at.desc(), Activity.id.desc())
    )
    if filters.status is not None:
        query = query.where(Activity.status == filters.status)
    if filters.title:
        query = query.where(Activity.title.contains(filters.title, autoescape=True))
    days = paging.within_days(Activity.starts_at, filters.since, filters.until)
    return paging.page_of_query(query.where(*days), asked)
