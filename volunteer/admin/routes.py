"""Admin pages: the unit tree, organizations, role grants and the audit log."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import true

from volunteer.access import ADMIN, access, acting_user, admin_of
from volunteer.actions import service_action
from volunteer.admin.forms import (
    ConfirmForm,
    GrantForm,
    OrganizationForm,
    UnitCreateForm,
    UnitEditForm,
    UnitMoveForm,
)
from volunteer.extensions import db
from volunteer.forms import chosen_row_or_404, safe_next, unit_from_choice
from volunteer.i18n import gettext as _
from volunteer.labels import ROLE_LABELS, UNIT_KIND_LABELS
from volunteer.models import (
    Organization,
    OrganizationKind,
    Role,
    RoleGrant,
    Unit,
    UnitKind,
    User,
    utcnow,
)
from volunteer.services import grants, offline_sync, organizations, sessions, units

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/units", methods=["GET", "POST"])
@access(ADMIN)
def unit_tree():
    """One level of the unit tree (?under=: a unit's sub-units) or a search (?q=), a page at a
    time with sub-unit counts; a form adds a unit under the opened one."""
    opened = unit_from_choice(request.args.get("under"))
    form = UnitCreateForm(parent_id=str(opened.id) if opened else "")
    if form.validate_on_submit() and _created_unit(form):
        return redirect(url_for("admin.unit_tree", under=form.parent_id.data or None))
    text = request.args.get("q", "").strip()[:100]
    asked = request.args.get("page", type=int)
    return render_template(
        "admin/unit_tree.html",
        form=form,
        opened=opened,
        trail=units.ancestors(opened) if opened else [],
        q=text,
        lines=units.units_named(text, true(), asked) if text else units.unit_level(opened, asked),
        kind_labels=UNIT_KIND_LABELS,
    )


def _created_unit(form: UnitCreateForm) -> bool:
    name = form.name.data.strip()
    with service_action(form, _("Unit %(name)s created.", name=name), "code") as outcome:
        units.create_unit(
            form.code.data,
            form.name.data,
            UnitKind(form.kind.data),
            unit_from_choice(form.parent_id.data),
            actor=acting_user(),
        )
    return outcome.ok


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@access(admin_of(Unit, "unit_id", "unit"))
def unit_edit(unit: Unit):
    """Rename a unit, change its kind; links to move and (de)activate."""
    form = UnitEditForm(obj=unit, kind=unit.kind.value)
    if form.validate_on_submit():
        with service_action(form, _("Unit saved.")) as outcome:
            units.rename_unit(unit, form.name.data, UnitKind(form.kind.data), actor=acting_user())
            units.set_assessed(unit, form.assessed.data, actor=acting_user())
        if outcome.ok:
            return redirect(url_for("admin.unit_edit", unit_id=unit.id))
    return render_template(
        "admin/unit_edit.html",
        unit=unit,
        form=form,
        move_form=_move_form(unit),
        toggle_form=ConfirmForm(prefix="toggle"),
        kind_labels=UNIT_KIND_LABELS,
    )


def _move_form(unit: Unit) -> UnitMoveForm:
    """The move form, whose parent code must name a unit outside `unit`'s own subtree."""
    move_form = UnitMoveForm(prefix="move")
    move_form.parent_code.clause = units.outside_subtree(unit)
    move_form.parent_code.refusal = _("A unit cannot move under itself or its own sub-units.")
    return move_form


@bp.route("/units/<int:unit_id>/move", methods=["POST"])
@access(admin_of(Unit, "unit_id", "unit"))
def unit_move(unit: Unit):
    """Move a unit and its subtree under another parent, named by its code."""
    form = _move_form(unit)
    if form.validate_on_submit():
        parent = form.parent_code.unit
        with service_action(success=_("Unit moved under %(name)s.", name=parent.name)):
            units.move_unit(unit, parent, actor=acting_user())
    else:
        for error in form.parent_code.errors or [_("Enter the new parent unit's code.")]:
            flash(error, "danger")
    return redirect(url_for("admin.unit_edit", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/active", methods=["POST"])
@access(admin_of(Unit, "unit_id", "unit"))
def unit_toggle_active(unit: Unit):
    """Deactivate or reactivate a unit; units are never deleted."""
    if ConfirmForm(prefix="toggle").validate_on_submit():
        done = _("Unit deactivated.") if unit.active else _("Unit reactivated.")
        with service_action(success=done):
            units.set_unit_active(unit, not unit.active, actor=acting_user())
    return redirect(url_for("admin.unit_edit", unit_id=unit.id))


@bp.route("/organizations")
@access(ADMIN)
def organization_list():
    """The organizations with their units, a page at a time, searched by name (?q=)."""
    text = request.args.get("q", "").strip()[:100]
    return render_template(
        "admin/organization_list.html",
        q=text,
        page=organizations.organization_page(text, request.args.get("page", type=int)),
    )


@bp.route("/organizations/new", methods=["GET", "POST"], defaults={"organization_id": None})
@bp.route("/organizations/<int:organization_id>", methods=["GET", "POST"])
@access(ADMIN)
def organization_edit(organization_id: int | None):
    """Create or edit an organization."""
    organization = db.get_or_404(Organization, organization_id) if organization_id else None
    unit = organization.unit if organization else None
    form = OrganizationForm(obj=organization, unit_code=unit.code if unit else "")
    if form.validate_on_submit() and _saved_organization(organization, form):
        return redirect(url_for("admin.organization_list"))
    return render_template("admin/organization_edit.html", form=form, organization=organization)


def _saved_organization(organization: Organization | None, form: OrganizationForm) -> bool:
    saved = _("Organization %(name)s saved.", name=form.name.data.strip())
    with service_action(form, saved, default_field="name") as outcome:
        organizations.save_organization(
            organization,
            name=form.name.data,
            unit=form.unit_code.unit,
            kind=OrganizationKind(form.kind.data),
            description=form.description.data,
            contact_name=form.contact_name.data,
            contact_phone=form.contact_phone.data,
            active=form.active.data,
            actor=acting_user(),
        )
    return outcome.ok


@bp.route("/grants", methods=["GET", "POST"])
@access(ADMIN)
def grant_list():
    """Search a person, grant a role; list active grants with revoke buttons."""
    form = GrantForm()
    query = request.args.get("q", "")
    if form.validate_on_submit() and _granted(form):
        return redirect(url_for("admin.grant_list", q=query))
    return render_template(
        "admin/grants.html",
        form=form,
        query=query,
        people=grants.search_people(query),
        active_grants=grants.grant_page(request.args.get("page", type=int)),
        role_labels=ROLE_LABELS,
        revoke_form=ConfirmForm(prefix="revoke"),
        sign_out_form=ConfirmForm(prefix="sign-out"),
    )


def _granted(form: GrantForm) -> bool:
    person = chosen_row_or_404(User, form.user_id.data)
    with service_action(success=_("Role granted to %(name)s.", name=person.name)) as outcome:
        _grant_requested(form, person)
    return outcome.ok


def _grant_requested(form: GrantForm, person: User) -> RoleGrant:
    return grants.grant_role(
        person,
        Role(form.role.data),
        actor=acting_user(),
        organization=form.organization_name.organization,
        unit=form.unit_code.unit,
    )


@bp.route("/grants/<int:grant_id>/revoke", methods=["POST"])
@access(admin_of(RoleGrant, "grant_id", "grant"))
def grant_revoke(grant: RoleGrant):
    """Revoke a role; the grant stays in the history."""
    if ConfirmForm(prefix="revoke").validate_on_submit():
        with service_action(success=_("Role revoked.")):
            grants.revoke_role(grant, actor=acting_user())
    return redirect(safe_next(request.form.get("next"), url_for("admin.grant_list")))


@bp.route("/users/<int:user_id>/sign-out-everywhere", methods=["POST"])
@access(admin_of(User, "user_id", "person"))
def sign_out_everywhere(person: User):
    """End every session, remember-me cookie and API sign-in token of an account."""
    if ConfirmForm(prefix="sign-out").validate_on_submit():
        done = _("%(name)s has been signed out everywhere.", name=person.name)
        with service_action(success=done):
            sessions.sign_out_everywhere(person, acting_user(), utcnow(), reason="admin")
    return redirect(url_for("admin.grant_list", q=request.args.get("q", "")))


@bp.route("/kiosk-batches")
@access(ADMIN)
def refused_kiosk_batches():
    """Batches of offline scans refused because the device's token was revoked or expired."""
    return render_template("admin/kiosk_batches.html", batches=offline_sync.refused_batches())


# The audit log views live in their own module on this blueprint; importing it registers them.
from volunteer.admin import audit_routes  # noqa: E402, F401
