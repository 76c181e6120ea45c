"""Volunteer service projects (志愿服务项目): a named programme of an organization's activities.

A project's figures come from its activities' approved records (through `minutes`):
total hours, distinct volunteers, and the people served (the sum of the optional
figure organizers give per activity).
"""

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from volunteer.extensions import db
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import (
    Activity,
    CreditEntry,
    Organization,
    Project,
    User,
    Volunteer,
)
from volunteer.services import paging, permissions
from volunteer.services.audit import record_audit
from volunteer.services.errors import DuplicateError, PermissionDenied, ServiceError
from volunteer.services.network.minutes import Totals, credited_totals


@dataclass(frozen=True)
class ProjectActivity:
    """One activity of a project with its credited time."""

    activity: Activity
    totals: Totals


@dataclass(frozen=True)
class ProjectVolunteer:
    """One volunteer of a project with the time credited there."""

    volunteer: Volunteer
    totals: Totals


@dataclass(frozen=True)
class ProjectFigures:
    """A project's page: a page of its activities (of ProjectActivity) and one of its
    volunteers (of ProjectVolunteer), total time, people served."""

    activities: paging.Page
    volunteers: paging.Page
    total: Totals
    people_served: int


def save_project(
    project: Project | None,
    organization: Organization,
    *,
    name: str,
    description: str | None,
    starts_on: date,
    ends_on: date | None,
    actor: User,
) -> Project:
    """Create (project None) or update a project of `organization`."""
    name = (name or "").strip()
    if not permissions.can_organize(actor, organization):
        raise PermissionDenied(_l("You do not organize this organization."), "organization_id")
    if ends_on is not None and ends_on < starts_on:
        raise ServiceError(_l("The project ends before it starts."), "ends_on")
    _refuse_name_clash(organization, name, project)
    created = project is None
    project = project or Project(organization=organization, created_by_id=actor.id)
    project.name, project.description = name, (description or "").strip() or None
    project.starts_on, project.ends_on = starts_on, ends_on
    db.session.add(project)
    db.session.flush()
    record_audit(actor, "project.create" if created else "project.update", project, name=name)
    return project


def _refuse_name_clash(organization: Organization, name: str, project: Project | None) -> None:
    clash = db.session.scalar(
        select(Project).where(Project.organization_id == organization.id, Project.name == name)
    )
    if clash is not None and clash is not project:
        raise DuplicateError(_l("This organization already has a project of that name."), "name")


def attach_activity(
    project: Project, activity: Activity, people_served: int | None, actor: User
) -> Activity:
    """Put one of the organization's activities into the project, with the people it served."""
    if activity.organization_id != project.organization_id:
        raise ServiceError(_l("Only the organization's own activities can join its project."))
    if people_served is not None and people_served < 0:
        raise ServiceError(_l("People served cannot be negative."), "people_served")
    activity.project_id, activity.people_served = project.id, people_served
    record_audit(actor, "project.attach", activity, project_id=project.id, served=people_served)
    db.session.flush()
    return activity


def detach_activity(activity: Activity, actor: User) -> Activity:
    """Take an activity out of its project."""
    record_audit(actor, "project.detach", activity, project_id=activity.project_id)
    activity.project_id = None
    db.session.flush()
    return activity


def project_figures(
    project: Project, activity_page: int | None = None, volunteer_page: int | None = None
) -> ProjectFigures:
    """The project's activities and volunteers (a page of each: a province's largest project
    counts 4,200 volunteers), credited time and people served."""
    in_project = Activity.project_id == project.id
    by_activity = credited_totals(Activity.id, None, None, in_project)
    activities = [
        ProjectActivity(a, by_activity.get(a.id, Totals())) for a in activities_of(project)
    ]
    whole = credited_totals(Activity.project_id, None, None, in_project)
    by_volunteer = credited_totals(CreditEntry.volunteer_id, None, None, in_project)
    return ProjectFigures(
        activities=paging.page_of_list(activities, activity_page),
        volunteers=_volunteers(by_volunteer, volunteer_page),
        total=whole.get(project.id, Totals()),
        people_served=sum(a.activity.people_served or 0 for a in activities),
    )


def _volunteers(totals: dict[int, Totals], asked: int | None) -> paging.Page:
    """Page `asked` of the volunteers with time in the project, most minutes first: only that
    page's people are loaded, each with the account that holds their name."""
    ranked = sorted(totals, key=lambda volunteer_id: (-totals[volunteer_id].minutes, volunteer_id))
    page = paging.page_of_list(ranked, asked)
    query = (
        select(Volunteer).where(Volunteer.id.in_(page.items)).options(joinedload(Volunteer.user))
    )
    found = {volunteer.id: volunteer for volunteer in db.session.scalars(query)}
    rows = [ProjectVolunteer(found[i], totals[i]) for i in page.items if i in found]
    return replace(page, items=rows)


def activities_of(project: Project) -> list[Activity]:
    """The project's activities, earliest first."""
    query = select(Activity).where(Activity.project_id == project.id).order_by(Activity.starts_at)
    return list(db.session.scalars(query))


def attachable_activities(project: Project) -> list[Activity]:
    """The organization's activities not yet in any project, latest first."""
    return list(
        db.session.scalars(
            select(Activity)
            .where(
                Activity.organization_id == project.organization_id,
                Activity.project_id.is_(None),
            )
            .order_by(Activity.starts_at.desc())
            .limit(200)
        )
    )


def project_page(text: str, asked: int | None) -> paging.Page:
    """Page `asked` of the active projects (whose name contains `text`, when given), by name,
    each as (project, its number of activities): a province has thousands."""
    count = func.count(Activity.id)
    query = (
        select(Project, count)
        .outerjoin(Activity, Activity.project_id == Project.id)
        .where(Project.active.is_(True))
        .group_by(Project.id)
        .options(selectinload(Project.organization))  # one more query, not one per project
    )
    if text:
        query = query.where(Project.name.icontains(text, autoescape=True))
    return paging.page_of_query(
        query.order_by(Project.name, Project.id), asked, shape=lambda project, n: (project, n)
    )


def activity_of(project: Project, activity_id: int) -> Activity:
    """The organization's activity with this id (the choices already limit it)."""
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.organization_id != project.organization_id:
        raise ServiceError(_l("Only the organization's own activities can join its project."))
    return activity
