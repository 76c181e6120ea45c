"""Forgotten passwords: coordinators and admins issue a one-time code; the person redeems it."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import login_user

from volunteer import pending_scan
from volunteer.access import ANY_COORDINATOR, PUBLIC, Rule, access, acting_user
from volunteer.actions import service_action
from volunteer.auth.blueprint import bp
from volunteer.auth.forms import IssueResetForm, PasswordResetForm, ResetSearchForm
from volunteer.extensions import limiter
from volunteer.i18n import gettext as _
from volunteer.limits import client_address
from volunteer.models import User, utcnow
from volunteer.services import password_resets, permissions, sms

PERSON_TO_RESET = Rule(
    "coordinator or admin of the person",
    allowed=permissions.is_coordinator,
    model=User,
    id_arg="user_id",
    as_arg="person",
    scope_check=password_resets.may_reset_password,
)


def _limit_reset_tries(view):
    return limiter.limit(
        lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"],
        key_func=client_address,
        methods=["POST"],
    )(view)


@bp.route("/resets")
@access(ANY_COORDINATOR)
def resets():
    """Find a person in one's scope to issue a password-reset code for."""
    form = ResetSearchForm(request.args)
    people = password_resets.people_for_reset(acting_user(), form.q.data or "")
    return render_template(
        "auth/resets.html", form=form, people=people, issue_form=IssueResetForm()
    )


@bp.route("/resets/<int:user_id>", methods=["POST"])
@access(PERSON_TO_RESET)
def issue_reset(person: User):
    """Issue a one-time code and show it (with its link) once."""
    if not IssueResetForm().validate_on_submit():
        return redirect(url_for("auth.resets"))
    with service_action() as outcome:
        issued = password_resets.issue_reset(person, acting_user(), utcnow())
    if not outcome.ok:
        return redirect(url_for("auth.resets"))
    link = url_for("auth.reset_password", code=issued.code, _external=True)
    texted = sms.send_reset_code(person.phone, issued.code, link)
    return render_template(
        "auth/reset_issued.html", person=person, issued=issued, link=link, texted=texted
    )


@bp.route("/reset", methods=["GET", "POST"])
@bp.route("/reset/<code>", methods=["GET", "POST"])
@access(PUBLIC)
@_limit_reset_tries
def reset_password(code: str | None = None):
    """Set a new password with a one-time code, then sign in (and make a waiting scan)."""
    form = PasswordResetForm(data={"code": code} if code else None)
    if form.validate_on_submit():
        with service_action(form, default_field="code") as outcome:
            user = password_resets.redeem_reset(form.code.data, form.password.data, utcnow())
        if outcome.ok:
            login_user(user)
            flash(_("Your new password is set."), "success")
            return redirect(pending_scan.next_path(url_for("main.index")))
    return render_template("auth/reset.html", form=form, scan=pending_scan.pending())
