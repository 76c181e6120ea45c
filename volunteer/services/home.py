"""What the home page shows a volunteer and an admin, gathered in a few queries."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from volunteer.extensions import db
from volunteer.models import (
    Activity,
    ActivityStatus,
    ServiceRecord,
    Signup,
    SignupStatus,
    Volunteer,
)
from volunteer.services import checkin, records
from volunteer.services.certificates import require_issuer, star_level
from volunteer.services.errors import ServiceError


@dataclass(frozen=True)
class StarProgress:
    """The star level by all approved hours, and the minutes still needed for the next."""

    stars: int
    next_stars: int | None
    minutes_to_next: int


@dataclass(frozen=True)
class VolunteerHome:
    """The volunteer's own figures for the home page."""

    open_record: ServiceRecord | None
    year_minutes: int
    all_minutes: int
    progress: StarProgress
    next_signup: Activity | None


def volunteer_home(volunteer: Volunteer, now: datetime) -> VolunteerHome:
    """The open record, approved totals, star progress and next activity signed up for."""
    totals = records.totals_for(volunteer, now)
    return VolunteerHome(
        open_record=checkin.open_record_of(volunteer),
        year_minutes=totals.year_minutes,
        all_minutes=totals.all_minutes,
        progress=star_progress(totals.all_minutes),
        next_signup=next_signup_of(volunteer, now),
    )


def star_progress(all_minutes: int) -> StarProgress:
    """The star level and what is left to the next threshold (none past the last)."""
    thresholds = current_app.config["STAR_LEVEL_THRESHOLD_HOURS"]
    stars = star_level(all_minutes, thresholds)
    if stars >= len(thresholds):
        return StarProgress(stars, None, 0)
    return StarProgress(stars, stars + 1, int(thresholds[stars] * 60) - all_minutes)


def next_signup_of(volunteer: Volunteer, now: datetime) -> Activity | None:
    """The soonest published activity the volunteer stands signed up for that has not ended."""
    return db.session.scalar(
        select(Activity)
        .join(Signup, Signup.activity_id == Activity.id)
        .where(
            Signup.volunteer_id == volunteer.id,
            Signup.status == SignupStatus.SIGNED_UP,
            Activity.status == ActivityStatus.PUBLISHED,
            Activity.ends_at > now,
        )
        .order_by(Activity.starts_at)
        .limit(1)
    )


def certificates_available() -> bool:
    """Whether the issuer details certificates need are complete (the service's own check)."""
    try:
        require_issuer()
    except ServiceError:
        return False
    return True
