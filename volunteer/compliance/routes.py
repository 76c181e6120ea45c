"""Compliance pages: the table and charts, who is missing, exports, rosters, targets."""

from datetime import date
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from volunteer import display, tasks
from volunteer.access import (
    ADMIN,
    ANY_COORDINATOR,
    access,
    acting_user,
    coordinator_of,
    first_coordinated_unit,
)
from volunteer.actions import service_action
from volunteer.compliance import charts, freshness, pace, table
from volunteer.compliance.forms import ComplianceSettingsForm, FullNumbersForm, RevealForm
from volunteer.compliance.table import KIND_GROUP_LABELS, TableFilters, own_and_children
from volunteer.i18n import gettext as _
from volunteer.labels import UNIT_KIND_LABELS
from volunteer.models import Unit
from volunteer.services import compliance, paging, periods, permissions
from volunteer.services.audit import record_audit
from volunteer.services.compliance import snapshots
from volunteer.services.errors import ServiceError
from volunteer.tasks import compliance_export, refreshes

bp = Blueprint("compliance", __name__, url_prefix="/compliance")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _roots() -> list[Unit]:
    return compliance.roots_of(acting_user())


def _period() -> periods.Period:
    """The period named in the query string (default: this year); bad input falls back."""
    args = request.args
    try:
        year = int(args.get("year") or periods.local_today().year)
        start = date.fromisoformat(args["start"]) if args.get("start") else None
        end = date.fromisoformat(args["end"]) if args.get("end") else None
        return periods.make_period(year, start, end)
    except (ValueError, ServiceError):
        flash(_("The period was not valid; showing this year."), "warning")
        return periods.year_period(periods.local_today().year)


def _period_args(period: periods.Period) -> dict:
    if period.is_calendar_year():
        return {"year": period.year, **pace.window_args()}
    dates = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    return {"year": period.year, **dates, **pace.window_args()}


def _download(data: bytes | str, filename: str, mimetype: str) -> Response:
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})


def _audited(unit: Unit, action: str, **details) -> None:
    """Keep an audit entry of an export or a reveal of personal data."""
    with service_action():
        record_audit(acting_user(), action, unit, **details)


@bp.route("/")
@access(ANY_COORDINATOR)
def index():
    """Open the compliance page of the user's (first) subtree."""
    unit = first_coordinated_unit()
    # Carry the period and filters on; never url_for's own options (_external…) or the unit.
    passed_on = {k: v for k, v in request.args.items() if k != "unit_id" and not k.startswith("_")}
    return redirect(url_for("compliance.report", unit_id=unit.id, **passed_on))


@bp.route("/units/<int:unit_id>")
@access(coordinator_of(Unit, "unit_id", "unit"))
def report(unit: Unit):
    """A unit's compliance: its own roster, its direct sub-units' subtrees (a page of them),
    charts; and a search of the units by name. Whole trees only in the exports."""
    period = _period()
    filters = TableFilters.from_args(request.args)
    served = freshness.served(snapshots.REPORT, unit, period, pending_if_slow=True)
    page_pace = None if served.pending else pace.page_context(served.value)
    if page_pace is None or page_pace["pace_served"].pending:
        return _computing(unit, period, filters)
    overview = served.value
    own, children = own_and_children(overview)
    shown = paging.page_of_list(
        filters.apply(children), request.args.get("page", type=int), table.PAGE_SIZE
    )
    return render_template(
        "compliance/report.html",
        unit=unit,
        report=overview,
        own=own,
        rows=shown.items,
        rows_page=shown,
        search=_search(),
        rate_chart=charts.units_by_rate_svg(_charted(own, shown), overview.targets, _large()),
        **_page_context(unit, period, filters),
        **page_pace,
        freshness=freshness.freshness(unit, served, page_pace["pace_served"]),
        chart_computing=freshness.pending(snapshots.HISTORY, unit, period),
        refresh_seconds=freshness.COMPUTING_REFRESH_SECONDS,
    )


def _computing(unit: Unit, period: periods.Period, filters: TableFilters):
    """The page of a large unit whose figures the worker is computing: it reloads itself.
    Its pace and history are queued with the overview, so one wait covers the page."""
    freshness.pending(snapshots.PACE, unit, period, window=pace.window_asked())
    freshness.pending(snapshots.HISTORY, unit, period)
    return render_template(
        "compliance/computing.html",
        unit=unit,
        refresh_seconds=freshness.COMPUTING_REFRESH_SECONDS,
        **_page_context(unit, period, filters),
    )


def _charted(own, shown) -> list:
    """The rows of the rate chart: the page's (the own roster's, then its sub-units')."""
    return ([own] if own else []) + shown.items


def _large() -> bool:
    return display.wants_large_text()


def _search() -> tuple[str, compliance.UnitSearch | None]:
    """?q= and the units whose name contains it inside the user's subtrees."""
    text = request.args.get("q", "").strip()[:SEARCH_CHARS]
    return text, compliance.find_units(acting_user(), text) if text else None


# A unit's name is short; a longer search is cut rather than refused.
SEARCH_CHARS = 50


def _page_context(unit: Unit, period: periods.Period, filters: TableFilters) -> dict:
    """What the compliance page shows besides the figures: period, filters, labels, links."""
    return {
        "period": period,
        "period_args": _period_args(period),
        "filters": filters.as_args(),
        "roots": _roots(),
        "kind_labels": UNIT_KIND_LABELS,
        "group_labels": KIND_GROUP_LABELS,
        "status_labels": compliance.STATUS_LABELS,
        "ancestors": _breadcrumb(unit),
        "years": range(periods.local_today().year + 1, 2017, -1),
        # A past period counts the rosters of its last day (services.compliance.scope).
        "past": period.end < periods.local_today(),
    }


@bp.route("/units/<int:unit_id>/refresh", methods=["POST"])
@access(coordinator_of(Unit, "unit_id", "unit"))
def refresh(unit: Unit):
    """Queue the refresh of the figures kept for the unit's page (CSRF checked), then back."""
    period = _period()
    freshness.refresh_page(unit, period)
    return redirect(url_for("compliance.report", unit_id=unit.id, **_period_args(period)))


@bp.route("/units/<int:unit_id>/history.svg")
@access(coordinator_of(Unit, "unit_id", "unit"))
def history_chart(unit: Unit):
    """The rates-over-time chart, loaded as an image so the table shows without waiting."""
    period = _period()
    targets = compliance.targets_for(period.year)
    # The size comes in the URL, not from the cookie, so a cached image follows the view.
    large = request.args.get("size") == "large"
    history = freshness.served(
        snapshots.HISTORY, unit, period, targets=targets, pending_if_slow=True
    )
    if history.pending:  # the page reloads itself until it is computed: never cached
        response = Response(charts.computing_svg(large), mimetype="image/svg+xml")
        response.headers["Cache-Control"] = "no-store"
        return response
    projected = pace.projected(unit, period, targets)
    svg = charts.history_svg(history.value, targets, large, projected)
    response = Response(str(svg) or _EMPTY_SVG, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


_EMPTY_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>'


def _breadcrumb(unit: Unit) -> list[Unit]:
    chain, node, user = [], unit.parent, acting_user()
    while node is not None and permissions.can_coordinate(user, node):
        chain.insert(0, node)
        node = node.parent
    return chain


@bp.route("/units/<int:unit_id>/export.csv")
@access(coordinator_of(Unit, "unit_id", "unit"))
def export_csv(unit: Unit):
    """The compliance table as CSV (the columns the office reports upward), made by a job."""
    period = _period()
    params = compliance_export.export_params(unit, period, False, pace.window_asked(), "csv")
    return _export_job(unit, params, format="csv", year=period.year)


@bp.route("/units/<int:unit_id>/export.xlsx", methods=["GET", "POST"])
@access(coordinator_of(Unit, "unit_id", "unit"))
def export_xlsx(unit: Unit):
    """The table and every unit's missing people, made by a job; full numbers on a valid POST."""
    period, full = _period(), _full_numbers_asked()
    params = compliance_export.export_params(unit, period, full, pace.window_asked())
    return _export_job(unit, params, format="xlsx", year=period.year, full_numbers=full)


def _export_job(unit: Unit, params: dict, **audited):
    """The job page of the export asked for: the same one under way, or a new one (audited)."""
    job = tasks.active_job(acting_user(), tasks.COMPLIANCE_EXPORT, params)
    if job is None:
        _audited(unit, "compliance.export", **audited)
        job = _queued(tasks.COMPLIANCE_EXPORT, params)
    return redirect(url_for("jobs.show", job_id=job.id))


def _queued(kind: str, params: dict):
    """A committed job on the queue, for the acting user."""
    with service_action():
        job = tasks.create_job(kind, params, acting_user())
    tasks.start_job(job.id)
    return job


def _full_numbers_asked() -> bool:
    """True for a POST with a valid CSRF token: the entitled coordinator asked for full numbers."""
    return request.method == "POST" and FullNumbersForm().validate_on_submit()


@bp.route("/units/<int:unit_id>/missing", methods=["GET", "POST"])
@access(coordinator_of(Unit, "unit_id", "unit"))
def missing(unit: Unit):
    """One unit's roster people who are not registered or have no hours yet."""
    period = _period()
    targets = compliance.targets_for(period.year)
    people = compliance.missing_people(unit, period, targets)
    # Masked by default; a coordinator chasing people may show the full numbers, audited.
    # Only a POST carrying the CSRF token reveals: a link or an image on another site cannot.
    reveal_form = RevealForm()
    show_full = reveal_form.validate_on_submit()
    if show_full:
        _audited(unit, "personal_data.reveal", people=len(people))
    return render_template(
        "compliance/missing.html",
        show_full=show_full,
        reveal_form=reveal_form,
        full_numbers_form=FullNumbersForm(formdata=None),
        unit=unit,
        filters={},
        period=period,
        period_args=_period_args(period),
        targets=targets,
        not_registered=[p for p in people if p.reason == compliance.Missing.NOT_REGISTERED],
        no_hours=[p for p in people if p.reason == compliance.Missing.NO_HOURS],
    )


@bp.route("/units/<int:unit_id>/missing.xlsx", methods=["GET", "POST"])
@access(coordinator_of(Unit, "unit_id", "unit"))
def missing_xlsx(unit: Unit):
    """The drill-down as Excel for chasing people: masked, full numbers on a confirmed POST."""
    period, full = _period(), _full_numbers_asked()
    people = compliance.missing_people(unit, period)
    _audited(unit, "compliance.export_missing", year=period.year, full_numbers=full)
    return _download(
        compliance.missing_xlsx(unit.name, people, full),
        f"未完成名单-{unit.name}-{period.start}-{period.end}.xlsx",
        XLSX,
    )


# ---- targets ----------------------------------------------------------------------------


def _settings_year() -> int:
    """The year asked for in the query string, or this year for none or an absurd one."""
    year = request.args.get("year", type=int)
    if year is None or not periods.FIRST_YEAR <= year <= periods.LAST_YEAR:
        return periods.local_today().year
    return year


@bp.route("/settings", methods=["GET", "POST"])
@access(ADMIN)
def settings():
    """Targets, probationary members, minimum hours and milestone, per year."""
    current = compliance.targets_for(_settings_year())
    form = ComplianceSettingsForm(data=ComplianceSettingsForm.data_for(current))
    if form.validate_on_submit():
        saved = _("Targets for %(year)s saved.", year=form.year.data)
        with service_action(form, success=saved) as outcome:
            compliance.save_targets(form.year.data, **form.submitted_targets(), actor=acting_user())
        if outcome.ok:
            # New targets are new keys, none computed: warm the large units' pages now
            # rather than at the worker's next round.
            refreshes.start_prewarm()
            return redirect(url_for("compliance.settings", year=form.year.data))
    return render_template(
        "compliance/settings.html", form=form, years=compliance.saved_years(), current=current
    )


# The roster, reminder and poster views live in their own modules on this blueprint;
# importing them registers them.
from volunteer.compliance import poster_routes, reminder_routes, roster_routes  # noqa: E402, F401
