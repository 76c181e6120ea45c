"""The large-text view (长辈版): who wants it, and keeping this device and the profile in step.

Signed in, the profile decides (so the choice follows the person to any device); signed out,
this device's cookie does. A choice made before signing in is carried into the profile.
"""

from flask import Flask, Response, g, request
from flask_login import current_user
from sqlalchemy import inspect

from volunteer.models import User

COOKIE = "display"
LARGE, STANDARD = "large", "standard"
COOKIE_MAX_AGE = 365 * 24 * 3600


def wants_large_text() -> bool:
    """Whether the page being drawn uses the large-text view."""
    if current_user.is_authenticated:
        return current_user.large_text
    return request.cookies.get(COOKIE) == LARGE


def carry_into_profile(user: User) -> None:
    """At sign-in, keep a large-text choice made on this device before signing in."""
    if request.cookies.get(COOKIE) == LARGE:
        user.large_text = True


def remember_on_device(response: Response, large: bool) -> Response:
    """Set this device's cookie to the chosen view."""
    response.set_cookie(
        COOKIE,
        LARGE if large else STANDARD,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


def _cookie_follows_profile(response: Response) -> Response:
    # Only when this request already loaded the user (static files must not cost a query),
    # and only from values still loaded: a view's commit expires them, and reloading the
    # user just for this cookie would cost every scan a query. The next page catches up.
    user = g.get("_login_user")
    loaded = inspect(user).dict if isinstance(user, User) else {}
    large = loaded.get("large_text")
    if (
        loaded.get("active")
        and large is not None
        and (request.cookies.get(COOKIE) == LARGE) != large
    ):
        remember_on_device(response, large)
    return response


def init_app(app: Flask) -> None:
    """Offer `large_text` to every template and keep the cookie in step with the profile."""
    app.context_processor(lambda: {"large_text": wants_large_text()})
    app.after_request(_cookie_follows_profile)
