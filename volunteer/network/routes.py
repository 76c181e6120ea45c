"""Network pages: the coverage board and projects (recognition lives in recognition_views)."""

from flask import redirect, render_template, request, url_for

from volunteer.access import (
    ANY_COORDINATOR,
    ANY_ORGANIZER,
    SIGNED_IN,
    access,
    acting_user,
    coordinator_of,
)
from volunteer.actions import service_action
from volunteer.i18n import gettext as _
from volunteer.labels import ORGANIZATION_KIND_LABELS, UNIT_KIND_LABELS
from volunteer.models import Project, Unit
from volunteer.network import recognition_views  # noqa: F401  (registers its views on bp)
from volunteer.network.blueprint import PROJECT_ORGANIZER, PROJECT_VIEWER, XLSX, bp, download
from volunteer.network.forms import AttachActivityForm, ProjectForm
from volunteer.services import compliance, paging, permissions
from volunteer.services.audit import record_audit
from volunteer.services.network import coverage, exports, projects

__all__ = ["bp"]


@bp.route("/coverage")
@access(ANY_COORDINATOR)
def coverage_index():
    """Open the coverage board of the user's (first) subtree."""
    roots = compliance.roots_of(acting_user())
    if not roots:
        return redirect(url_for("main.index"))
    return redirect(url_for("network.coverage_board", unit_id=roots[0].id))


@bp.route("/coverage/units/<int:unit_id>")
@access(coordinator_of(Unit, "unit_id", "unit"))
def coverage_board(unit: Unit):
    """Towns without an institute, villages without a station, units without a team, idle teams:
    the totals, and each list a page at a time (the whole board is in the export)."""
    board = coverage.coverage_board(unit)
    return render_template(
        "network/coverage.html",
        unit=unit,
        board=board,
        children=_page_of(board.children, "page"),
        gaps=_page_of(board.gaps, "gaps_page"),
        idle=_page_of(board.idle, "idle_page"),
        columns=[(key, exports.column_label(key)) for key in board.counted],
        kind_labels=UNIT_KIND_LABELS,
        organization_kinds=ORGANIZATION_KIND_LABELS,
        up=unit.parent if permissions.can_coordinate(acting_user(), unit.parent) else None,
    )


def _page_of(items: list, param: str) -> paging.Page:
    return paging.page_of_list(items, request.args.get(param, type=int))


@bp.route("/coverage/units/<int:unit_id>/export.xlsx")
@access(coordinator_of(Unit, "unit_id", "unit"))
def coverage_export(unit: Unit):
    """The coverage board as an Excel workbook."""
    data = exports.coverage_xlsx(coverage.coverage_board(unit))
    with service_action():
        record_audit(acting_user(), "coverage.export", unit)
    return download(data, f"组织覆盖-{unit.name}.xlsx", XLSX)


@bp.route("/projects")
@access(SIGNED_IN)
def project_list():
    """The active volunteer service projects, a page at a time, searched by name (?q=)."""
    text = request.args.get("q", "").strip()[:100]
    return render_template(
        "network/projects.html",
        q=text,
        page=projects.project_page(text, request.args.get("page", type=int)),
    )


@bp.route("/projects/new", methods=["GET", "POST"])
@access(ANY_ORGANIZER)
def project_new():
    """Start a project for one of the organizations the user organizes."""
    form = ProjectForm()
    form.organization_id.actor = acting_user()
    if form.validate_on_submit():
        with service_action(form, _("Project saved."), default_field="name") as outcome:
            organization = form.organization_id.chosen
            project = projects.save_project(None, organization, **_project_fields(form))
        if outcome.ok:
            return redirect(url_for("network.project_show", project_id=project.id))
    return render_template("network/project_edit.html", form=form, project=None)


def _project_fields(form: ProjectForm) -> dict:
    return {
        "name": form.name.data,
        "description": form.description.data,
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "actor": acting_user(),
    }


@bp.route("/projects/<int:project_id>")
@access(PROJECT_VIEWER)
def project_show(project: Project):
    """A project: its activities, volunteers, total hours and people served."""
    form = None
    if permissions.can_organize(acting_user(), project.organization_id):
        form = _attach_form(project)
    return render_template(
        "network/project.html",
        project=project,
        figures=projects.project_figures(
            project, request.args.get("page", type=int), request.args.get("vpage", type=int)
        ),
        form=form,
        may_see_names=form is not None,
    )


def _attach_form(project: Project) -> AttachActivityForm:
    form = AttachActivityForm()
    form.activity_id.choices = [(a.id, a.title) for a in projects.attachable_activities(project)]
    return form


@bp.route("/projects/<int:project_id>/activities", methods=["POST"])
@access(PROJECT_ORGANIZER)
def project_attach(project: Project):
    """Add one of the organization's activities to the project."""
    form = _attach_form(project)
    if form.validate_on_submit():
        with service_action(form, _("Activity added to the project.")):
            activity = projects.activity_of(project, form.activity_id.data)
            projects.attach_activity(project, activity, form.people_served.data, acting_user())
    return redirect(url_for("network.project_show", project_id=project.id))
