"""Database outages: a clean 503 page (JSON under /api/) instead of an empty 500, and the
next request reconnects on its own (SQLALCHEMY_ENGINE_OPTIONS has pool_pre_ping, and a
connection that failed is dropped from the pool), so no restart is needed."""

from contextlib import suppress

from flask import Flask, current_app, render_template
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

from volunteer.access import is_api_request
from volunteer.api import errors as api_errors
from volunteer.extensions import db, login_manager
from volunteer.i18n import lazy_gettext as _l

RETRY_AFTER_SECONDS = 30
UNAVAILABLE_MESSAGE = _l("The service is briefly unavailable. Please try again in a minute.")


def init_app(app: Flask) -> None:
    """Answer lost or refused database connections with 503."""
    for error in (OperationalError, InterfaceError):
        app.register_error_handler(error, database_unavailable)


def database_unavailable(error: SQLAlchemyError):
    """A 503 that needs no database: the page reads no account, the session is dropped."""
    current_app.logger.warning("database unavailable: %s", error.__class__.__name__)
    _drop_session()
    # The page is drawn for nobody: reading the account would need the database again.
    login_manager._update_request_context_with_user(None)
    response = _unavailable_response()
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _unavailable_response():
    """The 503 as its reader takes it: JSON under /api/, else the page."""
    if is_api_request():
        return api_errors.error_response(503, "unavailable", UNAVAILABLE_MESSAGE)
    page = render_template("errors/unavailable.html", message=UNAVAILABLE_MESSAGE)
    return current_app.make_response((page, 503))


def _drop_session() -> None:
    # The connection may be gone already; closing discards it either way.
    with suppress(SQLAlchemyError):
        db.session.rollback()
    db.session.close()
