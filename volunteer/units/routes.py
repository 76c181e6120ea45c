"""Units as coordinators see them: their subtree and nothing beside it."""

from flask import Blueprint, render_template, request

from volunteer.access import ANY_COORDINATOR, access, acting_user, coordinator_of
from volunteer.labels import UNIT_KIND_LABELS
from volunteer.models import Unit
from volunteer.services import organizations, permissions, units

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.route("/")
@access(ANY_COORDINATOR)
def index():
    """The tops of the signed-in coordinator's subtrees (open a unit for its sub-units), or a
    search of the units they may see (?q=), a page at a time."""
    user, text = acting_user(), request.args.get("q", "").strip()[:100]
    asked = request.args.get("page", type=int)
    if text:
        lines = units.units_named(text, permissions.visible_units_clause(user), asked)
    else:
        lines = units.top_lines(user, asked)
    return render_template("units/index.html", lines=lines, q=text, kind_labels=UNIT_KIND_LABELS)


@bp.route("/<int:unit_id>")
@access(coordinator_of(Unit, "unit_id", "unit"))
def show(unit: Unit):
    """One unit: its sub-units (a page of them), organizations and registered volunteers."""
    return render_template(
        "units/show.html",
        unit=unit,
        children=units.unit_level(unit, request.args.get("page", type=int)),
        organizations=organizations.organizations_of_unit(unit),
        volunteer_count=units.volunteer_count(unit),
        kind_labels=UNIT_KIND_LABELS,
    )
