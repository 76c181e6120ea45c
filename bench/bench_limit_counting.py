"""Counting one check-in code guess in the rate limits: one Redis call against window by window.

A guess spends two budgets of two windows each (the person's and the address's, a minute and
a day: volunteer/limits.py). On Redis, `hit_in_turn` counts the four in one call; this script
times it against limits' own fixed-window `hit` called once per window (what the scan did
before), on the same Redis, under a fresh key prefix, with budgets too large to run out.

    .venv/bin/python bench/bench_limit_counting.py [--storage redis://127.0.0.1:6379/0]
        [--guesses 3000] [--passes 2]

Prints CPU and wall time per guess and Redis commands per guess; asserts nothing.
"""

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from volunteer import create_app  # noqa: E402
from volunteer.extensions import limiter  # noqa: E402
from volunteer.limits import Window, _windows, hit_in_turn  # noqa: E402

BUDGETS = (
    ("1000000000 per minute; 1000000000 per day", "user:1", "checkin-code"),
    ("1000000000 per minute; 1000000000 per day", "198.51.100.1", "checkin-code-address"),
)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--guesses", type=int, default=3000)
    parser.add_argument("--passes", type=int, default=2)
    args = parser.parse_args(argv)
    if args.storage.startswith("redis") and not reachable(args.storage):
        print(f"no Redis answers at {args.storage}: nothing measured (start redis-server)")
        return
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/unused.sqlite3",
                "SECRET_KEY": "bench",
                "RATELIMIT_ENABLED": True,
                "RATELIMIT_STORAGE_URI": args.storage,
            }
        )
        with app.app_context():
            prefix = f"bench-{uuid.uuid4().hex}"
            windows = [
                (item, (prefix, key, scope))
                for limit, key, scope in BUDGETS
                for item in _windows(limit)
            ]
            print(f"storage {args.storage}; {len(windows)} windows a guess")
            for _ in range(args.passes):
                measure("one call (hit_in_turn)", lambda: hit_in_turn(windows), args.guesses)
                measure("window by window", lambda: one_by_one(windows), args.guesses)


def reachable(url: str) -> bool:
    """Whether a Redis answers at `url`."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def one_by_one(windows: list[Window]) -> None:
    """limits' own fixed-window hit on each window in turn, stopping at the first spent."""
    for item, identifiers in windows:
        if not limiter.limiter.hit(item, *identifiers):
            return


def measure(name: str, count_one_guess, guesses: int) -> None:
    """Print CPU and wall time per guess, and Redis commands per guess."""
    connection = getattr(limiter.storage, "get_connection", lambda: None)()
    sent = [0]
    if connection is not None:
        send = connection.execute_command

        def counted(*args, **kwargs):
            sent[0] += 1
            return send(*args, **kwargs)

        connection.execute_command = counted
    count_one_guess()  # loads the script into Redis if it is not there yet
    sent[0] = 0
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(guesses):
        count_one_guess()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if connection is not None:
        del connection.execute_command
    print(
        f"{name:24s} {cpu / guesses * 1e6:7.0f} us CPU  {wall / guesses * 1e6:7.0f} us wall"
        f"  {sent[0] / guesses:.0f} Redis commands  per guess"
    )


if __name__ == "__main__":
    main()
