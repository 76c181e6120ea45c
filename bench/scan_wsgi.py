"""The app as bench/bench_scan.py serves it under gunicorn.

Same factory and code as wsgi.py; settings come from the environment the
benchmark sets: its own database, the sign-in rate limit raised (every client
signs in before the timed part), the floor endpoint on, and the repeat window
at 0 so a client can check out right after checking in.
"""

import os

from volunteer import create_app

app = create_app(
    {
        "APP_ENV": "development",
        "SQLALCHEMY_DATABASE_URI": os.environ["BENCH_DATABASE_URL"],
        "SECRET_KEY": os.environ["BENCH_SECRET_KEY"],
        # Rate limits stay on (their cost is part of a scan); sign-in gets room for every client.
        # Counted in each worker's memory unless the bench names Redis, as production does.
        "RATELIMIT_STORAGE_URI": os.environ.get("BENCH_LIMITS_STORAGE", "memory://"),
        # Each run counts under its own keys: a shared store keeps the last run's counts.
        "RATELIMIT_KEY_PREFIX": "bench-scan-" + os.environ["BENCH_SECRET_KEY"][:12],
        "LOGIN_RATE_LIMIT": "100000 per minute",
        # Every client of the benchmark comes from 127.0.0.1: the per-address scan limit would
        # answer 429 once a run is fast; the per-volunteer limit stays as in production.
        "CHECKIN_ADDRESS_RATE_LIMIT": "1000000 per minute",
        "BENCH_FLOOR_ENDPOINT": True,
        "REPEAT_SCAN_WINDOW_SECONDS": 0,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "WTF_CSRF_ENABLED": False,
    }
)
