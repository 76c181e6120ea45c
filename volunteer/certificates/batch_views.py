"""Batch printing pages: coordinators print a unit's certificates, organizers an activity's.

A batch runs as a background job (see printing/batches.py); these pages start it,
show its progress and hand out the finished PDF.
"""

from pathlib import Path

from flask import abort, current_app, redirect, render_template, send_file, url_for
from wtforms import SelectChoice

from volunteer.access import ANY_COORDINATOR, ANY_ORGANIZER, access, acting_user
from volunteer.actions import service_action
from volunteer.certificates.blueprint import ISSUES_FOR_OTHERS, JOB_OWNER, bp
from volunteer.certificates.forms import ActivityBatchForm, UnitBatchForm
from volunteer.forms import chosen_row, unit_choices
from volunteer.models import Activity, BackgroundJob, JobStatus, Unit
from volunteer.printing import batches
from volunteer.printing.output import public_base_url
from volunteer.services import permissions
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
    unit_form = unit_form or UnitBatchForm(prefix="unit", formdata=None)
    activity_form = activity_form or ActivityBatchForm(prefix="activity", formdata=None)
    unit_form.unit_id.choices = unit_choices(
        include_blank=False, clause=permissions.visible_units_clause(user)
    )
    activity_form.activity_id.choices = (
        _activity_choices() if permissions.is_organizer(user) else []
    )
    return render_template(
        "certificates/batch.html",
        unit_form=unit_form if permissions.is_coordinator(user) else None,
        activity_form=activity_form if permissions.is_organizer(user) else None,
        jobs=batches.recent_jobs(user),
    )


def _start_batch(params: dict):
    """Queue the batch as a background job, start it, and show its progress page."""
    with service_action() as outcome:
        job = batches.queue_batch(params, acting_user(), public_base_url())
    if not outcome.ok:
        return redirect(url_for("certificates.batch"))
    batches.start_in_thread(current_app._get_current_object(), job.id)
    return redirect(url_for("certificates.job", job_id=job.id))


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
    form.unit_id.choices = []
    if form.validate_on_submit():
        unit = chosen_row(Unit, form.unit_id.data)
        if unit is None or not permissions.can_coordinate(acting_user(), unit):
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


@bp.route("/jobs/<int:job_id>")
@access(JOB_OWNER)
def job(job: BackgroundJob):
    """A batch's progress; the page refreshes itself until the PDF is ready."""
    return render_template("certificates/job.html", job=job, JobStatus=JobStatus)


@bp.route("/jobs/<int:job_id>/status")
@access(JOB_OWNER)
def job_status(job: BackgroundJob):
    """Progress as JSON for the page's poller."""
    return {
        "status": job.status.value,
        "done": job.done,
        "total": job.total,
        "error": job.error,
        "download": url_for("certificates.job_download", job_id=job.id)
        if job.status == JobStatus.DONE and job.result_path
        else None,
    }


@bp.route("/jobs/<int:job_id>/download")
@access(JOB_OWNER)
def job_download(job: BackgroundJob):
    """The finished batch PDF."""
    if job.status != JobStatus.DONE or not job.result_path or not Path(job.result_path).exists():
        abort(404)
    return send_file(
        job.result_path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"志愿服务记录证明-批量-{job.id}.pdf",
    )
