"""The app as bench/bench_scan.py serves it under gunicorn.

Same factory and code as wsgi.py; settings come from the environment the
benchmark sets: its own database, the login rate limit off (clients sign in
before the timed part), the floor endpoint on, and the repeat window at 0 so
a client can check out right after checking in.
"""

import os

from volunteer import create_app

app = create_app(
    {
        "APP_ENV": "development",
        "SQLALCHEMY_DATABASE_URI": os.environ["BENCH_DATABASE_URL"],
        "SECRET_KEY": os.environ["BENCH_SECRET_KEY"],
        "RATELIMIT_ENABLED": False,
        "BENCH_FLOOR_ENDPOINT": True,
        "REPEAT_SCAN_WINDOW_SECONDS": 0,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "WTF_CSRF_ENABLED": False,
    }
)
