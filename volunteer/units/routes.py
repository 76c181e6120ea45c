"""Units as coordinators see them: their subtree and nothing beside it."""

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from volunteer.access import ANY_COORDINATOR, access, coordinator_of
from volunteer.extensions import db
from volunteer.labels import UNIT_KIND_LABELS
from volunteer.models import Organization, Unit, Volunteer
from volunteer.services import permissions

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.route("/")
@access(ANY_COORDINATOR)
def index():
    """The units the signed-in coordinator may see, as a tree."""
    visible = db.session.scalars(
        select(Unit).where(permissions.visible_units_clause(current_user)).order_by(Unit.path)
    ).all()
    return render_template("units/index.html", units=visible, kind_labels=UNIT_KIND_LABELS)


@bp.route("/<int:unit_id>")
@access(coordinator_of(Unit, "unit_id", "unit"))
def show(unit: Unit):
    """One unit: its sub-units, organizations and registered volunteers."""
    children = db.session.scalars(
        select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.code)
    ).all()
    teams = db.session.scalars(
        select(Organization).where(Organization.unit_id == unit.id).order_by(Organization.name)
    ).all()
    volunteer_count = db.session.scalar(
        select(func.count(Volunteer.id)).where(Volunteer.unit_id == unit.id)
    )
    return render_template(
        "units/show.html",
        unit=unit,
        children=children,
        organizations=teams,
        volunteer_count=volunteer_count,
        kind_labels=UNIT_KIND_LABELS,
    )
