"""The auth blueprint object, shared by routes.py and reset_views.py."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")
