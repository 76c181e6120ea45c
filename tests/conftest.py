"""Fixtures: the app built by the factory with a test config, its client,
its CLI runner, a logged-in client helper, and the browser (Playwright).

The schema is created once per session; each test then empties every table,
so a test may commit (through the client, or from threads) and still leave
nothing behind. SQLite by default; PostgreSQL when TEST_DATABASE_URL is set.
"""

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, event
from werkzeug.serving import make_server

from volunteer import create_app
from volunteer.extensions import db
from volunteer.models import Base

from . import factories

# Set by .ci/run: a test needing a missing service fails instead of skipping.
REQUIRE_ALL = os.environ.get("REQUIRE_ALL_TESTS") == "1"


def require(condition: bool, reason: str) -> None:
    """Skip the test when `condition` is false, or fail it when CI requires everything."""
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (REQUIRE_ALL_TESTS=1 demands it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def _test_config(database_url: str) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "TESTING": True,
    }


@pytest.fixture(scope="session")
def _schema(database_url):
    app = create_app(_test_config(database_url))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(database_url, _schema):
    """The app with a clean database; the test body runs inside its app context."""
    app = create_app(_test_config(database_url))
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.remove()
        for table in reversed(Base.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Gives each request its own app context, hence its own `g` and database
    session, as in production; otherwise Flask would reuse the test's context
    and leak the signed-in user and cached objects from one request to the next."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the request may have changed rows the test holds
        return response


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class StatementCount:
    """How many SQL statements ran inside a `count_queries()` block."""

    def __init__(self) -> None:
        self.statements = 0


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counted: ...`, then `counted.statements`: statements sent."""

    @contextmanager
    def _count() -> Iterator[StatementCount]:
        counted = StatementCount()

        def count(*_args) -> None:
            counted.statements += 1

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            yield counted
        finally:
            event.remove(db.engine, "before_cursor_execute", count)

    return _count


@pytest.fixture
def is_postgres(app) -> bool:
    return db.engine.dialect.name == "postgresql"


@pytest.fixture
def postgres_only(is_postgres):
    """Use in tests that need PostgreSQL (concurrency, real locking)."""
    require(is_postgres, "needs PostgreSQL: set TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis for shared rate-limit counts (TEST_REDIS_URL; tests use their own key prefix)."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
    try:
        import redis

        reachable = bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:  # not running, refused, unresolvable: all mean "no Redis here"
        reachable = False
    require(reachable, f"needs Redis at {url}: start redis-server or set TEST_REDIS_URL")
    return url


def login(client, user_or_phone, password: str = factories.PASSWORD):
    """Sign `client` in as a user (or by phone) through the real login form."""
    phone = getattr(user_or_phone, "phone", user_or_phone)
    response = client.post("/auth/login", data={"login": phone, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def login_as(client, app):
    """`login_as(user)`: commit pending test data, then sign the client in."""

    def _login(user, password: str = factories.PASSWORD):
        db.session.commit()
        return login(client, user, password)

    return _login


# ---- browser (Playwright driving Debian's Chromium) ----

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if path := shutil.which(name):
            return path
    return None


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    require(path is not None, "Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


class _ServedUntilClosed:
    """The app, counting the requests it is serving, until the test ends. A page still open
    (a camera browser closed after this fixture, a poll on a kept-alive connection) can send
    requests after the server stops accepting connections: served after the app's engine is
    disposed, its connection would go back to the disposed pool and be garbage-collected open
    in a later test (a ResourceWarning, an error under filterwarnings = error). So once closed,
    the app is no longer called: 503, and the requests already running are waited for."""

    def __init__(self, app):
        self.app = app
        self.serving = 0
        self.closed = False
        self.idle = threading.Condition()

    def __call__(self, environ, start_response):
        with self.idle:
            if self.closed:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"The test that served this page has ended."]
            self.serving += 1
        try:
            return self.app(environ, start_response)  # the app context ends before it returns
        finally:
            with self.idle:
                self.serving -= 1
                self.idle.notify_all()

    def close(self, timeout: float) -> bool:
        """Call the app no more; whether the requests it was serving ended within `timeout`."""
        with self.idle:
            self.closed = True
            return self.idle.wait_for(lambda: self.serving == 0, timeout=timeout)


@pytest.fixture
def live_server(app):
    """The app served over HTTP on a free local port, in a thread."""
    served = _ServedUntilClosed(app)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    ended = served.close(timeout=30)
    server.shutdown()
    thread.join(timeout=5)
    assert ended, "a request was still running 30 s after the test"


@pytest.fixture
def phone_page(browser, live_server):
    """A page in a 390 px wide, Chinese-language phone browser context."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        base_url=live_server,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
