"""The JSON API under /api/v1/, for mini-programs, kiosks and the office's dashboards.

flask-smorest builds the OpenAPI document from the code (routes, marshmallow
schemas) and validates every body and query with the same schemas. One
blueprint (`base.bp`); a module per area adds its routes to it.
"""

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from volunteer.access import is_api_request, sign_in_bearer
from volunteer.api import errors

# The reference page's sections: one per area module, in the order a client meets them.
AREAS = {
    "tokens": "Sign in for a bearer token; list and revoke tokens.",
    "me": "The signed-in person: profile, totals, records, personal code.",
    "activities": "Activities, sign-up and cancelling.",
    "checkin": "Scans: the volunteer's, the organizer's current code, the kiosk's.",
    "kiosk_sync": "The offline kiosk: its clock, and the scans it queued without a network.",
    "review": "The organizer's review queue: approve and reject.",
    "compliance": "A unit's compliance rows and missing people.",
    "certificates": "Issue, list and download certificates; public verification.",
    "docs": "This document and its reference page.",
}


class VolunteerApi(Api):
    """flask-smorest's Api, but our JSON errors, and the document served by our own route
    (so it declares an access rule like every endpoint)."""

    ERROR_SCHEMA = errors.ErrorSchema

    def _register_doc_blueprint(self):
        pass

    def _register_error_handlers(self):
        pass


class CookielessApiSessions(SecureCookieSessionInterface):
    """No session cookie is read or written under /api/: bearer tokens only, so no CSRF."""

    def open_session(self, app, request):
        if is_api_request():
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if is_api_request():
            return None
        return super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Register the API blueprint, its document, its errors and its cookie-free sign-in."""
    from volunteer.api import (  # noqa: F401 (each module adds its routes to the blueprint)
        activities,
        certificates,
        checkin,
        compliance,
        docs,
        kiosk_sync,
        me,
        review,
        tokens,
    )
    from volunteer.api.base import bp
    from volunteer.extensions import csrf

    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "info": {"description": docs.DESCRIPTION},
        },
    )
    csrf.exempt(bp)
    api = VolunteerApi(app)
    api.register_blueprint(bp)
    for name, description in AREAS.items():
        api.spec.tag({"name": name, "description": description})
    app.session_interface = CookielessApiSessions()
    # Chinese names readable in answers (and in curl): UTF-8 JSON rather than \u escapes.
    app.json.ensure_ascii = False
    # First of all hooks, so nothing can load a user from cookies before the token decides.
    app.before_request_funcs.setdefault(None, []).insert(0, sign_in_bearer)
    app.register_error_handler(HTTPException, _http_error)


def _http_error(error: HTTPException):
    if is_api_request():
        return errors.http_error(error)
    return error
