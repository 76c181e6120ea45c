"""Certificate pages: one's own certificates, other people's (admins, coordinators,
organizers), revoking and re-issuing. Batches, issuer settings and the public verification
page are views of the same blueprints in batch_views, settings_views and verify_views."""

from flask import abort, flash, redirect, render_template, request, url_for
from wtforms import SelectChoice

from volunteer.access import ADMIN, VOLUNTEER, access, acting_user, admin_of
from volunteer.actions import commit_if, service_action
from volunteer.bounds import page_number

# Imported for their views, which register on the blueprints defined in blueprint.py.
from volunteer.certificates import (  # noqa: F401
    batch_views,
    settings_views,
    this_year_views,
    verify_views,
)
from volunteer.certificates.blueprint import (
    CERTIFICATE_VIEWER,
    ISSUES_FOR_OTHERS,
    PERIOD_NAMES,
    PERSON_IN_SCOPE,
    bp,
    verify_bp,
)
from volunteer.certificates.forms import IssueForm, ReasonForm, SearchForm
from volunteer.extensions import db
from volunteer.forms import chosen_row
from volunteer.i18n import gettext as _
from volunteer.i18n import lazy_gettext as _l
from volunteer.models import Certificate, Organization, Volunteer
from volunteer.printing.output import certificate_download
from volunteer.services import certificates, home, permissions, roster_access
from volunteer.services.identity import ID_TYPE_LABELS

__all__ = ["bp", "verify_bp"]

ALL_RECORDS = "all"
CERTIFICATES_PER_PAGE = 50


# ---- one's own certificates ----


@bp.route("/", methods=["GET", "POST"])
@access(VOLUNTEER)
def mine():
    """The volunteer's certificates and a form to issue one for a period."""
    volunteer = acting_user().volunteer
    form = IssueForm()
    del form.scope  # one's own certificate always covers all organizations
    certificate = _issue(form, volunteer, None) if form.validate_on_submit() else None
    if certificate is not None:
        return redirect(url_for("certificates.show", certificate_id=certificate.id))
    return render_template(
        "certificates/mine.html",
        form=form,
        certificates=certificates.certificates_of(volunteer),
        period_names=PERIOD_NAMES,
        available=home.certificates_available(),
    )


def _issue(
    form: IssueForm, volunteer: Volunteer, organization: Organization | None
) -> Certificate | None:
    """Issue for the form's period; the new certificate, or None with the error on the form."""
    with service_action(form, default_field="period") as outcome:
        certificate = certificates.issue_certificate(
            volunteer, form.to_period(), acting_user(), organization
        )
    if not outcome.ok:
        return None
    flash(_("Certificate %(serial)s is ready.", serial=certificate.serial), "success")
    return certificate


@bp.route("/<int:certificate_id>")
@access(CERTIFICATE_VIEWER)
def show(certificate: Certificate):
    """One certificate: what it says, its download, and (admins) revoke and re-issue."""
    _note_roster_access(certificate.volunteer, "certificate", certificate)
    return render_template(
        "certificates/show.html",
        certificate=certificate,
        content=certificate.content,
        revoke_form=ReasonForm(prefix="revoke"),
        reissue_form=ReasonForm(prefix="reissue"),
        is_admin=permissions.is_admin(acting_user()),
        period_names=PERIOD_NAMES,
    )


@bp.route("/<int:certificate_id>/pdf")
@access(CERTIFICATE_VIEWER)
def download(certificate: Certificate):
    """The certificate as a PDF file."""
    _note_roster_access(certificate.volunteer, "certificate_pdf", certificate)
    return certificate_download(certificate, attachment=request.args.get("inline") != "1")


def _note_roster_access(volunteer: Volunteer, what: str, target) -> None:
    """Keep an audit entry when a roster is what lets the user see this person's data."""
    commit_if(roster_access.note_roster_access(acting_user(), volunteer, what, target))


@bp.route("/<int:certificate_id>/revoke", methods=["POST"])
@access(admin_of(Certificate, "certificate_id", "certificate"))
def revoke(certificate: Certificate):
    """Revoke with a reason; the verification page then shows it as revoked."""
    form = ReasonForm(prefix="revoke")
    if not form.validate_on_submit():
        flash(_("Give the reason for revoking."), "danger")
    else:
        revoked = _("Certificate %(serial)s revoked.", serial=certificate.serial)
        with service_action(success=revoked):
            certificates.revoke_certificate(certificate, form.reason.data, acting_user())
    return redirect(url_for("certificates.show", certificate_id=certificate.id))


@bp.route("/<int:certificate_id>/reissue", methods=["POST"])
@access(admin_of(Certificate, "certificate_id", "certificate"))
def reissue(certificate: Certificate):
    """Replace a certificate with a new serial and today's data; the old one is revoked."""
    form = ReasonForm(prefix="reissue")
    if not form.validate_on_submit():
        flash(_("Give the reason for re-issuing."), "danger")
        return redirect(url_for("certificates.show", certificate_id=certificate.id))
    certificate_id = certificate.id
    with service_action() as outcome:
        replacement = certificates.reissue_certificate(certificate, form.reason.data, acting_user())
    if not outcome.ok:
        return redirect(url_for("certificates.show", certificate_id=certificate_id))
    flash(_("Re-issued as %(serial)s.", serial=replacement.serial), "success")
    return redirect(url_for("certificates.show", certificate_id=replacement.id))


# ---- other people (admins, coordinators, organizers) ----


@bp.route("/people")
@access(ISSUES_FOR_OTHERS)
def people():
    """Find a person in scope to issue or download their certificate."""
    form = SearchForm(request.args)
    query = (form.q.data or "").strip()
    found = certificates.find_people_in_scope(acting_user(), query)
    return render_template("certificates/people.html", form=form, people=found, query=query)


def _scope_choices(volunteer: Volunteer) -> list[SelectChoice]:
    """All organizations (when the user may issue in full), then each certifiable one."""
    full = certificates.may_issue_full(acting_user(), volunteer)
    choices = [SelectChoice(ALL_RECORDS, str(_l("All organizations")))] if full else []
    certifiable = certificates.organizations_certifiable_by(acting_user(), volunteer)
    return choices + [SelectChoice(str(o.id), o.name) for o in certifiable]


@bp.route("/people/<int:volunteer_id>", methods=["GET", "POST"])
@access(PERSON_IN_SCOPE)
def person(volunteer: Volunteer):
    """A person's certificates the user may see, and a form to issue one."""
    _note_roster_access(volunteer, "person", volunteer)
    form = IssueForm()
    form.scope.choices = _scope_choices(volunteer)
    if form.validate_on_submit():
        certificate = _issue(form, volunteer, _chosen_organization(form))
        if certificate is not None:
            return redirect(url_for("certificates.show", certificate_id=certificate.id))
    return render_template(
        "certificates/person.html",
        volunteer=volunteer,
        form=form,
        certificates=certificates.visible_certificates(acting_user(), volunteer),
        period_names=PERIOD_NAMES,
        id_type_labels=ID_TYPE_LABELS,
        # ID numbers (even masked) are for the person's roster coordinators and admins only.
        show_id=certificates.may_issue_full(acting_user(), volunteer),
    )


def _chosen_organization(form: IssueForm) -> Organization | None:
    """The organization the form limits the certificate to (None: all); 403 if not offered."""
    if form.scope.data not in {choice.value for choice in form.scope.choices}:
        abort(403)
    if form.scope.data == ALL_RECORDS:
        return None
    return chosen_row(Organization, form.scope.data)


@bp.route("/all")
@access(ADMIN)
def all_certificates():
    """Every certificate, newest first; search by serial or name."""
    form = SearchForm(request.args)
    query = (form.q.data or "").strip()
    page = db.paginate(
        certificates.all_certificates_statement(query),
        page=page_number(),
        per_page=CERTIFICATES_PER_PAGE,
    )
    return render_template("certificates/all.html", form=form, page=page, query=query)
