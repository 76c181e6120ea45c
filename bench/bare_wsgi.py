"""The bare-WSGI floor bench/bench_scan.py prints beside the app's own: no Flask, no ORM.

The same work as /bench/floor (read a user by phone through its index, insert an audit row,
commit) written against psycopg in a plain WSGI callable, so the figures show what the
framework, ORM and middleware cost on top of the database round trips themselves.
"""

import json
import os
from datetime import UTC, datetime
from urllib.parse import parse_qs

import psycopg

DATABASE_URL = os.environ["BENCH_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
_connection: psycopg.Connection | None = None


def _database() -> psycopg.Connection:
    """One connection per (sync) gunicorn worker, opened on its first request."""
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(DATABASE_URL)
    return _connection


def app(environ, start_response):
    """GET /bench/floor?phone=...: one indexed read, one insert, one commit."""
    if environ.get("PATH_INFO") == "/healthz":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    phone = parse_qs(environ.get("QUERY_STRING", "")).get("phone", [""])[0]
    connection = _database()
    with connection.cursor() as cursor:
        row = cursor.execute("SELECT id FROM users WHERE phone = %s", (phone,)).fetchone()
        cursor.execute(
            "INSERT INTO audit_log (actor_id, action, details, created_at) "
            "VALUES (%s, 'bench.bare', '{}', %s)",
            (row[0] if row else None, datetime.now(UTC).replace(tzinfo=None)),
        )
    connection.commit()
    body = json.dumps({"ok": True}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]
