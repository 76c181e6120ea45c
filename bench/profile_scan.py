"""Python calls per scan, by area: where a QR scan's CPU goes, counted rather than timed.

    .venv/bin/python bench/profile_scan.py [--scans 200] [--top 25] [--database bench_profile]
        [--open-minutes 120]

Seeds a PostgreSQL database as bench/bench_scan.py does (everyone checked in --open-minutes
ago), builds the app with the same settings as bench/scan_wsgi.py, signs volunteers in, then
calls the WSGI app directly (no server, no test client) for each check-out scan (crediting the
minutes) and check-in scan, and the /bench/floor request for comparison; each pass scans
volunteers not scanned before, so every check-out credits time.
Call counts are deterministic, so other load on the machine does not move them, unlike times.

Each call (Python function or builtin, as cProfile counts them) goes to the innermost area
whose entry function is running: page rendering, the rate limits, loading the user, the scan
rules, the commit, the session cookie; everything else is "request plumbing".
"""

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from werkzeug.test import EnvironBuilder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_scan  # noqa: E402  (after the path is set)

# (file name ending, function name) -> area. The innermost running one wins.
AREAS = {
    ("flask/templating.py", "render_template"): "page rendering",
    ("volunteer/checkin/answers.py", "_render"): "page rendering",
    ("flask/app.py", "update_template_context"): "page: context processors",
    ("flask/app.py", "url_for"): "page: url_for",
    ("flask_wtf/csrf.py", "generate_csrf"): "page: csrf token",
    ("flask_bootstrap/__init__.py", "load_css"): "page: bootstrap css",
    ("volunteer/i18n.py", "local_datetime"): "page: times",
    ("volunteer/i18n.py", "_page_gettext"): "page: translations",
    ("volunteer/i18n.py", "select_locale"): "page: locale",
    ("flask_babel/__init__.py", "get_translations"): "page: locale",
    ("volunteer/display.py", "wants_large_text"): "page: large text",
    ("jinja2/environment.py", "get_template"): "page: get template",
    ("flask_limiter/_extension.py", "_check_request_limit"): "rate limits (check)",
    ("flask_limiter/_extension.py", "__inject_headers"): "rate limits (headers)",
    ("volunteer/limits.py", "count_code_guess"): "rate limits (check)",
    ("flask_limiter/_extension.py", "__filter_limits"): "limits: resolve",
    ("flask_limiter/_limits.py", "__iter__"): "limits: parse",
    ("limits/strategies.py", "hit"): "limits: storage",
    ("volunteer/limits.py", "_person_or_address"): "limits: our keys",
    ("volunteer/limits.py", "_scan_limit_for_person"): "limits: our keys",
    ("volunteer/limits.py", "client_address"): "limits: our keys",
    ("flask_login/login_manager.py", "_load_user"): "loading the user",
    ("volunteer/services/checkin.py", "scan_token"): "scan rules (service)",
    ("volunteer/services/tokens.py", "check_token"): "scan: token check",
    ("volunteer/services/checkin.py", "_scan_state"): "scan: state query",
    ("volunteer/services/checkin.py", "_insert_open_record"): "scan: check-in insert",
    ("volunteer/services/ledger.py", "credit_now"): "scan: credit plan",
    ("volunteer/services/ledger.py", "apply_credit"): "scan: credit apply",
    ("volunteer/services/ledger.py", "plan_credit"): "scan: credit plan",
    ("volunteer/services/ledger.py", "write_credit"): "scan: credit write",
    ("volunteer/services/ledger.py", "_upsert_gains"): "credit: year totals",
    ("volunteer/services/staleness.py", "credit_changed"): "credit: reports marked stale",
    ("sqlalchemy/orm/session.py", "flush"): "scan: flush",
    ("volunteer/services/checkin.py", "scan_target"): "scan: activity and state",
    ("volunteer/services/checkin.py", "scanner_and_target"): "scan: user, activity and state",
    ("volunteer/pending_scan.py", "verified_at"): "scan: pending scan",
    ("volunteer/pending_scan.py", "forget"): "scan: pending scan",
    ("volunteer/security.py", "add_security_headers"): "response headers",
    ("volunteer/display.py", "_cookie_follows_profile"): "response headers",
    ("volunteer/access.py", "enforce_declared_access"): "access rules",
    ("volunteer/access.py", "check"): "access rules",
    ("flask_wtf/csrf.py", "csrf_protect"): "csrf",
    ("sqlalchemy/orm/session.py", "commit"): "commit",
    ("flask/sessions.py", "open_session"): "session cookie",
    ("flask/sessions.py", "save_session"): "session cookie",
}
PLUMBING = "request plumbing"
HEADERS = {"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "profile_scan"}
PASSES = 4  # call counts, CPU by area, statements, cProfile


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=200, help="scans profiled (half in, half out)")
    parser.add_argument("--top", type=int, default=15, help="functions listed in each area")
    parser.add_argument("--database", default="bench_profile")
    parser.add_argument(
        "--open-minutes",
        type=int,
        default=120,
        help="how long ago everyone checked in: what each check-out credits (0: nothing)",
    )
    return parser.parse_args()


class AreaCounter:
    """A sys.setprofile hook counting calls per area (a stack of the areas entered)."""

    def __init__(self):
        self.counts: Counter[str] = Counter()
        self.inclusive: Counter[str] = Counter()
        self.functions: Counter[tuple[str, str]] = Counter()
        self.stack: list[tuple[object, str]] = []
        self.roots: dict[object, str] = {}

    def _area_of(self, code) -> str | None:
        if code not in self.roots:
            path = code.co_filename.replace(os.sep, "/")
            self.roots[code] = next(
                (
                    area
                    for (end, name), area in AREAS.items()
                    if path.endswith(end) and code.co_name == name
                ),
                None,
            )
        return self.roots[code]

    def _count(self, name: str) -> None:
        area = self.stack[-1][1] if self.stack else PLUMBING
        self.counts[area] += 1
        self.functions[area, name] += 1
        for area in {area for _, area in self.stack}:
            self.inclusive[area] += 1

    def __call__(self, frame, event, arg):
        if event == "call":
            area = self._area_of(frame.f_code)
            if area is not None:
                self.stack.append((frame, area))
            code = frame.f_code
            self._count(f"{code.co_qualname} ({Path(code.co_filename).name}:{code.co_firstlineno})")
        elif event == "c_call":
            self._count(f"<{getattr(arg, '__qualname__', arg)}>")
        elif event == "return" and self.stack and self.stack[-1][0] is frame:
            self.stack.pop()


def make_app(database_url: str, secret_key: str):
    """The app exactly as bench/scan_wsgi.py builds it for gunicorn."""
    os.environ["BENCH_DATABASE_URL"] = database_url
    os.environ["BENCH_SECRET_KEY"] = secret_key
    from volunteer.extensions import limiter

    # The seeding app (test settings, limits off) left the shared Limiter switched off, and an
    # app that does not name RATELIMIT_ENABLED inherits that; under gunicorn scan_wsgi's app
    # is the only one, and its limits are on.
    limiter.enabled = True
    import scan_wsgi

    assert limiter.enabled and limiter.initialized
    return scan_wsgi.app


def sign_in(app, phone: str) -> str:
    """The session cookie of a volunteer signed in through the login form."""
    client = app.test_client()
    # The same address and browser as the scans, as a phone would be: Flask-Login's session
    # protection would otherwise mark the session not fresh, rewriting the cookie every scan.
    client.environ_base.update(HEADERS)
    client.get("/auth/login")
    response = client.post("/auth/login", data={"login": phone, "password": bench_scan.PASSWORD})
    assert response.status_code == 302, response.status_code
    return "session=" + client.get_cookie("session").value


def call(app, path: str, cookie: str, expect: bytes) -> None:
    """One request straight through the WSGI callable, as gunicorn would make it."""
    environ = EnvironBuilder(path=path, headers={"Cookie": cookie}).get_environ()
    environ.update(HEADERS)
    status = []
    body = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    if not status[0].startswith("200") or expect not in body:
        raise SystemExit(f"{path}: {status[0]} {body[:300]!r}")


def main() -> None:
    args = parse_args()
    secret_key = secrets.token_hex(16)
    database_url = bench_scan.recreate_database(args.database)
    # Everyone checked in --open-minutes ago; each pass checks a group out (crediting them)
    # and in again, a group not scanned before; one more volunteer to warm up with.
    volunteers = max(2, args.scans // 2)
    activity_id, phones, checkin_secret = bench_scan.seed(
        database_url, secret_key, volunteers * PASSES + 1, args.open_minutes
    )
    app = make_app(database_url, secret_key)
    cookies = [sign_in(app, phone) for phone in phones]

    from volunteer.models import utcnow
    from volunteer.services import tokens

    activity = SimpleNamespace(id=activity_id, checkin_secret=checkin_secret)

    def scan_path() -> str:
        with app.app_context():
            step = tokens.step_at(utcnow())
            return f"/checkin/s/{activity_id}/{step}/{tokens.code_for(activity, step)}"

    outcomes = (b'data-outcome="checked_out"', b'data-outcome="checked_in"')
    scan_passes = [
        [
            (scan_path, cookie, outcome)
            for cookie in cookies[1 + number * volunteers : 1 + (number + 1) * volunteers]
            for outcome in outcomes
        ]
        for number in range(PASSES)
    ]
    floors = [
        (f"/bench/floor?phone={phone}", cookie)
        for phone, cookie in zip(phones, cookies, strict=True)
    ][: volunteers * 2]
    # Warm up (template compilation, statement caches, first connections): one of each, untimed.
    for outcome in outcomes:
        call(app, scan_path(), cookies[0], outcome)
    call(app, floors[0][0], floors[0][1], b'"ok"')
    report("scan", app, scan_passes, args.top)
    floor_requests = [(lambda p=path: p, cookie, b'"ok"') for path, cookie in floors[1:]]
    report("floor", app, [floor_requests] * PASSES, args.top)


# (module, attribute path) of functions timed by --timing, and the area their CPU time goes to.
TIMED = {
    ("volunteer.checkin.routes", "_scan_view"): "the scan view, all",
    ("flask.app", "Flask.wsgi_app"): "Flask wsgi_app, all",
    ("flask_login.login_manager", "LoginManager._load_user"): "loading the user",
    ("volunteer.checkin.answers", "_render"): "page rendering",
    ("volunteer.checkin.routes", "render_template"): "page rendering",
    ("volunteer.limits", "count_code_guess"): "rate limits (check)",
    ("flask_limiter._extension", "Limiter._check_request_limit"): "rate limits (check)",
    ("volunteer.services.checkin", "scan_token"): "scan rules (service)",
    ("volunteer.services.checkin", "_scan_state"): "  scan: state query",
    ("volunteer.services.checkin", "scan_target"): "  scan: activity and state",
    ("volunteer.services.checkin", "scanner_and_target"): "  scan: user, activity and state",
    ("volunteer.services.checkin", "_insert_open_record"): "  scan: check-in insert",
    ("volunteer.services.ledger", "credit_now"): "  scan: credit plan",
    ("volunteer.services.ledger", "apply_credit"): "  scan: credit apply",
    ("sqlalchemy.orm.session", "Session.commit"): "commit",
    ("flask.sessions", "SecureCookieSessionInterface.open_session"): "session cookie",
    ("flask.sessions", "SecureCookieSessionInterface.save_session"): "session cookie",
}


def timed_pass(app, requests: list[tuple[Callable[[], str], str, bytes]]) -> Counter:
    """CPU seconds of this thread per area, by wrapping the TIMED functions: inclusive, so an
    area includes those it calls (the limit check loads the user, for one)."""
    import importlib

    spent: Counter[str] = Counter()
    originals = []
    for (module_name, path), area in TIMED.items():
        *parents, name = path.split(".")
        try:  # an older tree may lack some (the bench compares branches)
            owner = importlib.import_module(module_name)
            for parent in parents:
                owner = getattr(owner, parent)
            original = owner.__dict__[name]
        except (ImportError, AttributeError, KeyError):
            continue
        originals.append((owner, name, original))
        setattr(owner, name, _timer(original, area, spent))
    try:
        began = time.thread_time()
        for path_of, cookie, expect in requests:
            call(app, path_of(), cookie, expect)
        spent["total"] = time.thread_time() - began
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)
    return spent


def _timer(function, area: str, spent: Counter):
    def timed(*args, **kwargs):
        began = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[area] += time.thread_time() - began

    return timed


def count_statements(app, requests: list[tuple[Callable[[], str], str, bytes]]) -> int:
    """Statements the requests sent to the database (COMMIT not included)."""
    from sqlalchemy import event

    from volunteer.extensions import db

    sent = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args, **kwargs: sent.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    for path_of, cookie, expect in requests:
        call(app, path_of(), cookie, expect)
    event.remove(engine, "before_cursor_execute", listener)
    if os.environ.get("PROFILE_SCAN_SQL"):
        for statement in sent[: len(sent) // len(requests) * 2]:
            print("      " + " ".join(statement.split())[:160])
    return len(sent)


def report(name: str, app, passes: list[list[tuple[Callable[[], str], str, bytes]]], top: int):
    """Calls per request by area (setprofile), then CPU by area, statements and cProfile's
    total: one pass each, over the PASSES lists of requests in turn."""
    requests = passes[0]
    counter = AreaCounter()
    sys.setprofile(counter)
    for path_of, cookie, expect in requests:
        call(app, path_of(), cookie, expect)
    sys.setprofile(None)
    n = len(requests)
    total = sum(counter.counts.values())
    print(f"== {name}: {n} requests, {total / n:,.0f} calls per request")
    print(f"   {'area':<24} {'own':>8} {'with inner':>10}")
    for area, count in counter.counts.most_common():
        inclusive = counter.inclusive.get(area, count)
        print(f"   {area:<24} {count / n:>8,.0f} {inclusive / n:>10,.0f}")
        functions = [(f, c) for (a, f), c in counter.functions.most_common() if a == area]
        for function, calls in functions[:top]:
            print(f"      {calls / n:>7.1f}  {function}")
    spent = timed_pass(app, passes[1])
    print(f"   CPU per request, unprofiled: {spent.pop('total') / n * 1000:.2f} ms (second pass)")
    for area, seconds in spent.most_common():
        print(f"      {area:<24} {seconds / n * 1000:>6.2f} ms")
    statements = count_statements(app, passes[2])
    print(f"   SQL statements per request: {statements / n:.2f} (third pass)")
    profiler = cProfile.Profile()
    profiler.enable()
    for path_of, cookie, expect in passes[3]:
        call(app, path_of(), cookie, expect)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    print(f"   cProfile: {stats.total_calls / n:,.0f} calls per request (fourth pass)")


if __name__ == "__main__":
    main()
