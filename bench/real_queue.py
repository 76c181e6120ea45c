"""The app as production runs it, for benches that fetch pages from a generated database."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask_login import FlaskLoginClient

from volunteer import create_app


@contextmanager
def app_with_real_queue(database_url: str) -> Iterator[Flask]:
    """The app on `database_url`, inside its app context, with a real queue (SQLite in a scratch
    instance folder): a page that queues a job does not run it, as in production (the test
    config runs jobs inside the request), and production's line between live and kept figures."""
    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance, "APP_ENV": "development"}
        )
        app.test_client_class = FlaskLoginClient
        with app.app_context():
            yield app
