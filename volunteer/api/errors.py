"""JSON errors for everything under /api/: a stable machine code and a message in the
request's language, with the right status, never an HTML page (404, 405 and 500 too)."""

from flask import jsonify, make_response
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from volunteer.i18n import lazy_gettext as _l
from volunteer.services.errors import PermissionDenied, ServiceError

# The code and message each HTTP status gets when nothing more precise was said.
STATUS_ERRORS = {
    400: ("bad_request", _l("The request could not be understood.")),
    401: ("unauthorized", _l("Sign in first: send a valid bearer token.")),
    403: ("forbidden", _l("You may not do this.")),
    404: ("not_found", _l("Nothing was found at this address.")),
    405: ("method_not_allowed", _l("This method is not allowed here.")),
    409: ("conflict", _l("The request conflicts with the current state.")),
    413: ("too_large", _l("The request is too large.")),
    415: ("unsupported_media_type", _l("Send the body as JSON.")),
    422: ("invalid_request", _l("Some fields are missing or not valid.")),
    429: ("rate_limited", _l("Too many requests. Wait a moment and try again.")),
    500: ("server_error", _l("Something went wrong on our side. Please try again later.")),
    503: ("unavailable", _l("The service is briefly unavailable. Please try again in a minute.")),
}
# Refusals that name missing or malformed input rather than the state of things.
INPUT_CODES = {"location_needed", "malformed_code", "reason_required"}


class ErrorSchema(Schema):
    """What every error under /api/ looks like."""

    code = fields.String(required=True, metadata={"description": "Stable machine code."})
    message = fields.String(required=True, metadata={"description": "In the request's language."})
    field = fields.String(allow_none=True, metadata={"description": "The input field at fault."})
    errors = fields.Dict(metadata={"description": "Per-field validation messages."})


def error_response(status: int, code: str | None = None, message: str | None = None, **extra):
    """A JSON error response with the status's default code and message where none is given."""
    default_code, default_message = STATUS_ERRORS.get(status, STATUS_ERRORS[500])
    body = {"code": code or default_code, "message": str(message or default_message)}
    body.update({key: value for key, value in extra.items() if value is not None})
    return make_response(jsonify(body), status)


def http_error(error: HTTPException):
    """An HTTPException (abort, routing, rate limits, webargs validation) as JSON."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    if "messages" in data:  # webargs: malformed JSON (400) or fields that did not validate (422)
        code = "invalid_json" if status == 400 else None
        return error_response(status, code, errors=data["messages"])
    response = error_response(
        status, data.get("code"), data.get("message"), field=data.get("field")
    )
    if status == 405 and error.get_response().headers.get("Allow"):
        response.headers["Allow"] = error.get_response().headers["Allow"]
    return response


def unexpected_error(error: Exception):
    """Anything else is a 500, in JSON."""
    return error_response(500)


def status_for(error: ServiceError) -> int:
    """403 for permission refusals, 422 for bad input, 409 for rules refusing the state."""
    if isinstance(error, PermissionDenied) or error.code == "forbidden":
        return 403
    if error.code in INPUT_CODES or (error.field and error.code == ServiceError.code):
        return 422
    return 409


def service_error(error: ServiceError):
    """A service's refusal as JSON."""
    return error_response(status_for(error), error.code, error.message, field=error.field)
