"""Flask extensions, created unbound here and bound to the app in create_app."""

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event

from volunteer.bounds import LARGEST_ID
from volunteer.models.base import Base

db = SQLAlchemy(model_class=Base)
# render_as_batch lets later migrations alter SQLite tables (it cannot ALTER in place).
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app) -> None:
    """Bind every extension to the app and wire the few hooks they need."""
    from volunteer import i18n

    db.init_app(app)
    migrate.init_app(app, db)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.babel_locale, timezone_selector=i18n.select_timezone)
    bootstrap.init_app(app)
    limiter.init_app(app)
    _configure_sign_in()
    _enforce_sqlite_foreign_keys(app)


def _configure_sign_in() -> None:
    """Where sign-in lives, what it says, and whom a session cookie names."""
    from volunteer import i18n

    login_manager.login_view = "auth.login"
    login_manager.login_message = i18n.lazy_gettext("Please sign in to continue.")
    login_manager.login_message_category = "warning"
    login_manager.user_loader(load_user)


def load_user(session_id: str):
    """The user a session or remember-me cookie names, or None."""
    from volunteer.services.sessions import parse_session_id

    # "<id>:<session version>" (User.get_id): a cookie from before a sign-out, a
    # password change or "sign out everywhere" names an older version, so nobody.
    parsed = parse_session_id(session_id)
    # Past the integer columns' range no account or version can match (and PostgreSQL would
    # refuse to compare them).
    if parsed is None or max(parsed) > LARGEST_ID:
        return None
    user_id, session_version = parsed
    view = current_app.view_functions.get(request.endpoint or "")
    loader = getattr(view, USER_LOADER, None)
    if loader is not None and (user := loader(user_id, session_version)) is not None:
        return user
    query = _lean_user_query() if getattr(view, LEAN_USER, False) else _user_query()
    # unique(): the grants come joined, one row each; one_or_none() reads them all.
    user = db.session.scalars(query, {"user_id": user_id}).unique().one_or_none()
    return user if user is not None and user.session_version == session_version else None


LEAN_USER = "lean_user"  # set on a view by @lean_user
USER_LOADER = "loads_its_user"  # set on a view by @user_read_with


def lean_user(view):
    """Mark a view that reads of the signed-in person only the account and which volunteer
    they are (no menu, no roles): the user loader then reads less. Scans, many a minute."""
    setattr(view, LEAN_USER, True)
    return view


def user_read_with(loader: Callable[[int, int], Any]):
    """Mark a lean-user view whose signed-in account `loader(user id, session version)` reads
    together with what the view then works on (one query, not two); it returns the account
    only if that session is still good, else None, and the lean query then answers as usual
    (so a stale session or an account the loader does not serve is treated as today)."""

    def decorate(view):
        setattr(view, USER_LOADER, loader)
        return lean_user(view)

    return decorate


# Both queries are built once per process and given the id at each request: building the
# statement and its cache key again (as session.get does with options) cost a third of it.
@functools.cache
def _user_query():
    """Every page reads the grants (navigation) and most the volunteer profile: one query
    instead of three."""
    from sqlalchemy.orm import joinedload

    from volunteer.models import User

    return _user_by_id(joinedload(User.volunteer), joinedload(User.grants))


@functools.cache
def _lean_user_query():
    """The account's columns a scan reads and its volunteer profile's id, in one query:
    reading the profile's other columns (dates, enums) cost as much as the rest of the user;
    the role grants go unread. Any other column is read on first use."""
    from sqlalchemy.orm import joinedload, load_only

    from volunteer.models import User, Volunteer
    from volunteer.services.sessions import SCAN_USER_COLUMNS

    return _user_by_id(
        load_only(*SCAN_USER_COLUMNS),
        joinedload(User.volunteer).load_only(Volunteer.id, Volunteer.user_id),
    )


def _user_by_id(*options):
    from sqlalchemy import bindparam, select

    from volunteer.models import User

    return select(User).options(*options).where(User.id == bindparam("user_id"))


def _enforce_sqlite_foreign_keys(app) -> None:
    """SQLite ignores foreign keys unless asked on every connection."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _enable_sqlite_foreign_keys)


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
