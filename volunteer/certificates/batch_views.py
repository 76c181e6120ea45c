"""Batch printing pages: coordinators print a unit's certificates, organizers an activity's.

A batch runs as a background job on the queue (printing/batches.py, volunteer/tasks); these
pages start it, and the job's pages (volunteer/jobs) show its progress and hand out the PDF.
"""

from flask import abort, redirect, render_template, url_for
from wtforms import SelectChoice

from volunteer import tasks
from volunteer.access import ANY_COORDINATOR, ANY_ORGANIZER, access, acting_user
from volunteer.actions import service_action
from volunteer.certificates.blueprint import ISSUES_FOR_OTHERS, bp
from volunteer.certificates.forms import ActivityBatchForm, UnitBatchForm
from volunteer.forms import chosen_row
from volunteer.models import Activity
from volunteer.printing import batches
from volunteer.printing.output import public_base_url
from volunteer.services import certificates, permissions
from volunteer.services.periods import local_date


def _activity_choices() -> list[SelectChoice]:
    choices = [SelectChoice("", "—")]
    for activity in batches.activities_for_batches(acting_user()):
        label = f"{local_date(activity.starts_at):%Y-%m-%d} {activity.title}"
        choices.append(SelectChoice(str(activity.id), label))
    return choices


def _batch_page(unit_form: UnitBatchForm | None = None, activity_form=None):
    """The batch page with both forms (whichever the user may use)."""
    user = acting_user()
    own = permissions.coordinated_units(user)
    unit_form = unit_form or UnitBatchForm(
        prefix="unit", formdata=None, unit_code=own[0].code if own else ""
    )
    activity_form = activity_form or ActivityBatchForm(prefix="activity", formdata=None)
    activity_form.activity_id.choices = (
        _activity_choices() if permissions.is_organizer(user) else []
    )
    return render_template(
        "certificates/batch.html",
        unit_form=unit_form if permissions.is_coordinator(user) else None,
        activity_form=activity_form if permissions.is_organizer(user) else None,
        jobs=tasks.recent_jobs(user, tasks.CERTIFICATE_BATCH),
        batch_title=batches.batch_title,
    )


def _start_batch(params: dict):
    """Queue the batch as a background job and show its progress page."""
    with service_action() as outcome:
        certificates.require_issuer()
        params = {**params, "base_url": public_base_url()}
        job = tasks.create_job(tasks.CERTIFICATE_BATCH, params, acting_user())
    if not outcome.ok:
        return redirect(url_for("certificates.batch"))
    tasks.start_job(job.id)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.route("/batch")
@access(ISSUES_FOR_OTHERS)
def batch():
    """Coordinators print a unit's certificates, organizers an activity's."""
    return _batch_page()


@bp.route("/batch/unit", methods=["POST"])
@access(ANY_COORDINATOR)
def batch_unit():
    """Start a batch for everyone on a unit's roster (optionally with its sub-units)."""
    form = UnitBatchForm(prefix="unit")
    if form.validate_on_submit():
        unit = form.unit_code.unit
        if not permissions.can_coordinate(acting_user(), unit):
            abort(403)
        with service_action(form, default_field="period") as outcome:
            period = form.to_period()
        if outcome.ok:
            return _start_batch(batches.unit_batch_params(unit, form.include_subunits.data, period))
    return _batch_page(unit_form=form)


@bp.route("/batch/activity", methods=["POST"])
@access(ANY_ORGANIZER)
def batch_activity():
    """Start a batch for everyone with approved service at one of the user's activities."""
    form = ActivityBatchForm(prefix="activity")
    if form.validate_on_submit():
        activity = chosen_row(Activity, form.activity_id.data)
        if activity is None or not permissions.can_organize(
            acting_user(), activity.organization_id
        ):
            abort(403)
        return _start_batch(batches.activity_batch_params(activity))
    return _batch_page(activity_form=form)
