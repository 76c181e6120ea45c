"""Home page, language switch and the large-text view switch."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from volunteer import display
from volunteer.access import PUBLIC, access, signed_in_user
from volunteer.extensions import db
from volunteer.forms import safe_next
from volunteer.models import utcnow
from volunteer.services import home, permissions

bp = Blueprint("main", __name__)


@bp.route("/")
@access(PUBLIC)
def index():
    """Landing page; a volunteer's own figures and scan button first, staff task cards below."""
    user = signed_in_user()
    volunteer = user.volunteer if user is not None else None
    return render_template(
        "main/index.html",
        user=current_user,
        mine=home.volunteer_home(volunteer, utcnow()) if volunteer else None,
        issuer_missing=permissions.is_admin(user) and not home.certificates_available(),
    )


@bp.route("/lang/<code>")
@access(PUBLIC)
def set_language(code: str):
    """Remember the chosen language in the session and go back."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("main.index")))


@bp.route("/display/<any(large, standard):mode>", methods=["POST"])
@access(PUBLIC)
def set_display(mode: str):
    """Switch between the standard and the large-text view (长辈版) and go back."""
    large = mode == display.LARGE
    if current_user.is_authenticated:
        current_user.large_text = large
        db.session.commit()
    response = redirect(safe_next(request.args.get("next"), url_for("main.index")))
    return display.remember_on_device(response, large)


@bp.route("/healthz")
@access(PUBLIC)
def health():
    """Liveness probe for the process manager; touches no database."""
    return {"status": "ok"}
