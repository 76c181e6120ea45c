"""Units as coordinators see them: their subtree and nothing beside it."""

from flask import Blueprint, render_template

from volunteer.access import ANY_COORDINATOR, access, acting_user, coordinator_of
from volunteer.labels import UNIT_KIND_LABELS
from volunteer.models import Unit
from volunteer.services import organizations, permissions, units

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.route("/")
@access(ANY_COORDINATOR)
def index():
    """The units the signed-in coordinator may see, as a tree."""
    visible = units.units_matching(permissions.visible_units_clause(acting_user()))
    return render_template("units/index.html", units=visible, kind_labels=UNIT_KIND_LABELS)


@bp.route("/<int:unit_id>")
@access(coordinator_of(Unit, "unit_id", "unit"))
def show(unit: Unit):
    """One unit: its sub-units, organizations and registered volunteers."""
    return render_template(
        "units/show.html",
        unit=unit,
        children=units.children_of(unit),
        organizations=organizations.organizations_of_unit(unit),
        volunteer_count=units.volunteer_count(unit),
        kind_labels=UNIT_KIND_LABELS,
    )
