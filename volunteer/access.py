"""The access layer every view declares: who may open an endpoint.

Each view is wrapped in `@access(rule)`. Object rules load the object named
in the URL (404 when missing), check the user's scope over it (403 when
outside), and pass the loaded object to the view in place of its id. A view
without a rule is refused by `enforce_declared_access`, so forgetting one
fails closed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, flash, g, redirect, request, url_for
from flask_login import current_user

from volunteer.extensions import db, login_manager
from volunteer.i18n import gettext as _
from volunteer.models import Unit, utcnow
from volunteer.services import api_tokens, permissions
from volunteer.services.compliance import tree as compliance_tree

LARGEST_ID = 2**31 - 1  # the largest value of an integer primary key

# Endpoints served by Flask or extensions themselves (static files).
EXEMPT_ENDPOINTS = {"static", "bootstrap.static"}


@dataclass(frozen=True)
class Rule:
    """Who may use an endpoint; `check` returns the view's keyword arguments."""

    name: str
    needs_login: bool = True
    allowed: Callable[[Any], bool] | None = None
    model: type | None = None
    id_arg: str | None = None
    as_arg: str | None = None
    scope_check: Callable[[Any, Any], bool] | None = None

    def check(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        if not self.needs_login:
            return kwargs
        if not current_user.is_authenticated:
            abort(401 if is_api_request() else login_manager.unauthorized())
        user = acting_user()
        if self.allowed is not None and not self.allowed(user):
            abort(403)
        if self.model is None:
            return kwargs
        kwargs = dict(kwargs)
        object_id = kwargs.pop(self.id_arg)
        # Ids past the integer column's range cannot exist (and SQLite cannot even bind them).
        obj = db.session.get(self.model, object_id) if 0 < object_id <= LARGEST_ID else None
        if obj is None:
            abort(404)
        if not self.scope_check(user, obj):
            abort(403)
        kwargs[self.as_arg] = obj
        return kwargs


PUBLIC = Rule("public", needs_login=False)
SIGNED_IN = Rule("signed in")
VOLUNTEER = Rule("volunteer", allowed=lambda user: user.volunteer is not None)
ADMIN = Rule("admin", allowed=permissions.is_admin)
ANY_ORGANIZER = Rule("any organizer", allowed=permissions.is_organizer)
ANY_COORDINATOR = Rule("any coordinator", allowed=permissions.is_coordinator)


def organizer_of(
    model: type,
    id_arg: str,
    as_arg: str,
    organization_of: Callable[[Any], Any] = lambda obj: obj.organization_id,
) -> Rule:
    """Organizers of the object's organization (and admins) may pass."""
    return Rule(
        f"organizer of {model.__name__}",
        model=model,
        id_arg=id_arg,
        as_arg=as_arg,
        scope_check=lambda user, obj: permissions.can_organize(user, organization_of(obj)),
    )


def coordinator_of(
    model: type,
    id_arg: str,
    as_arg: str,
    unit_of: Callable[[Any], Any] = lambda obj: obj,
) -> Rule:
    """Coordinators of the object's unit or an ancestor (and admins) may pass."""
    return Rule(
        f"coordinator of {model.__name__}",
        model=model,
        id_arg=id_arg,
        as_arg=as_arg,
        scope_check=lambda user, obj: permissions.can_coordinate(user, unit_of(obj)),
    )


def admin_of(model: type, id_arg: str, as_arg: str) -> Rule:
    """Admins only, with the object loaded from the URL."""
    return Rule(
        f"admin of {model.__name__}",
        allowed=permissions.is_admin,
        model=model,
        id_arg=id_arg,
        as_arg=as_arg,
        scope_check=lambda user, obj: True,
    )


API_PREFIX = "/api/"


def is_api_request() -> bool:
    """Requests to the JSON API: bearer tokens instead of cookies, JSON errors."""
    return request.path.startswith(API_PREFIX)


def sign_in_bearer() -> None:
    """before_request for the API: the user is the bearer token's owner, or nobody.

    The session and remember-me cookies are never consulted under /api/, so a
    browser's cookies cannot act there (hence no CSRF to guard against).
    """
    if not is_api_request():
        return
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    token = None
    if scheme.lower() == "bearer" and secret.strip():
        token = api_tokens.find_active(secret.strip(), utcnow())
    g.api_token = token
    # Flask-Login has no public setter for a request's user without touching the session.
    login_manager._update_request_context_with_user(token.user if token else None)


def acting_user():
    """The signed-in user as a model instance (services take models, not proxies)."""
    return current_user._get_current_object()


def signed_in_user():
    """The signed-in user as a model instance, or None for a visitor."""
    return acting_user() if current_user.is_authenticated else None


def first_coordinated_unit() -> Unit:
    """The unit a coordinator's whole-subtree page opens on (their first); none: home, saying so."""
    roots = compliance_tree.roots_of(acting_user())
    if not roots:
        flash(_("There are no units yet."), "warning")
        abort(redirect(url_for("main.index")))
    return roots[0]


def access(rule: Rule) -> Callable:
    """Declare and enforce who may use the decorated view."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(**kwargs: Any):
            return view(**rule.check(kwargs))

        wrapped.access_rule = rule
        return wrapped

    return decorator


def enforce_declared_access() -> None:
    """before_request hook: refuse any endpoint that declared no rule."""
    from flask import current_app

    endpoint = request.endpoint
    if endpoint is None or endpoint in EXEMPT_ENDPOINTS:
        return
    view = current_app.view_functions.get(endpoint)
    if view is not None and not hasattr(view, "access_rule"):
        current_app.logger.error("endpoint %s declares no access rule", endpoint)
        abort(403)
