"""Compliance pages: the table and charts, who is missing, exports, rosters, targets."""

from datetime import date
from decimal import Decimal
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from volunteer import display
from volunteer.access import ADMIN, ANY_COORDINATOR, access, acting_user, coordinator_of
from volunteer.compliance import charts
from volunteer.compliance.forms import ComplianceSettingsForm, RosterConfirmForm, RosterUploadForm
from volunteer.documents import compliance as compliance_docs
from volunteer.documents.rosters import roster_template_xlsx
from volunteer.extensions import db
from volunteer.i18n import gettext as _
from volunteer.i18n import lazy_gettext as _l
from volunteer.labels import UNIT_KIND_LABELS
from volunteer.models import Unit
from volunteer.services import access as rules
from volunteer.services import compliance, identity, rosters
from volunteer.services.audit import record_audit
from volunteer.services.errors import ServiceError

bp = Blueprint("compliance", __name__, url_prefix="/compliance")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PENDING_KEY = "roster_pending"
CHANGED_FIELD_LABELS = {
    "name": _l("Full name"),
    "id_type": _l("Document type"),
    "phone": _l("Mobile"),
    "political_status": _l("Political status"),
    "position": _l("Position"),
}


def _roots() -> list[Unit]:
    if rules.is_admin(current_user):
        root = compliance.root_unit()
        return [root] if root else []
    return compliance.visible_roots(rules.coordinated_units(current_user))


def _period() -> compliance.Period:
    """The period named in the query string (default: this year); bad input falls back."""
    args = request.args
    try:
        year = int(args.get("year") or compliance.local_today().year)
        start = date.fromisoformat(args["start"]) if args.get("start") else None
        end = date.fromisoformat(args["end"]) if args.get("end") else None
        return compliance.make_period(year, start, end)
    except (ValueError, ServiceError):
        flash(_("The period was not valid; showing this year."), "warning")
        return compliance.year_period(compliance.local_today().year)


def _period_args(period: compliance.Period) -> dict:
    if period.is_calendar_year():
        return {"year": period.year}
    return {"year": period.year, "start": period.start.isoformat(), "end": period.end.isoformat()}


def _download(data: bytes | str, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{filename.encode("ascii", "ignore").decode() or "export"}"; '
        f"filename*=UTF-8''{quote(filename)}"
    )
    return response


@bp.route("/")
@access(ANY_COORDINATOR)
def index():
    """Open the compliance page of the user's (first) subtree."""
    roots = _roots()
    if not roots:
        flash(_("There are no units yet."), "warning")
        return redirect(url_for("main.index"))
    return redirect(url_for("compliance.report", unit_id=roots[0].id, **request.args))


@bp.route("/units/<int:unit_id>")
@access(coordinator_of(Unit, "unit_id", "unit"))
def report(unit: Unit):
    """The compliance table of a unit and everything below it, with charts."""
    period = _period()
    full = compliance.compliance_report(unit, period)
    kind = request.args.get("kind") if request.args.get("kind") in compliance.KIND_GROUPS else ""
    status = (
        request.args.get("status") if request.args.get("status") in set(compliance.Status) else ""
    )
    sort = request.args.get("sort", "tree")
    descending = request.args.get("desc") == "1"
    rows = compliance.filter_and_sort(full.rows, kind, status, sort, descending)
    return render_template(
        "compliance/report.html",
        unit=unit,
        report=full,
        rows=rows,
        period=period,
        period_args=_period_args(period),
        filters={"kind": kind, "status": status, "sort": sort, "desc": "1" if descending else ""},
        roots=_roots(),
        kind_labels=UNIT_KIND_LABELS,
        group_labels=compliance.KIND_GROUP_LABELS,
        status_labels=compliance.STATUS_LABELS,
        rate_chart=charts.units_by_rate_svg(rows, full.targets, display.wants_large_text()),
        ancestors=_breadcrumb(unit),
        has_children={row.path[: row.path.rstrip("/").rfind("/") + 1] for row in full.rows},
        years=range(compliance.local_today().year + 1, 2017, -1),
    )


@bp.route("/units/<int:unit_id>/history.svg")
@access(coordinator_of(Unit, "unit_id", "unit"))
def history_chart(unit: Unit):
    """The rates-over-time chart, loaded as an image so the table shows without waiting."""
    period = _period()
    targets = compliance.targets_for(period.year)
    # The size comes in the URL, not from the cookie, so a cached image follows the view.
    large = request.args.get("size") == "large"
    history = compliance.compliance_history(unit, period, targets)
    svg = charts.history_svg(history, targets, large)
    response = Response(str(svg) or _EMPTY_SVG, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


_EMPTY_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>'


def _breadcrumb(unit: Unit) -> list[Unit]:
    chain, node = [], unit.parent
    while node is not None and rules.can_coordinate(current_user, node):
        chain.insert(0, node)
        node = node.parent
    return chain


@bp.route("/units/<int:unit_id>/export.csv")
@access(coordinator_of(Unit, "unit_id", "unit"))
def export_csv(unit: Unit):
    """The compliance table as CSV (the columns the office reports upward)."""
    period = _period()
    full = compliance.compliance_report(unit, period)
    record_audit(acting_user(), "compliance.export", unit, format="csv", year=period.year)
    db.session.commit()
    return _download(
        "\ufeff" + compliance_docs.compliance_csv(full),
        f"compliance-{unit.code}-{period.start}-{period.end}.csv",
        "text/csv; charset=utf-8",
    )


@bp.route("/units/<int:unit_id>/export.xlsx")
@access(coordinator_of(Unit, "unit_id", "unit"))
def export_xlsx(unit: Unit):
    """The compliance table and every unit's missing people (masked) as a workbook."""
    period = _period()
    full = compliance.compliance_report(unit, period)
    missing = compliance.missing_people(unit, period, full.targets, subtree=True)
    record_audit(acting_user(), "compliance.export", unit, format="xlsx", year=period.year)
    db.session.commit()
    return _download(
        compliance_docs.compliance_xlsx(full, missing),
        f"达标情况-{unit.name}-{period.start}-{period.end}.xlsx",
        XLSX,
    )


@bp.route("/units/<int:unit_id>/missing")
@access(coordinator_of(Unit, "unit_id", "unit"))
def missing(unit: Unit):
    """One unit's roster people who are not registered or have no hours yet."""
    period = _period()
    targets = compliance.targets_for(period.year)
    people = compliance.missing_people(unit, period, targets)
    # Masked by default; a coordinator chasing people may show the full numbers, audited.
    show_full = request.args.get("full") == "1"
    if show_full:
        record_audit(acting_user(), "personal_data.reveal", unit, people=len(people))
        db.session.commit()
    return render_template(
        "compliance/missing.html",
        show_full=show_full,
        unit=unit,
        filters={},
        period=period,
        period_args=_period_args(period),
        targets=targets,
        not_registered=[p for p in people if p.reason == compliance.Missing.NOT_REGISTERED],
        no_hours=[p for p in people if p.reason == compliance.Missing.NO_HOURS],
    )


@bp.route("/units/<int:unit_id>/missing.xlsx")
@access(coordinator_of(Unit, "unit_id", "unit"))
def missing_xlsx(unit: Unit):
    """The drill-down as Excel, masked, for chasing people."""
    period = _period()
    people = compliance.missing_people(unit, period)
    record_audit(acting_user(), "compliance.export_missing", unit, year=period.year)
    db.session.commit()
    return _download(
        compliance_docs.missing_xlsx(unit.name, people),
        f"未完成名单-{unit.name}-{period.start}-{period.end}.xlsx",
        XLSX,
    )


# ---- rosters ----------------------------------------------------------------------------


@bp.route("/units/<int:unit_id>/roster/template.xlsx")
@access(coordinator_of(Unit, "unit_id", "unit"))
def roster_template(unit: Unit):
    """The empty roster template for this unit."""
    return _download(roster_template_xlsx(), f"名册模板-{unit.name}.xlsx", XLSX)


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
    try:
        form = RosterUploadForm()
        submitted = form.validate_on_submit()
    except RequestEntityTooLarge:
        form, submitted = RosterUploadForm(formdata=None), False
        form.file.errors = [_too_large()]
    if submitted:
        upload = form.file.data
        try:
            data = upload.read(int(_limit()) + 1)
        finally:
            upload.close()
        try:
            checked = rosters.check_roster(
                data,
                upload.filename or "",
                unit=unit,
                may_upload_for=lambda target: rules.can_coordinate(current_user, target),
            )
        except ServiceError as error:
            form.file.errors = [error.message]
        else:
            if not checked.ok:
                return _render_upload(unit, form, checked=checked), 422
            token, digest = rosters.save_pending(checked, acting_user())
            # Only the latest few previews stay confirmable; the cookie stays small.
            pending = dict(list(session.get(PENDING_KEY, {}).items())[-4:])
            pending[token] = digest
            session[PENDING_KEY] = pending
            return _render_upload(
                unit,
                form,
                checked=checked,
                plans=rosters.plan_roster(checked),
                confirm=RosterConfirmForm(token=token),
            )
    return _render_upload(unit, form)


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
    try:
        checked = rosters.load_pending(token, pending.get(token), acting_user())
        units = db.session.scalars(select(Unit).where(Unit.id.in_(checked.unit_ids))).all()
        if not units or not all(rules.can_coordinate(current_user, u) for u in units):
            abort(403)
        upload = rosters.apply_roster(checked, acting_user())
    except ServiceError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return redirect(url_for("compliance.index"))
    db.session.commit()
    rosters.discard_pending(token)
    pending.pop(token, None)
    session[PENDING_KEY] = pending
    flash(
        _(
            "Roster imported: %(added)s added, %(changed)s changed, %(unchanged)s unchanged,"
            " %(left)s marked as left.",
            added=upload.added,
            changed=upload.changed,
            unchanged=upload.unchanged,
            left=upload.deactivated,
        ),
        "success",
    )
    target = units[0] if len(units) == 1 else compliance.visible_roots(units)[0]
    return redirect(url_for("compliance.report", unit_id=target.id))


# ---- targets ----------------------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
@access(ADMIN)
def settings():
    """Targets, probationary members, minimum hours and milestone, per year."""
    year = request.args.get("year", type=int) or compliance.local_today().year
    current = compliance.targets_for(year)
    form = ComplianceSettingsForm(
        data={
            "year": year,
            "staff_target": current.staff_target * 100,
            "party_target": current.party_target * 100,
            "count_probationary": current.count_probationary,
            "min_hours": (Decimal(current.min_minutes) / 60).quantize(Decimal("0.01")),
            "milestone": None if current.milestone is None else current.milestone * 100,
        }
    )
    if form.validate_on_submit():
        try:
            compliance.save_targets(
                form.year.data,
                staff_target=form.staff_target.data / 100,
                party_target=form.party_target.data / 100,
                count_probationary=form.count_probationary.data,
                min_minutes=max(1, round(form.min_hours.data * 60)),
                milestone=None if form.milestone.data is None else form.milestone.data / 100,
                actor=acting_user(),
            )
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Targets for %(year)s saved.", year=form.year.data), "success")
            return redirect(url_for("compliance.settings", year=form.year.data))
    return render_template(
        "compliance/settings.html", form=form, years=compliance.saved_years(), current=current
    )
