"""Activities: organizers create and publish; volunteers browse, sign up and cancel."""

from datetime import timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from wtforms import SelectChoice

from volunteer.access import (
    ANY_ORGANIZER,
    PUBLIC,
    VOLUNTEER,
    Rule,
    access,
    acting_user,
    organizer_of,
    signed_in_user,
)
from volunteer.actions import service_action
from volunteer.activities.forms import (
    CATEGORY_LABELS,
    ActivityForm,
    CancelActivityForm,
    FilterForm,
)
from volunteer.extensions import db
from volunteer.forms import day_arg, safe_next
from volunteer.i18n import gettext as _
from volunteer.models import (
    Activity,
    ActivityStatus,
    ServiceCategory,
    SignupStatus,
    utcnow,
)
from volunteer.pickers import search_answer, searched_text
from volunteer.services import activities, organizations, permissions
from volunteer.services.periods import aware_to_beijing_naive, beijing_to_aware, local_midnight

bp = Blueprint("activities", __name__, url_prefix="/activities")

VOLUNTEER_ON_ACTIVITY = Rule(
    "volunteer, on an activity",
    allowed=lambda user: user.volunteer is not None,
    model=Activity,
    id_arg="activity_id",
    as_arg="activity",
    scope_check=lambda user, activity: True,
)
ORGANIZER_OF_ACTIVITY = organizer_of(Activity, "activity_id", "activity")


def _organization_choices(organizations) -> list[SelectChoice]:
    return [SelectChoice(str(o.id), o.name) for o in organizations]


@bp.route("/")
@access(PUBLIC)
def browse():
    """Upcoming activities, filtered by date, category and organization."""
    form = FilterForm(request.args)
    limit = current_app.config["ORGANIZATION_SELECT_LIMIT"]
    if (running := activities.browse_organizations(utcnow(), limit)) is None:
        del form.organization_id
    else:
        del form.organization_name
        choices = _organization_choices(running)
        form.organization_id.choices = [SelectChoice("", _("All organizations")), *choices]
    filters = _filters(form) if form.validate() else activities.Filters()
    rows = activities.browse(filters, utcnow())
    return render_template(
        "activities/browse.html", form=form, rows=rows, category_labels=CATEGORY_LABELS
    )


def _filters(form: FilterForm) -> activities.Filters:
    """The browse filters the (valid) form asks for; dates are Beijing calendar days."""
    filters = activities.Filters()
    if form.date_from.data:
        filters.date_from = local_midnight(form.date_from.data)
    if form.date_to.data:  # inclusive: up to the end of that day
        filters.date_to = local_midnight(form.date_to.data + timedelta(days=1))
    if form.category.data:
        filters.category = ServiceCategory(form.category.data)
    if "organization_id" in form and form.organization_id.data:
        filters.organization_id = int(form.organization_id.data)
    if "organization_name" in form and (name := (form.organization_name.data or "").strip()):
        filters.organization_name = name
    return filters


@bp.route("/<int:activity_id>")
@access(PUBLIC)
def show(activity_id: int):
    """An activity's details, with sign-up for volunteers."""
    activity = db.session.get(Activity, activity_id)
    can_manage = activity is not None and _can_manage(activity)
    if activity is None or (activity.status == ActivityStatus.DRAFT and not can_manage):
        abort(404)
    signup = _own_signup(activity)
    return render_template(
        "activities/show.html",
        activity=activity,
        signup=signup,
        signed_up=signup is not None and signup.status == SignupStatus.SIGNED_UP,
        taken=activities.signup_count(activity),
        can_manage=can_manage,
        signups=_signups(activity) if can_manage else None,
        category_labels=CATEGORY_LABELS,
        cancel_form=CancelActivityForm(),
        now=utcnow(),
    )


def _signups(activity: Activity):
    return activities.signed_up_page(activity, request.args.get("spage", type=int))


def _can_manage(activity: Activity) -> bool:
    return permissions.can_organize(signed_in_user(), activity.organization_id)


def _own_signup(activity: Activity):
    """The signed-in volunteer's sign-up for the activity, if any."""
    user = signed_in_user()
    return activities.signup_of(user.volunteer, activity) if user and user.volunteer else None


def _act(activity: Activity, action, success: str):
    with service_action(success=success):
        action()
    here = url_for("activities.show", activity_id=activity.id)
    return redirect(safe_next(request.form.get("next"), here))


@bp.route("/<int:activity_id>/signup", methods=["POST"])
@access(VOLUNTEER_ON_ACTIVITY)
def sign_up(activity: Activity):
    """Sign up (capacity and no overlapping sign-ups are checked by the service)."""
    return _as_volunteer(activity, activities.sign_up, _("You have signed up."))


@bp.route("/<int:activity_id>/signup/cancel", methods=["POST"])
@access(VOLUNTEER_ON_ACTIVITY)
def cancel_signup(activity: Activity):
    """Withdraw a sign-up before the start."""
    return _as_volunteer(activity, activities.cancel_signup, _("Your sign-up has been cancelled."))


def _as_volunteer(activity: Activity, action, success: str):
    return _act(activity, lambda: action(acting_user().volunteer, activity, utcnow()), success)


@bp.route("/mine")
@access(VOLUNTEER)
def mine():
    """The volunteer's sign-ups, a page at a time."""
    volunteer, asked = acting_user().volunteer, request.args.get("page", type=int)
    signups = activities.my_signup_page(volunteer, asked)
    return render_template("activities/mine.html", signups=signups, now=utcnow())


@bp.route("/manage")
@access(ANY_ORGANIZER)
def manage():
    """Activities of the organizations the organizer runs."""
    filters = _managed_filters()
    managed = activities.managed_page(acting_user(), filters, request.args.get("page", type=int))
    return render_template(
        "activities/manage.html",
        activities=managed,
        filters=filters,
        statuses=list(ActivityStatus),
        now=utcnow(),
    )


def _managed_filters() -> activities.ManagedFilters:
    """?status=&q=&since=&until= (odd values: not filtered on)."""
    status = request.args.get("status", "")
    return activities.ManagedFilters(
        status=ActivityStatus(status) if status in set(ActivityStatus) else None,
        title=request.args.get("q", "").strip()[:100],
        since=day_arg(request.args.get("since")),
        until=day_arg(request.args.get("until")),
    )


def _form_data(form: ActivityForm) -> activities.ActivityData:
    return activities.ActivityData(
        organization=form.organization_id.chosen,
        title=form.title.data,
        description=form.description.data or None,
        category=ServiceCategory(form.category.data),
        place=form.place.data,
        starts_at=beijing_to_aware(form.starts_at.data),
        ends_at=beijing_to_aware(form.ends_at.data),
        capacity=form.capacity.data,
        signup_required=form.signup_required.data,
        static_qr_allowed=form.static_qr_allowed.data,
        latitude=float(form.latitude.data) if form.latitude.data is not None else None,
        longitude=float(form.longitude.data) if form.longitude.data is not None else None,
        geofence_radius_m=form.geofence_radius_m.data,
    )


def _edit(activity: Activity | None):
    form = ActivityForm(obj=activity)
    form.organization_id.actor = acting_user()
    if activity is not None and request.method == "GET":
        form.category.data = activity.category.value
        form.starts_at.data = aware_to_beijing_naive(activity.starts_at)
        form.ends_at.data = aware_to_beijing_naive(activity.ends_at)
    if form.validate_on_submit():
        with service_action(form, _("The activity has been saved."), "title") as outcome:
            saved = activities.save_activity(activity, _form_data(form), acting_user())
        if outcome.ok:
            return redirect(url_for("activities.show", activity_id=saved.id))
    return render_template("activities/edit.html", form=form, activity=activity)


@bp.route("/organizations.json")
@access(ANY_ORGANIZER)
def organization_search():
    """The organizations the user runs (admins: all) whose name contains `q`, as JSON for
    the organization picker; `closed=1` counts closed ones too (the national export)."""
    text = searched_text(request.args.get("q"))
    active_only = request.args.get("closed") != "1"
    found = organizations.search_organized(acting_user(), text, active_only) if text else []
    return jsonify(search_answer(found))


@bp.route("/new", methods=["GET", "POST"])
@access(ANY_ORGANIZER)
def create():
    """A new activity (saved as a draft)."""
    return _edit(None)


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@access(ORGANIZER_OF_ACTIVITY)
def edit(activity: Activity):
    """Edit an activity."""
    return _edit(activity)


@bp.route("/<int:activity_id>/publish", methods=["POST"])
@access(ORGANIZER_OF_ACTIVITY)
def publish(activity: Activity):
    """Publish a draft."""
    published = _("The activity is published.")
    return _act(activity, lambda: activities.publish(activity, acting_user()), published)


@bp.route("/<int:activity_id>/cancel", methods=["POST"])
@access(ORGANIZER_OF_ACTIVITY)
def cancel(activity: Activity):
    """Cancel an activity, with a reason."""
    form = CancelActivityForm()
    return _act(
        activity,
        lambda: activities.cancel(activity, form.reason.data or "", acting_user(), utcnow()),
        _("The activity has been cancelled."),
    )
