"""Admin pages: the unit tree, organizations, role grants and the audit log."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms import SelectChoice

from volunteer.access import ADMIN, access, acting_user, admin_of
from volunteer.admin.forms import (
    ConfirmForm,
    GrantForm,
    OrganizationForm,
    UnitCreateForm,
    UnitEditForm,
    UnitMoveForm,
)
from volunteer.extensions import db
from volunteer.forms import unit_choices, unit_from_choice
from volunteer.i18n import gettext as _
from volunteer.labels import ROLE_LABELS, UNIT_KIND_LABELS
from volunteer.models import AuditEntry, Organization, Role, RoleGrant, Unit, UnitKind, User
from volunteer.services import grants, organizations, units
from volunteer.services.errors import ServiceError

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _organization_choices() -> list[SelectChoice]:
    rows = db.session.execute(
        select(Organization.id, Organization.name)
        .where(Organization.active.is_(True))
        .order_by(Organization.name)
    ).all()
    return [SelectChoice("", "—")] + [SelectChoice(str(row.id), row.name) for row in rows]


@bp.route("/units", methods=["GET", "POST"])
@access(ADMIN)
def unit_tree():
    """The whole unit tree, with a form to add a unit."""
    form = UnitCreateForm()
    form.parent_id.choices = unit_choices()
    if form.validate_on_submit():
        try:
            unit = units.create_unit(
                form.code.data,
                form.name.data,
                UnitKind(form.kind.data),
                unit_from_choice(form.parent_id.data),
                actor=acting_user(),
            )
        except ServiceError as error:
            db.session.rollback()
            getattr(form, error.field or "code").errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Unit %(name)s created.", name=unit.name), "success")
            return redirect(url_for("admin.unit_tree"))
    tree = db.session.scalars(select(Unit).order_by(Unit.path)).all()
    return render_template(
        "admin/unit_tree.html", form=form, tree=tree, kind_labels=UNIT_KIND_LABELS
    )


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@access(admin_of(Unit, "unit_id", "unit"))
def unit_edit(unit: Unit):
    """Rename a unit, change its kind; links to move and (de)activate."""
    form = UnitEditForm(obj=unit, kind=unit.kind.value)
    move_form = UnitMoveForm(prefix="move")
    move_form.parent_id.choices = unit_choices(clause=~Unit.path.startswith(unit.path))
    if form.validate_on_submit():
        units.rename_unit(unit, form.name.data, UnitKind(form.kind.data), actor=acting_user())
        db.session.commit()
        flash(_("Unit saved."), "success")
        return redirect(url_for("admin.unit_edit", unit_id=unit.id))
    return render_template(
        "admin/unit_edit.html",
        unit=unit,
        form=form,
        move_form=move_form,
        toggle_form=ConfirmForm(prefix="toggle"),
        kind_labels=UNIT_KIND_LABELS,
    )


@bp.route("/units/<int:unit_id>/move", methods=["POST"])
@access(admin_of(Unit, "unit_id", "unit"))
def unit_move(unit: Unit):
    """Move a unit and its subtree under another parent."""
    form = UnitMoveForm(prefix="move")
    form.parent_id.choices = unit_choices()
    if form.validate_on_submit() and (parent := unit_from_choice(form.parent_id.data)):
        try:
            units.move_unit(unit, parent, actor=acting_user())
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Unit moved under %(name)s.", name=parent.name), "success")
    else:
        flash(_("Choose the new parent unit."), "danger")
    return redirect(url_for("admin.unit_edit", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/active", methods=["POST"])
@access(admin_of(Unit, "unit_id", "unit"))
def unit_toggle_active(unit: Unit):
    """Deactivate or reactivate a unit; units are never deleted."""
    if ConfirmForm(prefix="toggle").validate_on_submit():
        try:
            units.set_unit_active(unit, not unit.active, actor=acting_user())
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Unit reactivated.") if unit.active else _("Unit deactivated."), "success")
    return redirect(url_for("admin.unit_edit", unit_id=unit.id))


@bp.route("/organizations")
@access(ADMIN)
def organization_list():
    """All organizations with their units."""
    rows = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    return render_template("admin/organization_list.html", organizations=rows)


@bp.route("/organizations/new", methods=["GET", "POST"], defaults={"organization_id": None})
@bp.route("/organizations/<int:organization_id>", methods=["GET", "POST"])
@access(ADMIN)
def organization_edit(organization_id: int | None):
    """Create or edit an organization."""
    organization = db.session.get(Organization, organization_id) if organization_id else None
    if organization_id and organization is None:
        abort(404)
    form = OrganizationForm(
        obj=organization, unit_id=str(getattr(organization, "unit_id", "") or "")
    )
    form.unit_id.choices = unit_choices()
    if form.validate_on_submit():
        try:
            organization = organizations.save_organization(
                organization,
                name=form.name.data,
                unit=unit_from_choice(form.unit_id.data),
                description=form.description.data,
                contact_name=form.contact_name.data,
                contact_phone=form.contact_phone.data,
                active=form.active.data,
                actor=acting_user(),
            )
        except ServiceError as error:
            db.session.rollback()
            form.name.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Organization %(name)s saved.", name=organization.name), "success")
            return redirect(url_for("admin.organization_list"))
    return render_template("admin/organization_edit.html", form=form, organization=organization)


@bp.route("/grants", methods=["GET", "POST"])
@access(ADMIN)
def grant_list():
    """Search a person, grant a role; list active grants with revoke buttons."""
    form = GrantForm()
    form.organization_id.choices = _organization_choices()
    form.unit_id.choices = unit_choices()
    if form.validate_on_submit():
        person = db.session.get(User, int(form.user_id.data))
        organization_id = form.organization_id.data
        try:
            grants.grant_role(
                person,
                Role(form.role.data),
                actor=acting_user(),
                organization=db.session.get(Organization, int(organization_id))
                if organization_id
                else None,
                unit=unit_from_choice(form.unit_id.data),
            )
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Role granted to %(name)s.", name=person.name), "success")
            return redirect(url_for("admin.grant_list", q=request.args.get("q", "")))
    query = request.args.get("q", "")
    active = db.session.scalars(
        select(RoleGrant)
        .where(RoleGrant.revoked_at.is_(None))
        .order_by(RoleGrant.role, RoleGrant.granted_at)
    ).all()
    return render_template(
        "admin/grants.html",
        form=form,
        query=query,
        people=grants.search_people(query),
        active_grants=active,
        role_labels=ROLE_LABELS,
        revoke_form=ConfirmForm(prefix="revoke"),
    )


@bp.route("/grants/<int:grant_id>/revoke", methods=["POST"])
@access(admin_of(RoleGrant, "grant_id", "grant"))
def grant_revoke(grant: RoleGrant):
    """Revoke a role; the grant stays in the history."""
    if ConfirmForm(prefix="revoke").validate_on_submit():
        try:
            grants.revoke_role(grant, actor=acting_user())
        except ServiceError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Role revoked."), "success")
    return redirect(url_for("admin.grant_list"))


@bp.route("/audit")
@access(ADMIN)
def audit_log():
    """The latest audit entries, newest first."""
    page = max(request.args.get("page", 1, type=int), 1)
    entries = db.paginate(
        select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()),
        page=page,
        per_page=50,
    )
    return render_template("admin/audit.html", entries=entries)
