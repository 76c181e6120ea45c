"""Recognition pages: ranked candidates, nominations, criteria, the honour roll and certificates."""

from flask import flash, redirect, render_template, request, url_for

from volunteer.access import ADMIN, ANY_COORDINATOR, SIGNED_IN, access, acting_user, coordinator_of
from volunteer.actions import service_action
from volunteer.forms import safe_next
from volunteer.i18n import gettext as _
from volunteer.labels import HONOUR_CATEGORY_LABELS
from volunteer.models import HonourCategory, HonourCertificate, Nomination, Unit
from volunteer.network.blueprint import HONOUR_ADMIN, NOMINATION_ADMIN, bp, chosen_year, download
from volunteer.network.forms import ConfirmForm, CriteriaForm, DecideForm, NominateForm, RevokeForm
from volunteer.printing.output import verify_url
from volunteer.services import compliance
from volunteer.services.network import exports, honours, nominations, recognition
from volunteer.services.periods import local_today


@bp.route("/recognition")
@access(ANY_COORDINATOR)
def recognition_index():
    """Open the candidate lists of the user's (first) subtree."""
    roots = compliance.roots_of(acting_user())
    if not roots:
        return redirect(url_for("main.index"))
    return redirect(url_for("network.candidates", unit_id=roots[0].id, **request.args))


@bp.route("/recognition/units/<int:unit_id>")
@access(coordinator_of(Unit, "unit_id", "unit"))
def candidates(unit: Unit):
    """The year's ranked candidates of the subtree, each with a nomination form."""
    year = chosen_year()
    criteria = recognition.criteria_for(year)
    return render_template(
        "network/recognition.html",
        unit=unit,
        year=year,
        criteria=criteria,
        lists=[(c, recognition.ranking(c, year, criteria, unit)) for c in HonourCategory],
        labels=HONOUR_CATEGORY_LABELS,
        nominated=nominations.nominations_by(unit, year),
        form=NominateForm(),
        years=recognition.years_to_show(local_today()),
    )


@bp.route("/recognition/units/<int:unit_id>/nominate", methods=["POST"])
@access(coordinator_of(Unit, "unit_id", "unit"))
def nominate(unit: Unit):
    """Nominate one of the listed candidates with a reason."""
    form = NominateForm()
    year = int(form.year.data) if (form.year.data or "").isdigit() else local_today().year
    if form.validate_on_submit():
        with service_action(form, _("Nomination sent for approval."), default_field="reason"):
            category = HonourCategory(form.category.data)
            subject_id = int(form.subject_id.data)
            nominations.nominate(category, subject_id, year, unit, form.reason.data, acting_user())
    else:
        _flash_errors(form)
    return redirect(url_for("network.candidates", unit_id=unit.id, year=year))


def _flash_errors(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "danger")


@bp.route("/recognition/criteria", methods=["GET", "POST"])
@access(ADMIN)
def criteria():
    """The year's recognition criteria (an admin's choice)."""
    year = chosen_year()
    form = CriteriaForm(obj=recognition.criteria_for(year))
    if form.validate_on_submit():
        values = {name: form[name].data for name in recognition.Criteria.__dataclass_fields__}
        with service_action(form, _("Criteria saved.")) as outcome:
            recognition.save_criteria(year, recognition.Criteria(**values), acting_user())
        if outcome.ok:
            return redirect(url_for("network.criteria", year=year))
    return render_template("network/criteria.html", form=form, year=year)


@bp.route("/nominations")
@access(ADMIN)
def nomination_list():
    """The year's nominations to decide, and honour certificates of the approved ones."""
    year = chosen_year()
    page = nominations.nomination_page(year, request.args.get("page", type=int))
    return render_template(
        "network/nominations.html",
        year=year,
        page=page,
        items=[(n, honours.certificates_of(n)) for n in page.items],
        labels=HONOUR_CATEGORY_LABELS,
        decide_form=DecideForm(),
        issue_form=ConfirmForm(),
        revoke_form=RevokeForm(),
    )


@bp.route("/nominations/<int:nomination_id>/decide", methods=["POST"])
@access(NOMINATION_ADMIN)
def decide(nomination: Nomination):
    """Approve or reject a nomination."""
    form = DecideForm()
    if form.validate_on_submit():
        with service_action(success=_("Decision saved.")):
            nominations.decide(nomination, bool(form.approve.data), form.note.data, acting_user())
    return _back_to_list(nomination.year)


@bp.route("/nominations/<int:nomination_id>/certificate", methods=["POST"])
@access(NOMINATION_ADMIN)
def issue_certificate(nomination: Nomination):
    """Issue the honour certificate of an approved nomination."""
    if ConfirmForm().validate_on_submit():
        with service_action(success=_("Honour certificate issued.")):
            honours.issue_honour_certificate(nomination, acting_user())
    return _back_to_list(nomination.year)


@bp.route("/honour-certificates/<int:certificate_id>.pdf")
@access(HONOUR_ADMIN)
def certificate_pdf(certificate: HonourCertificate):
    """The honour certificate's PDF, with a QR code to the public check page."""
    data = exports.honour_certificate_pdf(certificate, verify_url(certificate.serial))
    return download(data, f"荣誉证书-{certificate.serial}.pdf", "application/pdf")


@bp.route("/honour-certificates/<int:certificate_id>/revoke", methods=["POST"])
@access(HONOUR_ADMIN)
def revoke_certificate(certificate: HonourCertificate):
    """Revoke an honour certificate; it shows as revoked on the check page."""
    form = RevokeForm()
    if form.validate_on_submit():
        with service_action(success=_("Honour certificate revoked.")):
            honours.revoke_honour_certificate(certificate, form.reason.data, acting_user())
    else:
        _flash_errors(form)
    return _back_to_list(certificate.nomination.year)


def _back_to_list(year: int):
    """Back to the page of the nominations list the form was sent from (its `next`), else the
    year's first page."""
    default = url_for("network.nomination_list", year=year)
    return redirect(safe_next(request.form.get("next"), default))


@bp.route("/honours")
@access(SIGNED_IN)
def honour_roll():
    """The year's honour roll."""
    year = chosen_year()
    return render_template(
        "network/honour_roll.html",
        year=year,
        entries=honours.honour_roll(year),
        labels=HONOUR_CATEGORY_LABELS,
        categories=list(HonourCategory),
        years=recognition.years_to_show(local_today()),
    )


@bp.route("/honours/<int:year>.pdf")
@access(SIGNED_IN)
def honour_roll_pdf(year: int):
    """The year's honour roll as a printable PDF."""
    return download(exports.honour_roll_pdf(year), f"光荣榜-{year}.pdf", "application/pdf")
