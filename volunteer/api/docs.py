"""The API's own documentation: the OpenAPI document and a reference page rendering it
with Swagger UI, served from the app's static files (no CDN)."""

from flask import jsonify, render_template
from flask_smorest import current_api

from volunteer.access import PUBLIC
from volunteer.api.base import api_access, bp

DESCRIPTION = (
    "JSON in and out. Get a bearer token with `POST /api/v1/tokens` (login and password) "
    "or make a personal access token with scopes on your profile page, then send "
    "`Authorization: Bearer <token>`. Errors are `{code, message}` with a stable `code`; "
    "messages follow `Accept-Language` (zh-CN or en)."
)

DOCUMENT = {"application/json": {"schema": {"type": "object"}}}
PAGE = {"text/html": {"schema": {"type": "string"}}}


@bp.route("/openapi.json", methods=["GET"])
@api_access(PUBLIC)
@bp.doc(responses={"200": {"description": "This document.", "content": DOCUMENT}})
def openapi_document():
    """The OpenAPI 3 document, generated from the code."""
    return jsonify(current_api.spec.to_dict())


@bp.route("/docs", methods=["GET"])
@api_access(PUBLIC)
@bp.doc(responses={"200": {"description": "The reference page.", "content": PAGE}})
def reference():
    """The API reference page (Swagger UI, served by the app itself)."""
    return render_template("api/reference.html")
