"""Activities: the list (filters, paging), one activity, signing up and cancelling."""

from collections.abc import Callable
from datetime import timedelta

from flask_smorest import abort
from marshmallow import Schema, fields, validate

from volunteer.access import LARGEST_ID, PUBLIC, Rule, acting_user, signed_in_user
from volunteer.api.base import PageArgs, api_access, bp, committed, page_of, paged
from volunteer.api.errors import ErrorSchema
from volunteer.extensions import db
from volunteer.models import (
    Activity,
    ActivityStatus,
    ServiceCategory,
    Signup,
    SignupStatus,
    utcnow,
)
from volunteer.services import activities, periods, permissions

VOLUNTEER_ON_ACTIVITY = Rule(
    "volunteer, on an activity",
    allowed=lambda user: user.volunteer is not None,
    model=Activity,
    id_arg="activity_id",
    as_arg="activity",
    scope_check=lambda user, activity: True,
)
BROWSE_LIMIT = 1000  # the list pages over at most this many upcoming activities


class ActivityFilterArgs(PageArgs):
    date_from = fields.Date(metadata={"description": "Beijing date; activities ending after."})
    date_to = fields.Date(metadata={"description": "Beijing date; activities starting before."})
    category = fields.Enum(ServiceCategory, by_value=True)
    organization_id = fields.Integer(validate=validate.Range(min=1, max=LARGEST_ID))


class ActivitySchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(allow_none=True, required=True)
    category = fields.Enum(ServiceCategory, by_value=True, required=True)
    place = fields.String(required=True)
    organization_id = fields.Integer(required=True)
    organization_name = fields.String(required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    capacity = fields.Integer(allow_none=True, required=True)
    signed_up = fields.Integer(required=True)
    signup_required = fields.Boolean(required=True)
    status = fields.Enum(ActivityStatus, by_value=True, required=True)


class SignupSchema(Schema):
    activity_id = fields.Integer(required=True)
    status = fields.Enum(SignupStatus, by_value=True, required=True)
    created_at = fields.DateTime(required=True)
    cancelled_at = fields.DateTime(allow_none=True, required=True)


ActivityPageSchema = paged(ActivitySchema, "ActivityPageSchema")


def _activity_dict(activity: Activity, signed_up: int) -> dict:
    return {
        "id": activity.id,
        "title": activity.title,
        "description": activity.description,
        "category": activity.category,
        "place": activity.place,
        "organization_id": activity.organization_id,
        "organization_name": activity.organization.name,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "capacity": activity.capacity,
        "signed_up": signed_up,
        "signup_required": activity.signup_required,
        "status": activity.status,
    }


def _signup_dict(signup: Signup) -> dict:
    return {
        "activity_id": signup.activity_id,
        "status": signup.status,
        "created_at": signup.created_at,
        "cancelled_at": signup.cancelled_at,
    }


@bp.route("/activities", methods=["GET"])
@api_access(PUBLIC)
@bp.arguments(ActivityFilterArgs, location="query")
@bp.response(200, ActivityPageSchema)
def list_activities(args: dict):
    """Published activities not yet ended, soonest first, with their sign-up counts."""
    filters = activities.Filters(
        date_from=periods.local_midnight(args["date_from"]) if "date_from" in args else None,
        # Inclusive, as on the page: up to the end of that Beijing day.
        date_to=(
            periods.local_midnight(args["date_to"] + timedelta(days=1))
            if "date_to" in args
            else None
        ),
        category=args.get("category"),
        organization_id=args.get("organization_id"),
    )
    page = page_of(activities.browse(filters, utcnow(), limit=BROWSE_LIMIT), args)
    page["items"] = [_activity_dict(activity, count) for activity, count in page["items"]]
    return page


@bp.route("/activities/<int:activity_id>", methods=["GET"])
@api_access(PUBLIC)
@bp.response(200, ActivitySchema)
def get_activity(activity_id: int):
    """One activity (drafts only for its organizers), as the activity page shows it."""
    activity = db.session.get(Activity, activity_id) if activity_id <= LARGEST_ID else None
    can_manage = bool(
        activity and permissions.can_organize(signed_in_user(), activity.organization_id)
    )
    if activity is None or (activity.status == ActivityStatus.DRAFT and not can_manage):
        abort(404)
    return _activity_dict(activity, activities.signup_count(activity))


@bp.route("/activities/<int:activity_id>/signup", methods=["POST"])
@api_access(VOLUNTEER_ON_ACTIVITY)
@bp.response(201, SignupSchema)
@bp.alt_response(
    409,
    schema=ErrorSchema,
    description="`code`: not_open_for_signup, activity_ended, already_signed_up, "
    "activity_full, signup_clash.",
)
def sign_up(activity: Activity):
    """Sign me up for the activity (same rules as the page: open, not full, no clash)."""
    return _changed_signup(activities.sign_up, activity)


@bp.route("/activities/<int:activity_id>/signup", methods=["DELETE"])
@api_access(VOLUNTEER_ON_ACTIVITY)
@bp.response(200, SignupSchema)
@bp.alt_response(409, schema=ErrorSchema, description="`code`: not_signed_up, activity_started.")
def cancel_signup(activity: Activity):
    """Withdraw my sign-up before the activity starts."""
    return _changed_signup(activities.cancel_signup, activity)


def _changed_signup(change: Callable, activity: Activity) -> dict:
    """Sign the signed-in volunteer up or off (`change`); the sign-up as the API shows it."""
    with committed():
        result = _signup_dict(change(acting_user().volunteer, activity, utcnow()))
    return result
