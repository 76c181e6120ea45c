"""Security headers on every response, and no caching of anything a signed-in person sees.

A small after_request hook rather than a library: the policy depends on the request (the
vendored API reference page needs its own; responses for a signed-in person or an API token,
and every download, must not be cached, except images a view marked `private` itself), which
a header library does not know; flask-talisman, the usual choice, has had no release since
2023, and `secure` would only replace the few constant strings below.

The Content-Security-Policy allows no inline script or style anywhere in the site's own pages:
every script and stylesheet is a file under volunteer/static/.
"""

from flask import Flask, Response, current_app, g, request, session

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    # Bootstrap's stylesheet draws a few icons (the menu button) from data: URIs.
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; media-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI (vendored) sets style attributes from its own code and shows data: images.
API_REFERENCE_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
API_REFERENCE_ENDPOINT = "api.reference"
STATIC_ENDPOINTS = {"static", "bootstrap.static"}

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors, for browsers that predate it
    # Scan URLs carry tokens and page addresses name people: never send them off-site.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), geolocation=(self), microphone=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    """Add the headers to every response the app sends."""
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """after_request: CSP, nosniff, Referrer-Policy, HSTS (production), no-store; a header
    the view set itself is kept."""
    wanted = {**HEADERS, "Content-Security-Policy": _policy()}
    if hsts := current_app.config.get("STRICT_TRANSPORT_SECURITY"):
        wanted["Strict-Transport-Security"] = hsts
    # The names present, read once: Headers.setdefault reads every header for each name it is
    # given (and raises a KeyError when absent), some 350 calls on every response.
    present = {name.lower() for name, _value in response.headers}
    response.headers.extend((n, v) for n, v in wanted.items() if n.lower() not in present)
    if _must_not_be_stored(response, present):
        response.cache_control.no_store = True
        response.cache_control.max_age = None
        response.cache_control.public = False
    return response


def _policy() -> str:
    if request.endpoint == API_REFERENCE_ENDPOINT:
        return API_REFERENCE_POLICY
    return CONTENT_SECURITY_POLICY


def _must_not_be_stored(response: Response, present: set[str]) -> bool:
    """Pages and files for a signed-in person (cookie or token), and every download;
    `present` names the response's headers, in lower case (no Cache-Control: not private)."""
    if request.endpoint in STATIC_ENDPOINTS:
        return False
    if "cache-control" in present and response.cache_control.private:
        return False
    download = "attachment" in response.headers.get("Content-Disposition", "")
    return download or _signed_in()


def _signed_in() -> bool:
    """Whether the request carries a person, without a database query (the database may be
    down while an error page is sent): the user already loaded, or a session naming one."""
    user = g.get("_login_user")
    if user is not None:
        # Not is_authenticated: it reads User.active, which a view's commit has expired, so
        # asking it would reload the user (and its eager loads) only to set this header.
        return not user.is_anonymous
    return "_user_id" in session
