"""Certificate pages: one's own certificates, people in scope, batches, issuer settings,
revoking and re-issuing, and the public verification page."""

import io
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from sqlalchemy import or_, select
from wtforms import SelectChoice

from volunteer.access import (
    ADMIN,
    ANY_COORDINATOR,
    ANY_ORGANIZER,
    PUBLIC,
    VOLUNTEER,
    Rule,
    access,
    acting_user,
    admin_of,
)
from volunteer.certificates.forms import (
    ActivityBatchForm,
    IssueForm,
    IssuerSettingsForm,
    ReasonForm,
    SearchForm,
    UnitBatchForm,
    VerifyForm,
)
from volunteer.extensions import db, limiter
from volunteer.forms import unit_choices
from volunteer.i18n import gettext as _
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import (
    Activity,
    ActivityStatus,
    BackgroundJob,
    Certificate,
    JobStatus,
    Organization,
    StoredFile,
    Unit,
    User,
    Volunteer,
)
from volunteer.printing import batches
from volunteer.printing.output import certificate_pdf, download_name, public_base_url
from volunteer.services import certificates, permissions
from volunteer.services.errors import ServiceError
from volunteer.services.identity import ID_TYPE_LABELS

bp = Blueprint("certificates", __name__, url_prefix="/certificates")
verify_bp = Blueprint("verify", __name__, url_prefix="/verify")

ALL_RECORDS = "all"


def _issues_for_others(user) -> bool:
    return permissions.is_admin(user) or bool(
        permissions.coordinated_units(user) or permissions.organizer_organization_ids(user)
    )


CERTIFICATE_VIEWER = Rule(
    "owner, admin, roster coordinator or organizer of a certificate",
    model=Certificate,
    id_arg="certificate_id",
    as_arg="certificate",
    scope_check=certificates.can_view_certificate,
)
PERSON_IN_SCOPE = Rule(
    "admin, roster coordinator or organizer of a person",
    allowed=_issues_for_others,
    model=Volunteer,
    id_arg="volunteer_id",
    as_arg="volunteer",
    scope_check=lambda user, volunteer: (
        db.session.scalar(
            select(Volunteer.id).where(
                Volunteer.id == volunteer.id, certificates.people_in_scope_clause(user)
            )
        )
        is not None
    ),
)
ISSUES_FOR_OTHERS = Rule("admin, coordinator or organizer", allowed=_issues_for_others)
JOB_OWNER = Rule(
    "creator of a batch job (or admin)",
    model=BackgroundJob,
    id_arg="job_id",
    as_arg="job",
    scope_check=lambda user, job: (
        job.kind == batches.JOB_KIND
        and (job.created_by_id == user.id or permissions.is_admin(user))
    ),
)
PERIOD_NAMES = {
    "year": _l("Calendar year"),
    "range": _l("Chosen dates"),
    "all": _l("All time"),
    "activity": _l("Activity days"),
}


# ---- one's own certificates ----


@bp.route("/", methods=["GET", "POST"])
@access(VOLUNTEER)
def mine():
    """The volunteer's certificates and a form to issue one for a period."""
    volunteer = acting_user().volunteer
    form = IssueForm()
    del form.scope  # one's own certificate always covers all organizations
    if form.validate_on_submit():
        certificate = _issue(form, volunteer, None)
        if certificate is not None:
            return redirect(url_for("certificates.show", certificate_id=certificate.id))
    return render_template(
        "certificates/mine.html",
        form=form,
        certificates=certificates.certificates_of(volunteer),
        period_names=PERIOD_NAMES,
    )


def _issue(form: IssueForm, volunteer: Volunteer, organization: Organization | None):
    try:
        period = form.to_period()
        certificate = certificates.issue_certificate(volunteer, period, acting_user(), organization)
    except ServiceError as error:
        db.session.rollback()
        field = getattr(form, error.field or "", None) or form.period
        field.errors = [*field.errors, error.message]
        return None
    db.session.commit()
    flash(_("Certificate %(serial)s is ready.", serial=certificate.serial), "success")
    return certificate


@bp.route("/<int:certificate_id>")
@access(CERTIFICATE_VIEWER)
def show(certificate: Certificate):
    """One certificate: what it says, its download, and (admins) revoke and re-issue."""
    return render_template(
        "certificates/show.html",
        certificate=certificate,
        content=certificate.content,
        revoke_form=ReasonForm(prefix="revoke"),
        reissue_form=ReasonForm(prefix="reissue"),
        is_admin=permissions.is_admin(acting_user()),
        period_names=PERIOD_NAMES,
    )


@bp.route("/<int:certificate_id>/pdf")
@access(CERTIFICATE_VIEWER)
def download(certificate: Certificate):
    """The certificate as a PDF file."""
    response = send_file(
        _bytes_io(certificate_pdf(certificate, public_base_url())),
        mimetype="application/pdf",
        as_attachment=request.args.get("inline") != "1",
        download_name=download_name(certificate),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _bytes_io(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


@bp.route("/<int:certificate_id>/revoke", methods=["POST"])
@access(admin_of(Certificate, "certificate_id", "certificate"))
def revoke(certificate: Certificate):
    """Revoke with a reason; the verification page then shows it as revoked."""
    form = ReasonForm(prefix="revoke")
    if not form.validate_on_submit():
        flash(_("Give the reason for revoking."), "danger")
        return redirect(url_for("certificates.show", certificate_id=certificate.id))
    try:
        certificates.revoke_certificate(certificate, form.reason.data, acting_user())
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(_("Certificate %(serial)s revoked.", serial=certificate.serial), "success")
    return redirect(url_for("certificates.show", certificate_id=certificate.id))


@bp.route("/<int:certificate_id>/reissue", methods=["POST"])
@access(admin_of(Certificate, "certificate_id", "certificate"))
def reissue(certificate: Certificate):
    """Replace a certificate with a new serial and today's data; the old one is revoked."""
    form = ReasonForm(prefix="reissue")
    if not form.validate_on_submit():
        flash(_("Give the reason for re-issuing."), "danger")
        return redirect(url_for("certificates.show", certificate_id=certificate.id))
    try:
        replacement = certificates.reissue_certificate(certificate, form.reason.data, acting_user())
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("certificates.show", certificate_id=certificate.id))
    db.session.commit()
    flash(_("Re-issued as %(serial)s.", serial=replacement.serial), "success")
    return redirect(url_for("certificates.show", certificate_id=replacement.id))


# ---- other people (admins, coordinators, organizers) ----


@bp.route("/people")
@access(ISSUES_FOR_OTHERS)
def people():
    """Find a person in scope to issue or download their certificate."""
    form = SearchForm(request.args)
    query = (form.q.data or "").strip()
    found = []
    if query:
        like = f"%{query}%"
        found = db.session.scalars(
            select(Volunteer)
            .join(User, User.id == Volunteer.user_id)
            .where(
                certificates.people_in_scope_clause(acting_user()),
                or_(
                    User.name.like(like),
                    User.phone == query,
                    Volunteer.volunteer_number == query.upper(),
                ),
            )
            .order_by(User.name)
            .limit(50)
        ).all()
    return render_template("certificates/people.html", form=form, people=found, query=query)


def _scope_choices(volunteer: Volunteer) -> list[SelectChoice]:
    choices = []
    if certificates.may_issue_full(acting_user(), volunteer):
        choices.append(SelectChoice(ALL_RECORDS, str(_l("All organizations"))))
    for organization in certificates.organizations_certifiable_by(acting_user(), volunteer):
        choices.append(SelectChoice(str(organization.id), organization.name))
    return choices


@bp.route("/people/<int:volunteer_id>", methods=["GET", "POST"])
@access(PERSON_IN_SCOPE)
def person(volunteer: Volunteer):
    """A person's certificates the user may see, and a form to issue one."""
    form = IssueForm()
    form.scope.choices = _scope_choices(volunteer)
    allowed_scopes = {choice.value for choice in form.scope.choices}
    if form.validate_on_submit():
        if form.scope.data not in allowed_scopes:
            abort(403)
        organization = (
            None
            if form.scope.data == ALL_RECORDS
            else db.session.get(Organization, int(form.scope.data))
        )
        certificate = _issue(form, volunteer, organization)
        if certificate is not None:
            return redirect(url_for("certificates.show", certificate_id=certificate.id))
    visible = certificates.visible_certificates(acting_user(), volunteer)
    return render_template(
        "certificates/person.html",
        volunteer=volunteer,
        form=form,
        certificates=visible,
        period_names=PERIOD_NAMES,
        id_type_labels=ID_TYPE_LABELS,
        # ID numbers (even masked) are for the person's roster coordinators and admins only.
        show_id=certificates.may_issue_full(acting_user(), volunteer),
    )


@bp.route("/all")
@access(ADMIN)
def all_certificates():
    """Every certificate, newest first; search by serial or name."""
    form = SearchForm(request.args)
    query = (form.q.data or "").strip()
    statement = (
        select(Certificate)
        .join(Volunteer, Volunteer.id == Certificate.volunteer_id)
        .join(User, User.id == Volunteer.user_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    if query:
        statement = statement.where(
            or_(Certificate.serial == query.upper(), User.name.like(f"%{query}%"))
        )
    page = db.paginate(statement, page=max(request.args.get("page", 1, type=int), 1), per_page=50)
    return render_template("certificates/all.html", form=form, page=page, query=query)


# ---- batches ----


def _activity_choices() -> list[SelectChoice]:
    statement = select(Activity).where(Activity.status != ActivityStatus.DRAFT)
    if not permissions.is_admin(acting_user()):
        statement = statement.where(
            Activity.organization_id.in_(
                permissions.organizer_organization_ids(acting_user()) or {-1}
            )
        )
    activities = db.session.scalars(statement.order_by(Activity.starts_at.desc()).limit(300))
    choices = [SelectChoice("", "—")]
    for activity in activities:
        label = (
            f"{activity.starts_at.astimezone(certificates.LOCAL_ZONE):%Y-%m-%d} {activity.title}"
        )
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
    recent = db.session.scalars(
        select(BackgroundJob)
        .where(BackgroundJob.kind == batches.JOB_KIND, BackgroundJob.created_by_id == user.id)
        .order_by(BackgroundJob.id.desc())
        .limit(10)
    ).all()
    return render_template(
        "certificates/batch.html",
        unit_form=unit_form if permissions.is_coordinator(user) else None,
        activity_form=activity_form if permissions.is_organizer(user) else None,
        jobs=recent,
    )


def _start_batch(params: dict):
    """Queue the batch as a background job, start it, and show its progress page."""
    if not certificates.issuer_settings()["organization"]:
        flash(_("An administrator must first enter the issuing organization's details."), "danger")
        return redirect(url_for("certificates.batch"))
    batches.remove_old_results()
    job = batches.create_job(params, acting_user(), public_base_url())
    db.session.commit()
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
        unit = db.session.get(Unit, int(form.unit_id.data))
        if unit is None or not permissions.can_coordinate(acting_user(), unit):
            abort(403)
        try:
            period = form.to_period()
        except ServiceError as error:
            field = getattr(form, error.field or "", None) or form.period
            field.errors = [*field.errors, error.message]
        else:
            return _start_batch(batches.unit_batch_params(unit, form.include_subunits.data, period))
    return _batch_page(unit_form=form)


@bp.route("/batch/activity", methods=["POST"])
@access(ANY_ORGANIZER)
def batch_activity():
    """Start a batch for everyone with approved service at one of the user's activities."""
    form = ActivityBatchForm(prefix="activity")
    if form.validate_on_submit():
        activity = db.session.get(Activity, int(form.activity_id.data))
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


# ---- issuer settings (admins) ----


@bp.route("/settings", methods=["GET", "POST"])
@access(ADMIN)
def settings():
    """Issuer details printed on new certificates, and the seal image."""
    current = certificates.issuer_settings()
    form = IssuerSettingsForm(data=current if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            certificates.save_issuer_settings(
                {field: getattr(form, field).data for field in certificates.ISSUER_FIELDS},
                acting_user(),
            )
            upload = form.seal.data
            if upload:
                certificates.save_seal(upload.filename or "seal", upload.read(), acting_user())
            elif form.remove_seal.data:
                certificates.remove_seal(acting_user())
        except ServiceError as error:
            db.session.rollback()
            getattr(form, error.field or "organization").errors.append(error.message)
        else:
            db.session.commit()
            flash(
                _("Certificate settings saved; they apply to certificates issued from now on."),
                "success",
            )
            return redirect(url_for("certificates.settings"))
    return render_template(
        "certificates/settings.html", form=form, seal=certificates.current_seal()
    )


@bp.route("/settings/seal/<int:file_id>")
@access(admin_of(StoredFile, "file_id", "stored"))
def seal_image(stored: StoredFile):
    """A seal image, for the settings page preview."""
    if stored.purpose != certificates.SEAL_PURPOSE:
        abort(404)
    return send_file(_bytes_io(stored.data), mimetype=stored.content_type)


# ---- public verification ----


@verify_bp.route("/")
@access(PUBLIC)
def lookup():
    """Type a serial number to check a certificate."""
    form = VerifyForm(request.args)
    if request.args and form.validate():
        return redirect(url_for("verify.show", serial="".join(form.serial.data.split()).upper()))
    return render_template("verify/lookup.html", form=form)


@verify_bp.route("/<serial>", endpoint="show")
@access(PUBLIC)
@limiter.limit("60 per minute")
def verify_certificate(serial: str):
    """Public check: valid or revoked, masked name, hours, period, issuer, date. Nothing else."""
    certificate = certificates.find_by_serial(serial)
    if certificate is None:
        return render_template("verify/unknown.html", serial=serial, form=VerifyForm()), 404
    return render_template("verify/show.html", certificate=certificate, content=certificate.content)
