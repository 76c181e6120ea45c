"""Registration, sign-in and sign-out."""

from datetime import timedelta

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from volunteer import display, pending_scan
from volunteer.access import PUBLIC, SIGNED_IN, access, acting_user
from volunteer.actions import service_action
from volunteer.auth import reset_views  # noqa: F401  (registers its views on bp)
from volunteer.auth.blueprint import bp
from volunteer.auth.forms import LoginForm, RegistrationForm
from volunteer.extensions import db
from volunteer.forms import is_safe_next
from volunteer.i18n import gettext as _
from volunteer.limits import limit_registration, limit_sign_in, limit_unit_search
from volunteer.models import Unit
from volunteer.pickers import search_answer, searched_text
from volunteer.services import accounts, registration_links, sessions, units

__all__ = ["bp"]


@bp.route("/register", methods=["GET", "POST"])
@access(PUBLIC)
@limit_registration
def register():
    """Self-registration with privacy consent (and a guardian's, under 14)."""
    form = RegistrationForm()
    poster_unit = _poster_unit()
    if form.validate_on_submit():
        with service_action(form, default_field="name") as outcome:
            volunteer = accounts.register_volunteer(form.to_registration(poster_unit))
            display.carry_into_profile(volunteer.user)
        if outcome.ok:
            login_user(volunteer.user)
            number = volunteer.volunteer_number
            flash(_("Welcome! Your volunteer number is %(number)s.", number=number), "success")
            # A scan that brought the person here is made now: they land checked in.
            return redirect(pending_scan.next_path(url_for("profile.show")))
    return render_template(
        "auth/register.html", form=form, scan=pending_scan.pending(), poster_unit=poster_unit
    )


def _poster_unit() -> Unit | None:
    """The unit a poster's link files the person under; a link that is not genuine is said so."""
    token = request.args.get("unit")
    if token is None:
        return None
    unit = registration_links.unit_for_token(token)
    if unit is None and request.method == "GET":
        flash(_("This registration link is not valid; choose your work unit below."), "warning")
    return unit


# The picker searches once a volunteer has typed this much: one Chinese character (镇, 村)
# matches half the tree, two already narrow it to a name.


@bp.route("/work-units")
@access(PUBLIC)
@limit_unit_search
def work_units():
    """The active units whose name contains `q` (or whose code is `q`), with their paths, as
    JSON for the register and profile pages' picker: the first PICKER_RESULTS of them. Public,
    as the register page's own list of units always was."""
    text = searched_text(request.args.get("q"))
    return jsonify(search_answer(units.search_units(text) if text else []))


@bp.route("/login", methods=["GET", "POST"])
@access(PUBLIC)
@limit_sign_in
def login():
    """Sign in by phone or ID number; returns to `next` (a scan, say) afterwards."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    scan = pending_scan.pending()
    # After a scan (often in WeChat's in-app browser, with cookies of its own) the device
    # is remembered by default, so the next scan at the gate needs no password.
    form = LoginForm(remember=scan is not None)
    if form.validate_on_submit():
        with service_action():
            user = accounts.authenticate(form.login.data, form.password.data)
        if user is None:
            flash(_("The phone/ID number or password is wrong."), "danger")
        else:
            display.carry_into_profile(user)
            db.session.commit()
            login_user(user, remember=form.remember.data, duration=_remember_duration())
            return redirect(_after_sign_in())
    return render_template("auth/login.html", form=form, scan=scan, in_wechat=_in_wechat())


def _after_sign_in() -> str:
    """The safe `next`, else the scan waiting in the session, else home."""
    target = request.args.get("next")
    return target if is_safe_next(target) else pending_scan.next_path(url_for("main.index"))


def _remember_duration() -> timedelta:
    return timedelta(days=current_app.config["REMEMBER_DEVICE_DAYS"])


def _in_wechat() -> bool:
    """Whether the page is open in WeChat's in-app browser (its user agent says MicroMessenger)."""
    return "MicroMessenger" in request.headers.get("User-Agent", "")


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
