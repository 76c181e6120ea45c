"""Home page and language switch."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from volunteer.access import PUBLIC, access
from volunteer.forms import is_safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
@access(PUBLIC)
def index():
    """Landing page: what this is, and where each role goes next."""
    return render_template("main/index.html", user=current_user)


@bp.route("/lang/<code>")
@access(PUBLIC)
def set_language(code: str):
    """Remember the chosen language in the session and go back."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    target = request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.index"))


@bp.route("/healthz")
@access(PUBLIC)
def health():
    """Liveness probe for the process manager; touches no database."""
    return {"status": "ok"}
