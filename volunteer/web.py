"""Web wiring: blueprints, error pages, template helpers."""

from datetime import datetime
from importlib import import_module

from flask import Flask, current_app, render_template

from volunteer import api, bounds, display, i18n, outage, rounding, security
from volunteer.access import enforce_declared_access, is_api_request, signed_in_user
from volunteer.api import errors as api_errors
from volunteer.models.base import LOCAL_ZONE
from volunteer.services import identity, permissions, privacy


def init_app(app: Flask) -> None:
    """Register blueprints, error handlers and template helpers."""
    bounds.init_app(app)
    _register_blueprints(app)
    app.before_request(enforce_declared_access)
    display.init_app(app)
    security.init_app(app)
    outage.init_app(app)
    api.init_app(app)
    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _error_page)
    _register_template_helpers(app)


# (module, blueprint attribute) in registration order; imported late to avoid import cycles.
BLUEPRINTS = (
    ("main", "bp"),
    ("auth", "bp"),
    ("profile", "bp"),
    ("activities", "bp"),
    ("checkin", "bp"),
    ("records", "bp"),
    ("units", "bp"),
    ("compliance", "bp"),
    ("certificates", "bp"),
    ("certificates", "verify_bp"),
    ("jobs", "bp"),
    ("national", "bp"),
    ("network", "bp"),
    ("campaign", "bp"),
    ("admin", "bp"),
)


def _register_blueprints(app: Flask) -> None:
    bench_floor = [("benchfloor", "bp")] if app.config.get("BENCH_FLOOR_ENDPOINT") else []
    for module, attribute in [*BLUEPRINTS, *bench_floor]:
        routes = import_module(f"volunteer.{module}.routes")
        app.register_blueprint(getattr(routes, attribute))


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_dt=i18n.local_datetime,
        clock=i18n.clock,
        hours=i18n.hours,
        percent=rounding.percent_text,
        mask_id=privacy.mask_id_number,
        mask_phone=privacy.mask_phone,
        mask_name=privacy.mask_name,
    )
    app.add_template_test(is_minor, "minor")
    app.context_processor(navigation_roles)
    i18n.init_app(app)


def is_minor(volunteer) -> bool:
    """`{% if volunteer is minor %}`: under-18 status, which organizers must see."""
    today = datetime.now(LOCAL_ZONE).date()
    return identity.is_minor(volunteer.birth_date, today, current_app.config["MINOR_UNDER_AGE"])


def navigation_roles() -> dict:
    """The navigation's role flags and the language switcher, for every template."""
    return {
        "nav": _navigation_flags(signed_in_user()),
        "languages": current_app.config["LANGUAGES"],
        "current_locale": i18n.select_locale(),
    }


def _navigation_flags(user) -> dict:
    return {
        "is_admin": permissions.is_admin(user),
        "is_organizer": permissions.is_organizer(user),
        "is_coordinator": permissions.is_coordinator(user),
        "is_volunteer": bool(user and user.volunteer),
    }


def _error_page(error):
    if is_api_request():
        return api_errors.http_error(error)
    code = getattr(error, "code", 500) or 500
    return render_template("errors/error.html", code=code, error=error), code
