"""Scan benchmark: check-in/check-out throughput and latency under gunicorn on PostgreSQL.

    .venv/bin/python bench/bench_scan.py [--clients 50] [--volunteers 500] [--workers 4]
        [--limits-storage redis://127.0.0.1:6379/0] [--open-minutes 120]

1. Creates its own PostgreSQL database (BENCH_DATABASE, default bench_scan) and the schema.
2. Creates one running activity and the volunteers (--volunteers for each round, and some to
   warm up with), each already checked in --open-minutes ago, as at an event's end.
3. Starts gunicorn on bench/scan_wsgi.py (the real app; the floor endpoint switched on by
   config, the repeat window at 0 so check-in can follow check-out at once).
4. Signs every volunteer in through the real login form (outside the timed part).
5. Timed: N concurrent clients, each checking its share of the round's volunteers out (which
   credits the --open-minutes: the day's and year's totals and the activity's are written in
   the same transaction) and in again, through the real scan URL (GET
   /checkin/s/<activity>/<step>/<code>, as a phone camera opens it). --open-minutes 0 credits
   nothing, as this benchmark did before check-outs were made to credit time.
6. Timed: the same clients on /bench/floor (one indexed read, one insert, one commit).
7. Timed: the same requests on bench/bare_wsgi.py (the same work without Flask or the ORM),
   served by a second gunicorn with as many workers.
Prints throughput, p50/p99 latency and errors of each, and the ratios.
"""

import argparse
import http.client
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench-password-1"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--volunteers", type=int, default=500, help="scanned in each round")
    parser.add_argument(
        "--open-minutes",
        type=int,
        default=120,
        help="how long ago everyone checked in: what each check-out credits (0: nothing)",
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 4)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", 1)))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 5099)))
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "bench_scan"))
    parser.add_argument(
        "--limits-storage",
        default="memory://",
        help="where the rate limits count (production: redis://...; memory:// is per worker)",
    )
    return parser.parse_args()


def recreate_database(name: str) -> str:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)


def seed(database_url: str, secret_key: str, volunteers: int, open_minutes: int | None = None):
    """Schema, volunteers and one activity running now; returns (activity id, phones, secret).
    With `open_minutes`, each volunteer is checked in that long ago (an open record)."""
    from datetime import timedelta

    from volunteer import create_app
    from volunteer.extensions import db
    from volunteer.models import (
        Activity,
        ActivityStatus,
        IdType,
        Organization,
        RecordSource,
        ServiceRecord,
        User,
        Volunteer,
        utcnow,
    )
    from volunteer.services.accounts import hash_password

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": secret_key,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.create_all()
        team = Organization(name="基准测试志愿服务队")
        activity = Activity(
            organization=team,
            title="基准测试活动",
            place="嘎鲁图镇",
            starts_at=utcnow() - timedelta(minutes=(open_minutes or 0) + 10),
            ends_at=utcnow() + timedelta(hours=4),
            status=ActivityStatus.PUBLISHED,
            checkin_secret=secrets.token_hex(16),
        )
        db.session.add(activity)
        password_hash = hash_password(PASSWORD)
        phones = []
        for i in range(volunteers):
            phone = f"139{i:08d}"
            user = User(phone=phone, name=f"志愿者{i}", password_hash=password_hash)
            volunteer = Volunteer(
                user=user,
                id_type=IdType.PASSPORT,
                id_number=f"BENCH{i:08d}",
                volunteer_number=f"WSB{i:08d}",
                personal_code=secrets.token_urlsafe(24),
            )
            db.session.add(volunteer)
            if open_minutes is not None:
                checked_in = utcnow() - timedelta(minutes=open_minutes)
                record = ServiceRecord(activity=activity, check_in_at=checked_in)
                record.volunteer, record.source = volunteer, RecordSource.QR
                db.session.add(record)
            phones.append(phone)
        db.session.commit()
        result = activity.id, phones, activity.checkin_secret
        db.engine.dispose()
    return result


def start_gunicorn(
    args, database_url: str, secret_key: str, module: str = "scan_wsgi:app", port: int = 0
) -> subprocess.Popen:
    """gunicorn serving `module` on `port` (default: --port) until /healthz answers."""
    port = port or args.port
    env = dict(
        os.environ,
        BENCH_DATABASE_URL=database_url,
        BENCH_SECRET_KEY=secret_key,
        BENCH_LIMITS_STORAGE=args.limits_storage,
    )
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "--pythonpath",
        f"{ROOT},{ROOT / 'bench'}",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--log-level",
        "warning",
        "--backlog",
        "2048",
    ]
    if args.threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(args.threads)]
    command.append(module)
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def sign_in(port: int, phone: str) -> str:
    """The session cookie of a volunteer signed in through the real login form."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = urllib.parse.urlencode({"login": phone, "password": PASSWORD})
    connection.request(
        "POST",
        "/auth/login",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": _login_form_session(connection),
        },
    )
    response = connection.getresponse()
    response.read()
    cookie = response.getheader("Set-Cookie") or ""
    if response.status != 302 or "session=" not in cookie:
        raise SystemExit(f"sign-in failed for {phone}: {response.status}")
    connection.close()
    return cookie.split(";", 1)[0]


def _login_form_session(connection: http.client.HTTPConnection) -> str:
    """The session a phone holds after being shown the sign-in form (it carries the form's
    CSRF token, so pages after sign-in do not each mint one and re-send the cookie: the
    clients below send one fixed cookie, where a browser would keep the new one)."""
    connection.request("GET", "/auth/login")
    response = connection.getresponse()
    response.read()
    return (response.getheader("Set-Cookie") or "").split(";", 1)[0]


class Client(threading.Thread):
    """One keep-alive connection doing its share of requests."""

    def __init__(self, port, jobs, start_gate):
        super().__init__(daemon=True)
        self.port, self.jobs, self.start_gate = port, jobs, start_gate
        self.latencies, self.errors, self.error_samples = [], 0, []

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.start_gate.wait()
        for path_of, cookie, expect in self.jobs:
            path = path_of()
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                self.errors += 1
                self.error_samples.append(repr(error))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            self.latencies.append(time.perf_counter() - began)
            if response.status != 200 or (expect and expect not in body):
                self.errors += 1
                if len(self.error_samples) < 3:
                    self.error_samples.append(f"{response.status} {path} {body[:200]!r}")
        connection.close()


class ServerCpu:
    """CPU seconds used by the gunicorn workers and the benchmark database's backends.

    The machine may be shared: wall-clock throughput then moves with other people's load,
    while CPU per request does not. Read from /proc (Linux); zero where unavailable.
    """

    def __init__(self, master_pid: int, database: str):
        self.master_pid, self.database = master_pid, database
        self.tick = os.sysconf("SC_CLK_TCK")

    def _cpu(self, pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / self.tick  # utime + stime

    def _workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children")
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def _backends(self) -> list[int]:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.database,)
            ).fetchall()
        return [row[0] for row in rows]

    def sample(self) -> dict[str, dict[int, float]]:
        return {
            "app": {pid: self._cpu(pid) for pid in self._workers()},
            "db": {pid: self._cpu(pid) for pid in self._backends()},
        }

    @staticmethod
    def used(before, after) -> dict[str, float]:
        return {
            kind: sum(cpu - before[kind].get(pid, 0.0) for pid, cpu in after[kind].items())
            for kind in ("app", "db")
        }


def run_phase(port: int, jobs_per_client: list[list], cpu: "ServerCpu | None" = None) -> dict:
    before = cpu.sample() if cpu else None
    gate = threading.Event()
    clients = [Client(port, jobs, gate) for jobs in jobs_per_client]
    for client in clients:
        client.start()
    began = time.perf_counter()
    gate.set()
    for client in clients:
        client.join()
    elapsed = time.perf_counter() - began
    latencies = sorted(x for c in clients for x in c.latencies)
    errors = sum(c.errors for c in clients)
    samples = [s for c in clients for s in c.error_samples][:3]
    result = summarize(latencies, len(latencies) + errors, elapsed, errors, samples)
    if cpu:
        used = ServerCpu.used(before, cpu.sample())
        result["cpu_app"], result["cpu_db"] = used["app"], used["db"]
    return result


def summarize(latencies, requests, seconds, errors, samples) -> dict:
    def pct(p):
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0
        )

    return {
        "requests": requests,
        "seconds": seconds,
        "throughput": requests / seconds,
        "p50": pct(0.50),
        "p99": pct(0.99),
        "mean": statistics.fmean(latencies) * 1000 if latencies else 0,
        "errors": errors,
        "samples": samples,
        "latencies": latencies,
    }


def report(name: str, result: dict) -> None:
    print(
        f"{name:<8} {result['requests']:>6} requests in {result['seconds']:.2f}s: "
        f"{result['throughput']:.0f}/s, p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, "
        f"mean {result['mean']:.1f} ms, errors {result['errors']}"
    )
    if result.get("cpu_app") is not None and result["requests"]:
        app_ms = result["cpu_app"] / result["requests"] * 1000
        db_ms = result["cpu_db"] / result["requests"] * 1000
        print(f"         server CPU per request: app {app_ms:.2f} ms + database {db_ms:.2f} ms")
    for sample in result["samples"]:
        print("   error:", sample)


def main() -> None:
    args = parse_args()
    secret_key = secrets.token_hex(16)
    database_url = recreate_database(args.database)
    # A group of volunteers for each round (each checks out once, crediting the minutes, and in
    # again), and one to warm up with.
    total = args.volunteers * args.rounds + args.clients
    activity_id, phones, checkin_secret = seed(database_url, secret_key, total, args.open_minutes)
    print(
        f"bench_scan: {args.volunteers} volunteers a round, each checked in {args.open_minutes}"
        f" min ago, {args.clients} clients, gunicorn {args.workers} workers x {args.threads}"
        f" thread(s), PostgreSQL database {args.database}, limits counted in"
        f" {args.limits_storage}"
    )
    server = start_gunicorn(args, database_url, secret_key)
    bare_port = args.port + 1
    bare = start_gunicorn(args, database_url, secret_key, "bare_wsgi:app", bare_port)
    try:
        with ThreadPoolExecutor(args.clients) as pool:
            cookies = list(pool.map(lambda phone: sign_in(args.port, phone), phones))

        # Codes computed as the screen computes them (same keys); a fresh one per request.
        from types import SimpleNamespace

        from volunteer import create_app
        from volunteer.services import tokens

        token_app = create_app({"SECRET_KEY": secret_key, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        activity = SimpleNamespace(id=activity_id, checkin_secret=checkin_secret)
        cache = {}

        def scan_path():
            step = int(time.time()) // 30
            if step not in cache:
                with token_app.app_context():
                    cache[step] = tokens.code_for(activity, step)
            return f"/checkin/s/{activity_id}/{step}/{cache[step]}"

        # Warm every worker (imports, connection pools, template compilation).
        warm = [[(lambda: "/healthz", "", b"")] * 20 for _ in range(args.clients)]
        run_phase(args.port, warm)
        run_phase(args.port, [[(lambda: "/bench/floor?phone=0", "", b"")] * 4] * args.clients)
        run_phase(bare_port, [[(lambda: "/bench/floor?phone=0", "", b"")] * 4] * args.clients)

        def jobs_for(first: int, count: int) -> tuple[list[list], list[list]]:
            """Each client's scans (out, then in) and floor requests for these volunteers."""
            group = list(zip(phones, cookies, strict=True))[first : first + count]
            shares = [group[i :: args.clients] for i in range(args.clients)]
            scans = [
                [
                    job
                    for _phone, cookie in share
                    for job in (
                        (scan_path, cookie, b'data-outcome="checked_out"'),
                        (scan_path, cookie, b'data-outcome="checked_in"'),
                    )
                ]
                for share in shares
            ]
            floors = [
                [
                    (lambda p=phone: f"/bench/floor?phone={p}", cookie, b'"ok"')
                    for phone, cookie in share
                    for _ in range(2)
                ]
                for share in shares
            ]
            return scans, floors

        # Warm the scan path too (template compilation, statement caches), untimed.
        run_phase(args.port, jobs_for(args.volunteers * args.rounds, args.clients)[0])
        # Alternate the two phases so that load from anything else on the machine falls on
        # both alike; each round scans a group of volunteers not scanned before.
        cpu = ServerCpu(server.pid, args.database)
        bare_cpu = ServerCpu(bare.pid, args.database)
        rounds = []
        for number in range(args.rounds):
            scan_jobs, floor_jobs = jobs_for(number * args.volunteers, args.volunteers)
            rounds.append(
                (
                    run_phase(args.port, scan_jobs, cpu),
                    run_phase(args.port, floor_jobs, cpu),
                    run_phase(bare_port, floor_jobs, bare_cpu),
                )
            )
    finally:
        for process in (server, bare):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    print_results(args, rounds)


def print_results(args, rounds: list[tuple[dict, dict, dict]]) -> None:
    """Each round, then all rounds merged, the ratios and whether the targets are met."""
    names = ("scans", "floor", "bare")
    for number, results in enumerate(rounds, 1):
        print(f"-- round {number}")
        for name, result in zip(names, results, strict=True):
            report(name, result)
    scans, floor, bare = (merge([r[i] for r in rounds]) for i in range(3))
    print(f"-- all {args.rounds} rounds")
    for name, result in zip(names, (scans, floor, bare), strict=True):
        report(name, result)
    ratio = scans["throughput"] / floor["throughput"] if floor["throughput"] else 0
    print(f"ratio    scans/floor throughput = {ratio:.0%} (target >= 60%)")
    for name, base in (("floor", floor), ("bare", bare)):
        scan_cpu, base_cpu = cpu_per_request(scans), cpu_per_request(base)
        if scan_cpu and base_cpu:
            print(f"ratio    scans/{name} by server CPU per request = {base_cpu / scan_cpu:.0%}")
    ok = ratio >= 0.6 and scans["p99"] < 40 and scans["errors"] == 0
    print(
        f"target   {'met' if ok else 'NOT met'}: ratio >= 60%, p99 < 40 ms, no errors "
        f"at {args.clients} clients"
    )


def cpu_per_request(result: dict) -> float:
    """Server CPU (app and database) per request, in seconds; 0 when not measured."""
    used = result.get("cpu_app", 0) + result.get("cpu_db", 0)
    return used / result["requests"] if result["requests"] else 0.0


def merge(results: list[dict]) -> dict:
    """All rounds as one: throughput over the summed time, percentiles over every request."""
    latencies = sorted(x for r in results for x in r["latencies"])
    requests = sum(r["requests"] for r in results)
    seconds = sum(r["seconds"] for r in results)
    merged = summarize(latencies, requests, seconds, sum(r["errors"] for r in results), [])
    merged["cpu_app"] = sum(r.get("cpu_app", 0.0) for r in results)
    merged["cpu_db"] = sum(r.get("cpu_db", 0.0) for r in results)
    return merged


if __name__ == "__main__":
    main()
