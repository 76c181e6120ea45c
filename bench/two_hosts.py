"""Two application hosts for real: what one host starts, the other finishes.

    .venv/bin/python bench/two_hosts.py          # needs PostgreSQL and Redis running

1. Creates its own PostgreSQL database (TWO_HOSTS_DATABASE, default two_hosts), migrates it
   and loads the demo data.
2. Starts one job worker (`flask jobs worker`) and two gunicorn servers on two ports, each
   process with its own empty instance folder (INSTANCE_PATH), as production runs them
   (APP_ENV=production): one database, the job queue and the rate limits in Redis.
3. Over HTTP, with one browser's cookies on both hosts (as behind a load balancer):
   - a roster previewed on host A is confirmed on host B;
   - a certificate batch started on A is run by the worker and downloaded from B;
   - the sign-in limit of one account counts the wrong passwords sent to A and B together.
4. Prints what each check saw and whether the instance folders stayed empty; exits 1 if a
   check failed. tests/pg/test_two_hosts.py runs the same checks in CI.
"""

import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TWO_HOSTS_REDIS_URL", "redis://127.0.0.1:6379/5")
ROSTER_HEADER = "姓名,证件类型,证件号码,手机号,政治面貌,职务"
JOB_SECONDS = 180  # how long a batch may take before the check gives up
GIVEN = "春夏秋冬梅兰竹菊山川河海"  # random given names: a rerun adds new people
LOGIN_LIMIT = 5  # LOGIN_ACCOUNT_RATE_LIMIT's per-minute count (config.py)


# ---- one browser, two hosts ----


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Keep redirects as answers: the checks read their Location."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """One cookie jar for every host (cookies ignore the port, as behind one host name)."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects
        )

    def get(self, url: str) -> Answer:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, fields: dict, upload: tuple[str, str, bytes] | None = None):
        if upload is None:
            return self._open(urllib.request.Request(url, urllib.parse.urlencode(fields).encode()))
        boundary = uuid.uuid4().hex
        body = multipart(fields, upload, boundary)
        content_type = f"multipart/form-data; boundary={boundary}"
        return self._open(urllib.request.Request(url, body, {"Content-Type": content_type}))

    def form_post(self, page_url: str, url: str, fields: dict, token_field="csrf_token", **kw):
        """POST a form the way a person does: open its page first for the CSRF token."""
        return self.post(url, {**fields, token_field: csrf(self.get(page_url), token_field)}, **kw)

    def _open(self, request) -> Answer:
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())


def multipart(fields: dict, upload: tuple[str, str, bytes], boundary: str) -> bytes:
    """A multipart/form-data body with plain fields and one file."""
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n')
        parts.append(f"{value}\r\n")
    name, filename, data = upload
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
        "\r\nContent-Type: text/csv\r\n\r\n"
    )
    return "".join(parts).encode() + data + f"\r\n--{boundary}--\r\n".encode()


def csrf(page: Answer, name: str = "csrf_token") -> str:
    """The CSRF token of a page's form."""
    found = re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]+)"', page.text)
    assert found, f"no {name} on the page ({page.status})"
    return found[1]


def sign_in(browser: Browser, host: str, login: str, password: str) -> Answer:
    """Sign in through the real form."""
    fields = {"login": login, "password": password}
    return browser.form_post(f"{host}/auth/login", f"{host}/auth/login", fields)


# ---- the three checks ----


@dataclass
class Check:
    name: str
    ok: bool
    seen: list[str] = field(default_factory=list)


def check_roster(a: str, b: str, login: str, password: str, unit_id: int) -> Check:
    """A roster previewed on A and confirmed on B is imported (and its names show on B)."""
    browser, names = (
        Browser(),
        [f"两地{secrets.choice(GIVEN)}{secrets.choice(GIVEN)}" + c for c in "甲乙"],
    )
    sign_in(browser, a, login, password)
    page = f"{a}/compliance/units/{unit_id}/roster"
    upload = ("file", "roster.csv", roster_csv(names))
    preview = browser.form_post(page, page, {"mode": "merge"}, upload=upload)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview.text)
    if preview.status != 200 or not token:
        return Check("roster", False, [f"preview on A answered {preview.status}"])
    fields = {"token": token[1], "mode": "merge", "csrf_token": csrf(preview)}
    confirmed = browser.post(f"{b}/compliance/rosters/confirm", fields)
    roster_on_b = browser.get(f"{b}/compliance/units/{unit_id}/roster").text
    shown = all(name in roster_on_b for name in names)
    seen = [f"preview on A: {preview.status}, confirm on B: {confirmed.status}"]
    seen.append(f"the {len(names)} new names on B's roster page: {shown}")
    return Check("roster previewed on A, confirmed on B", confirmed.status == 302 and shown, seen)


def roster_csv(names: list[str]) -> bytes:
    """A roster file of new people with valid resident ID numbers and phones."""
    from volunteer.services.demo import wushen_region_code
    from volunteer.services.identity import make_resident_id

    lines = [ROSTER_HEADER]
    for name in names:
        birth = date(1980, 1, 1) + timedelta(days=secrets.randbelow(7000))
        number = make_resident_id(wushen_region_code(birth), birth, secrets.randbelow(1000))
        lines.append(f"{name},居民身份证,{number},139{secrets.randbelow(10**8):08d},群众,科员")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def check_batch(a: str, b: str, login: str, password: str, unit_code: str) -> Check:
    """A batch started on A is run by the worker and its PDF downloaded from B."""
    browser = Browser()
    sign_in(browser, a, login, password)
    fields = {"unit-unit_code": unit_code, "unit-include_subunits": "y", "unit-period": "year"}
    fields["unit-submit"] = "y"
    started = browser.form_post(
        f"{a}/certificates/batch", f"{a}/certificates/batch/unit", fields, "unit-csrf_token"
    )
    job = started.headers.get("Location", "")
    if started.status != 302 or "/jobs/" not in job:
        return Check("batch", False, [f"starting on A answered {started.status}"])
    status = wait_for_job(browser, b + urllib.parse.urlparse(job).path)
    pdf = browser.get(b + status["download"]) if status.get("download") else None
    seen = [f"job {job.rsplit('/', 1)[-1]}: {status.get('status')}, {status.get('done')} made"]
    ok = pdf is not None and pdf.status == 200 and pdf.body.startswith(b"%PDF")
    seen.append(f"download from B: {pdf.status if pdf else '-'}, {len(pdf.body) if pdf else 0} B")
    return Check("batch started on A, run by the worker, downloaded from B", ok, seen)


def wait_for_job(browser: Browser, job_url: str) -> dict:
    """The job's status once it has finished (or the last one seen after JOB_SECONDS)."""
    import json

    deadline, status = time.monotonic() + JOB_SECONDS, {}
    while time.monotonic() < deadline:
        status = json.loads(browser.get(job_url + "/status").body)
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    return status


def check_login_limit(a: str, b: str, login: str, attempts: int = 8) -> Check:
    """Wrong passwords for one account, sent to A and B in turn, share one limit."""
    browser, statuses = Browser(), []
    for attempt in range(attempts):
        host = (a, b)[attempt % 2]
        statuses.append(sign_in(browser, host, login, "wrong-password").status)
    expected = [200] * LOGIN_LIMIT + [429] * (attempts - LOGIN_LIMIT)
    seen = [f"A, B, A, ...: {statuses}"]
    return Check("one sign-in limit for both hosts", statuses == expected, seen)


# ---- the cluster ----


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """One worker and two gunicorn hosts, each with its own instance folder, as processes."""

    def __init__(self, database_url: str, redis_url: str, workdir: Path, workers: int = 2):
        self.workdir, self.workers = workdir, workers
        self.environment = {
            **{k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "HOME")},
            "APP_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "SESSION_COOKIE_SECURE": "0",  # plain HTTP on 127.0.0.1
            "DATABASE_URL": database_url,
            "QUEUE_URL": redis_url,
            "QUEUE_NAME": f"two-hosts-{uuid.uuid4().hex[:12]}",  # not another run's queue
            "RATELIMIT_STORAGE_URI": redis_url,
            "RATELIMIT_KEY_PREFIX": f"two-hosts-{uuid.uuid4().hex[:12]}",
        }
        self.processes: list[subprocess.Popen] = []
        self.logs_open: list = []
        self.hosts: list[str] = []
        self.instances: list[Path] = []

    def __enter__(self) -> "Cluster":
        try:
            worker = [self._bin("flask"), "--app", "wsgi", "jobs", "worker"]
            self.worker = self._start("worker", worker)
            for name in ("a", "b"):
                port = free_port()
                self._start(name, [self._bin("gunicorn"), *self._gunicorn(port)])
                self.hosts.append(f"http://127.0.0.1:{port}")
            for host in self.hosts:
                self._wait_until_serving(host)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _bin(self, name: str) -> str:
        return str(Path(sys.executable).with_name(name))

    def _gunicorn(self, port: int) -> list[str]:
        return [
            f"--workers={self.workers}",
            f"--bind=127.0.0.1:{port}",
            "--graceful-timeout=5",
            "wsgi:app",
        ]

    def _start(self, name: str, command: list[str]) -> subprocess.Popen:
        instance = self.workdir / f"instance-{name}"
        instance.mkdir(parents=True)
        self.instances.append(instance)
        log = (self.workdir / f"{name}.log").open("w")
        self.logs_open.append(log)
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.environment, "INSTANCE_PATH": str(instance)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def _wait_until_serving(self, host: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                raise RuntimeError(f"a process stopped:\n{self.logs()}")
            try:
                with urllib.request.urlopen(host + "/auth/login", timeout=10):
                    return
            except OSError:  # refused or timed out while the workers boot
                time.sleep(0.2)
        raise RuntimeError(f"{host} did not start within 60 s:\n{self.logs()}")

    def logs(self) -> str:
        """The last lines of every process's log."""
        return "\n".join(
            f"== {path.name}\n{path.read_text()[-2000:]}" for path in self.workdir.glob("*.log")
        )

    def files_left_in_instances(self) -> list[str]:
        """Whatever a process wrote into its instance folder (nothing, if all is shared)."""
        return [str(path) for folder in self.instances for path in folder.rglob("*")]

    def __exit__(self, *_exc) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs_open:
            log.close()


def run_checks(
    cluster: Cluster, coordinator: tuple[str, str], unit: tuple[int, str], other_login: str
):
    """The three checks on the cluster's hosts A and B, for the unit (id, code)."""
    a, b = cluster.hosts
    return [
        check_roster(a, b, *coordinator, unit[0]),
        check_batch(a, b, *coordinator, unit[1]),
        check_login_limit(a, b, other_login),
    ]


# ---- the script ----


def demo_database() -> tuple[str, int]:
    """A fresh database with the schema and demo data; its URL and 旗文明办's unit id."""
    import psycopg

    name = os.environ.get("TWO_HOSTS_DATABASE", "two_hosts")
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    flask = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi"]
    environment = {**os.environ, "DATABASE_URL": url, "APP_ENV": "development"}
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(
            [*flask, *command], cwd=ROOT, env=environment, check=True, capture_output=True
        )
    with psycopg.connect(url) as connection:
        unit_id = connection.execute("SELECT id FROM units WHERE code = 'WS-WMB'").fetchone()[0]
    return url, unit_id


def main() -> int:
    import tempfile

    url, unit_id = demo_database()
    with (
        tempfile.TemporaryDirectory() as workdir,
        Cluster(url, REDIS_URL, Path(workdir)) as cluster,
    ):
        a, b = cluster.hosts
        print(f"hosts {a} (A) and {b} (B), worker pid {cluster.worker.pid}")
        checks = run_checks(
            cluster, ("13800000001", "demo12345"), (unit_id, "WS-WMB"), "13800000003"
        )
        left = cluster.files_left_in_instances()
    for check in checks:
        print(f"{'ok ' if check.ok else 'FAIL'} {check.name}")
        for line in check.seen:
            print(f"     {line}")
    print(f"{'ok ' if not left else 'FAIL'} instance folders empty: {left or 'yes'}")
    return 0 if all(check.ok for check in checks) and not left else 1


if __name__ == "__main__":
    sys.exit(main())
