"""Registration, sign-in and sign-out."""

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from volunteer import display
from volunteer.access import PUBLIC, SIGNED_IN, access, acting_user
from volunteer.actions import service_action
from volunteer.auth.forms import LoginForm, RegistrationForm
from volunteer.extensions import db
from volunteer.forms import is_safe_next, unit_choices
from volunteer.i18n import gettext as _
from volunteer.limits import limit_registration, limit_sign_in
from volunteer.services import accounts, sessions

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/register", methods=["GET", "POST"])
@access(PUBLIC)
@limit_registration
def register():
    """Self-registration with privacy consent (and a guardian's, under 14)."""
    form = RegistrationForm()
    form.unit_id.choices = unit_choices()
    if form.validate_on_submit():
        with service_action(form, default_field="name") as outcome:
            volunteer = accounts.register_volunteer(form.to_registration())
            display.carry_into_profile(volunteer.user)
        if outcome.ok:
            login_user(volunteer.user)
            number = volunteer.volunteer_number
            flash(_("Welcome! Your volunteer number is %(number)s.", number=number), "success")
            return redirect(url_for("profile.show"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@access(PUBLIC)
@limit_sign_in
def login():
    """Sign in by phone or ID number; returns to `next` (a scan, say) afterwards."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        with service_action():
            user = accounts.authenticate(form.login.data, form.password.data)
        if user is None:
            flash(_("The phone/ID number or password is wrong."), "danger")
        else:
            display.carry_into_profile(user)
            db.session.commit()
            login_user(user, remember=form.remember.data)
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@access(SIGNED_IN)
def logout():
    """Sign out (POST, so a link cannot sign someone out), on every browser at once:
    a copied session or remember-me cookie stops working too."""
    with service_action():
        sessions.end_browser_sessions(acting_user())
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/privacy")
@access(PUBLIC)
def privacy():
    """The privacy notice shown at registration."""
    return render_template("auth/privacy.html")
