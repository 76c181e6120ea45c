"""Web wiring: blueprints, error pages, template helpers."""

from datetime import datetime

from flask import Flask, render_template
from flask_login import current_user

from volunteer import api, i18n
from volunteer.access import enforce_declared_access, is_api_request
from volunteer.api import errors as api_errors
from volunteer.models.base import LOCAL_ZONE
from volunteer.services import identity, permissions, privacy


def init_app(app: Flask) -> None:
    """Register blueprints, error handlers and template helpers."""
    from volunteer.activities.routes import bp as activities_bp
    from volunteer.admin.routes import bp as admin_bp
    from volunteer.auth.routes import bp as auth_bp
    from volunteer.certificates.routes import bp as certificates_bp
    from volunteer.certificates.routes import verify_bp
    from volunteer.checkin.routes import bp as checkin_bp
    from volunteer.compliance.routes import bp as compliance_bp
    from volunteer.main.routes import bp as main_bp
    from volunteer.national.routes import bp as national_bp
    from volunteer.profile.routes import bp as profile_bp
    from volunteer.records.routes import bp as records_bp
    from volunteer.units.routes import bp as units_bp

    for blueprint in (
        main_bp,
        auth_bp,
        profile_bp,
        activities_bp,
        checkin_bp,
        records_bp,
        units_bp,
        compliance_bp,
        certificates_bp,
        verify_bp,
        national_bp,
        admin_bp,
    ):
        app.register_blueprint(blueprint)

    app.before_request(enforce_declared_access)
    api.init_app(app)

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _error_page)

    app.jinja_env.filters.update(
        local_dt=i18n.local_datetime,
        hours=i18n.hours,
        mask_id=privacy.mask_id_number,
        mask_phone=privacy.mask_phone,
        mask_name=privacy.mask_name,
    )

    @app.template_test("minor")
    def is_minor(volunteer) -> bool:
        """`{% if volunteer is minor %}`: under-18 status, which organizers must see."""
        today = datetime.now(LOCAL_ZONE).date()
        return identity.is_minor(volunteer.birth_date, today, app.config["MINOR_UNDER_AGE"])

    @app.context_processor
    def navigation_roles() -> dict:
        user = current_user if current_user.is_authenticated else None
        return {
            "nav": {
                "is_admin": permissions.is_admin(user),
                "is_organizer": permissions.is_organizer(user),
                "is_coordinator": permissions.is_coordinator(user),
                "is_volunteer": bool(user and user.volunteer),
            },
            "languages": app.config["LANGUAGES"],
            "current_locale": i18n.select_locale(),
        }


def _error_page(error):
    if is_api_request():
        return api_errors.http_error(error)
    code = getattr(error, "code", 500) or 500
    return render_template("errors/error.html", code=code, error=error), code
