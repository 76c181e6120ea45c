"""The sign-in limit holds across gunicorn workers when the counts live in Redis
(issue 10, finding 4: with memory:// and 4 workers, 4 times the limit got through)."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import _test_config
from volunteer.extensions import db

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
ACCOUNT_LIMIT = 5
ATTEMPTS = 24

APP_MODULE = """
from volunteer import create_app

app = create_app({config!r})
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(base: str, server: subprocess.Popen, error_log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, error_log.read_text()[-3000:]
        try:
            with urllib.request.urlopen(base + "/auth/login", timeout=10):
                return
        except OSError:  # refused or timed out while the workers boot
            time.sleep(0.2)
    pytest.fail("gunicorn did not start within 60 s")


@pytest.fixture
def gunicorn(database_url, redis_url, app, tmp_path):
    """The app under gunicorn with several workers, limits counted in Redis."""
    config = {
        **_test_config(database_url),
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "LOGIN_ACCOUNT_RATE_LIMIT": f"{ACCOUNT_LIMIT} per minute",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "TRUSTED_PROXY_HOPS": 1,
    }
    (tmp_path / "limited_app.py").write_text(APP_MODULE.format(config=config))
    port = free_port()
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{port}",
            f"--pythonpath={PROJECT_ROOT}",
            f"--chdir={tmp_path}",
            f"--access-logfile={access_log}",
            f"--error-logfile={error_log}",
            "--access-logformat=%(p)s %(m)s %(U)s %(s)s",
            "--graceful-timeout=2",
            "--no-control-socket",
            "limited_app:app",
        ],
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, server, error_log)
        yield base, server, access_log, error_log
    finally:
        server.terminate()
        server.wait(timeout=30)


def attempt(base: str, login: str, number: int) -> int:
    """One wrong-password sign-in from its own address; the status code."""
    request = urllib.request.Request(
        base + "/auth/login",
        data=urllib.parse.urlencode({"login": login, "password": "wrong-password"}).encode(),
        headers={"X-Forwarded-For": f"203.0.113.{number}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_sign_in_limit_holds_across_gunicorn_workers(gunicorn, app):
    base, server, access_log, error_log = gunicorn
    volunteer = factories.make_volunteer("巴特尔")
    phone = volunteer.user.phone
    db.session.commit()
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda number: attempt(base, phone, number), range(ATTEMPTS)))
    server.terminate()
    server.wait(timeout=30)
    expected = [200] * ACCOUNT_LIMIT + [429] * (ATTEMPTS - ACCOUNT_LIMIT)
    assert sorted(statuses) == expected, error_log.read_text()[-3000:]
    workers_that_answered = {
        line.split()[0]
        for line in access_log.read_text().splitlines()
        if " POST /auth/login " in line
    }
    assert len(workers_that_answered) > 1, access_log.read_text()
