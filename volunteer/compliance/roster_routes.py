"""Roster pages on the compliance blueprint: templates, upload with preview, confirm.

An upload is checked whole by a `roster_check` job and shown as a preview; its rows wait on
the server under a random token whose hash is kept in the session, so confirming (a
`roster_import` job) imports exactly what was previewed, by the person who previewed it.
Small files run the same jobs inside their request; large ones go to the job's progress
page, which lands back here when the job is done (tasks/roster_jobs.py).
"""

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from volunteer.access import ANY_COORDINATOR, Rule, access, acting_user, coordinator_of
from volunteer.actions import service_action
from volunteer.compliance import freshness
from volunteer.compliance.forms import FullNumbersForm, RosterConfirmForm, RosterUploadForm
from volunteer.compliance.routes import XLSX, _download, bp
from volunteer.documents.rosters import roster_template_xlsx
from volunteer.i18n import gettext as _
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import BackgroundJob, JobStatus, RosterUpload, Unit
from volunteer.services import compliance, identity, rosters
from volunteer.tasks import (
    ROSTER_CHECK,
    ROSTER_IMPORT,
    active_job,
    create_job,
    roster_jobs,
    run_job,
    start_job,
)

PENDING_KEY = "roster_pending"
# Only the latest few previews stay confirmable; the cookie stays small.
PENDING_KEPT = 5
CHANGED_FIELD_LABELS = {
    "name": _l("Full name"),
    "id_type": _l("Document type"),
    "phone": _l("Mobile"),
    "political_status": _l("Political status"),
    "position": _l("Position"),
}
# The pages a roster job lands on: its creator's only (they carry the session's preview).
ROSTER_JOB = Rule(
    "creator of a roster job",
    model=BackgroundJob,
    id_arg="job_id",
    as_arg="job",
    scope_check=lambda user, job: job.created_by_id == user.id,
)


@bp.route("/units/<int:unit_id>/roster/template.xlsx")
@access(coordinator_of(Unit, "unit_id", "unit"))
def roster_template(unit: Unit):
    """The empty roster template for this unit."""
    return _download(roster_template_xlsx(), f"名册模板-{unit.name}.xlsx", XLSX)


@bp.route("/units/<int:unit_id>/roster/current.xlsx", methods=["POST"])
@access(coordinator_of(Unit, "unit_id", "unit"))
def current_roster(unit: Unit):
    """The current roster with full numbers as the template, to extend and upload back (audited)."""
    if not FullNumbersForm().validate_on_submit():
        abort(400)
    with service_action():
        data = rosters.current_roster_xlsx(unit, acting_user())
    return _download(data, f"名册-{unit.name}.xlsx", XLSX)


@bp.route("/rosters/template.xlsx")
@access(ANY_COORDINATOR)
def batch_template():
    """The template with a unit-code column, for many units in one workbook."""
    return _download(roster_template_xlsx(multi_unit=True), "名册模板-多单位.xlsx", XLSX)


@bp.route("/units/<int:unit_id>/roster", methods=["GET", "POST"])
@access(coordinator_of(Unit, "unit_id", "unit"))
def roster(unit: Unit):
    """The unit's roster (masked) and the upload form; a valid upload shows the preview."""
    return _upload_page(unit)


@bp.route("/rosters/batch", methods=["GET", "POST"])
@access(ANY_COORDINATOR)
def batch():
    """Upload one workbook with a 单位代码 column for many units at once."""
    return _upload_page(None)


def _upload_page(unit: Unit | None):
    """The upload form; a submitted file is checked (by a job), then shown as errors or as a
    preview: at once for a small file, from the job's progress page for a large one."""
    form, submitted = _submitted_upload_form()
    if not submitted:
        return _render_upload(unit, form)
    data, filename = _read_upload(form.file.data)
    with service_action(form, default_field="file") as outcome:
        kept, filename = rosters.keep_upload(data, filename, acting_user())
        params = roster_jobs.check_params(unit, kept, filename, form.mode.data)
        job = create_job(ROSTER_CHECK, params, acting_user())
    if not outcome.ok:
        return _render_upload(unit, form)
    if not roster_jobs.inline_upload(len(data), unit):
        start_job(job.id)
        return redirect(url_for("jobs.show", job_id=job.id))
    run_job(job.id)
    return _checked_page(job)


@bp.route("/rosters/checked/<int:job_id>")
@access(ROSTER_JOB)
def roster_checked(job: BackgroundJob):
    """Where a finished check job lands: its errors, or its preview with the confirm button."""
    if job.kind != ROSTER_CHECK or job.status != JobStatus.DONE:
        return redirect(url_for("jobs.show", job_id=job.id))
    return _checked_page(job)


def _checked_page(job: BackgroundJob):
    """The upload page again, with what the check job found (or why it failed)."""
    unit = rosters.unit_of(job.params["unit_id"])
    form = RosterUploadForm(formdata=None, mode=job.params["mode"])
    if job.status == JobStatus.FAILED:
        form.file.errors = [job.error]
        return _render_upload(unit, form)
    with service_action(form, default_field="file") as outcome:
        checked, preview, digest = rosters.load_checked(job.outcome["token"], acting_user())
    if not outcome.ok:
        return _render_upload(unit, form)
    if not checked.ok:
        return _render_upload(unit, form, checked=checked), 422
    _remember(job.outcome["token"], digest, job.outcome["inline_import"])
    # What importing would change (the job planned it), with the confirm button.
    confirm = RosterConfirmForm(token=job.outcome["token"], mode=form.mode.data)
    return _render_upload(unit, form, checked=checked, plans=preview, confirm=confirm)


def _submitted_upload_form() -> tuple[RosterUploadForm, bool]:
    """The upload form and whether it was validly submitted; a too-large body gets a message."""
    try:
        form = RosterUploadForm()
        return form, form.validate_on_submit()
    except RequestEntityTooLarge:
        form = RosterUploadForm(formdata=None)
        form.file.errors = [_too_large()]
        return form, False


def _read_upload(upload) -> tuple[bytes, str]:
    """The file's bytes (one more than the limit, so the service can refuse it) and name."""
    try:
        return upload.read(int(_limit()) + 1), upload.filename or ""
    finally:
        upload.close()


def _remember(token: str, digest: str, inline: bool) -> None:
    """Remember the previewed file's hash in the session (only this session may import it),
    and whether it is small enough to import in the confirm request."""
    pending = dict(list(session.get(PENDING_KEY, {}).items())[-(PENDING_KEPT - 1) :])
    pending[token] = {"digest": digest, "inline": inline}
    session[PENDING_KEY] = pending


def _remembered(token: str) -> tuple[str | None, bool]:
    """The previewed file's hash (None: not previewed in this session) and whether it imports
    in the request; a bare hash is a preview kept before imports could be jobs."""
    kept = session.get(PENDING_KEY, {}).get(token)
    if isinstance(kept, dict):
        return kept.get("digest"), bool(kept.get("inline"))
    return kept, False


def _limit() -> int:
    return current_app.config["ROSTER_MAX_UPLOAD_BYTES"]


def _too_large() -> str:
    return _(
        "The file is larger than %(limit)s MB. Split the roster or remove other sheets.",
        limit=f"{_limit() / (1024 * 1024):g}",
    )


def _roster_page(unit: Unit) -> rosters.RosterPage:
    """The page of the roster asked for (?page=, ?name=): a roster of any size is one page."""
    name = request.args.get("name", "").strip()[:50]
    return rosters.roster_page(unit, request.args.get("page", type=int), name)


def _render_upload(unit, form, checked=None, plans=None, confirm=None):
    # The current roster is listed on the plain page only: under a check's outcome it would
    # make the page as long as the roster (50,000 rows took seconds to render).
    listed = unit is not None and checked is None
    entries = _roster_page(unit) if listed else None
    uploads = rosters.recent_uploads([unit.id]) if unit is not None else []
    return render_template(
        "compliance/roster.html",
        unit=unit,
        form=form,
        checked=checked,
        plans=plans,
        confirm=confirm,
        entries=entries,
        uploads=uploads,
        full_numbers_form=FullNumbersForm(formdata=None),
        political_labels=identity.POLITICAL_STATUS_LABELS,
        field_labels=CHANGED_FIELD_LABELS,
        # The preview may be shown on a check job's page: the form posts to the upload page.
        upload_url=url_for("compliance.roster", unit_id=unit.id)
        if unit is not None
        else url_for("compliance.batch"),
    )


@bp.route("/rosters/confirm", methods=["POST"])
@access(ANY_COORDINATOR)
def confirm():
    """Import the previewed rows (by a job): at once for a small file, else from its page."""
    form = RosterConfirmForm()
    token = form.token.data if form.validate_on_submit() else ""
    digest, inline = _remembered(token)
    with service_action() as outcome:
        rosters.pending_file(token, digest, acting_user())  # at once: expired, or not theirs
        job = _import_job(roster_jobs.import_params(token, digest, form.replaces()))
    if not outcome.ok:
        return redirect(url_for("compliance.index"))
    if not inline:
        start_job(job.id)
        return redirect(url_for("jobs.show", job_id=job.id))
    run_job(job.id)
    return _imported_page(job)


def _import_job(params: dict) -> BackgroundJob:
    """The import of this preview already queued (a second click), or a new one."""
    queued = active_job(acting_user(), ROSTER_IMPORT, params)
    return queued or create_job(ROSTER_IMPORT, params, acting_user())


@bp.route("/rosters/imported/<int:job_id>")
@access(ROSTER_JOB)
def roster_imported(job: BackgroundJob):
    """Where a finished import job lands: the unit's compliance page with the counts."""
    if job.kind != ROSTER_IMPORT:
        abort(404)
    return _imported_page(job)


def _imported_page(job: BackgroundJob):
    """The compliance page of the imported units, or why the import failed."""
    if job.status == JobStatus.FAILED:
        flash(job.error, "danger")
        return redirect(url_for("compliance.index"))
    if job.status != JobStatus.DONE:
        return redirect(url_for("jobs.show", job_id=job.id))
    _forget_pending(job.params["token"])
    upload, units = rosters.imported(job.outcome["upload_id"], job.outcome["unit_ids"])
    freshness.refresh_own(units)  # the coordinator's own figures are new at once
    flash(_imported_message(upload), "success")
    target = units[0] if len(units) == 1 else compliance.visible_roots(units)[0]
    return redirect(url_for("compliance.report", unit_id=target.id))


def _forget_pending(token: str) -> None:
    pending = session.get(PENDING_KEY, {})
    pending.pop(token, None)
    session[PENDING_KEY] = pending


def _imported_message(upload: RosterUpload) -> str:
    return _(
        "Roster imported: %(added)s added, %(changed)s changed, %(unchanged)s unchanged,"
        " %(left)s marked as left.",
        added=upload.added,
        changed=upload.changed,
        unchanged=upload.unchanged,
        left=upload.deactivated,
    )
