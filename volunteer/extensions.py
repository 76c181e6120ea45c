"""Flask extensions, created unbound here and bound to the app in create_app."""

import functools

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event

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
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
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
    from volunteer.models import User
    from volunteer.services.sessions import parse_session_id

    # "<id>:<session version>" (User.get_id): a cookie from before a sign-out, a
    # password change or "sign out everywhere" names an older version, so nobody.
    parsed = parse_session_id(session_id)
    if parsed is None or parsed[0] > 2**31 - 1:
        return None
    user = db.session.get(User, parsed[0], options=_user_loads())
    return user if user is not None and user.session_version == parsed[1] else None


@functools.cache  # built once rather than on every request
def _user_loads() -> tuple:
    """Every page reads the grants (navigation) and most the volunteer profile: one query
    instead of three."""
    from sqlalchemy.orm import joinedload

    from volunteer.models import User

    return (joinedload(User.volunteer), joinedload(User.grants))


def _enforce_sqlite_foreign_keys(app) -> None:
    """SQLite ignores foreign keys unless asked on every connection."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _enable_sqlite_foreign_keys)


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
