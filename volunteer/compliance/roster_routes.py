"""Roster pages on the compliance blueprint: templates, upload with preview, confirm.

A valid upload is checked whole and shown as a preview; its rows wait on the
server under a random token whose hash is kept in the session, so confirming
imports exactly what was previewed, by the person who previewed it.
"""

from functools import partial

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from volunteer.access import ANY_COORDINATOR, access, acting_user, coordinator_of
from volunteer.actions import service_action
from volunteer.compliance import freshness
from volunteer.compliance.forms import FullNumbersForm, RosterConfirmForm, RosterUploadForm
from volunteer.compliance.routes import XLSX, _download, bp
from volunteer.documents.rosters import roster_template_xlsx
from volunteer.i18n import gettext as _
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import RosterUpload, Unit
from volunteer.services import compliance, identity, permissions, rosters

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
    """The upload form; a submitted file is checked, then shown as errors or as a preview."""
    form, submitted = _submitted_upload_form()
    if not submitted:
        return _render_upload(unit, form)
    data, filename = _read_upload(form.file.data)
    may_upload_for = partial(permissions.can_coordinate, acting_user())
    with service_action(form, default_field="file") as outcome:
        checked = rosters.check_roster(data, filename, unit=unit, may_upload_for=may_upload_for)
    if not outcome.ok:
        return _render_upload(unit, form)
    if not checked.ok:
        return _render_upload(unit, form, checked=checked), 422
    return _render_preview(unit, form, checked)


def _render_preview(unit: Unit | None, form: RosterUploadForm, checked: rosters.CheckedRoster):
    """The checked rows and what importing them would change, with the confirm button."""
    confirm = RosterConfirmForm(token=_keep_for_confirm(checked), mode=form.mode.data)
    plans = rosters.plan_roster(checked, replace=confirm.replaces())
    return _render_upload(unit, form, checked=checked, plans=plans, confirm=confirm)


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


def _keep_for_confirm(checked: rosters.CheckedRoster) -> str:
    """Save the checked rows for the confirm step and remember their hash in the session."""
    with service_action():  # kept in the database: the confirm may reach another host
        token, digest = rosters.save_pending(checked, acting_user())
    pending = dict(list(session.get(PENDING_KEY, {}).items())[-(PENDING_KEPT - 1) :])
    pending[token] = digest
    session[PENDING_KEY] = pending
    return token


def _limit() -> int:
    return current_app.config["ROSTER_MAX_UPLOAD_BYTES"]


def _too_large() -> str:
    return _(
        "The file is larger than %(limit)s MB. Split the roster or remove other sheets.",
        limit=f"{_limit() / (1024 * 1024):g}",
    )


def _render_upload(unit, form, checked=None, plans=None, confirm=None):
    entries = rosters.roster_entries(unit, include_inactive=True) if unit is not None else []
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
    )


@bp.route("/rosters/confirm", methods=["POST"])
@access(ANY_COORDINATOR)
def confirm():
    """Import the previewed rows: replace the rosters of the units in the file."""
    form = RosterConfirmForm()
    pending = session.get(PENDING_KEY, {})
    token = form.token.data if form.validate_on_submit() else ""
    with service_action() as outcome:
        checked = rosters.load_pending(token, pending.get(token), acting_user())
        units = rosters.units_in(checked)
        if not units or not all(permissions.can_coordinate(acting_user(), u) for u in units):
            abort(403)
        upload = rosters.apply_roster(checked, acting_user(), replace=form.replaces())
        rosters.discard_pending(token)  # in the same commit: a preview imports once
    if not outcome.ok:
        return redirect(url_for("compliance.index"))
    _forget_pending(token, pending)
    freshness.refresh_own(units)  # the coordinator's own figures are new at once
    flash(_imported_message(upload), "success")
    target = units[0] if len(units) == 1 else compliance.visible_roots(units)[0]
    return redirect(url_for("compliance.report", unit_id=target.id))


def _forget_pending(token: str, pending: dict) -> None:
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
