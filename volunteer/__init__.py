"""Volunteer registration and service-hours system."""

import os
from pathlib import Path

from flask import Flask

import config as default_config
from volunteer import settings


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints and commands."""
    project_root = Path(__file__).resolve().parent.parent
    # One folder per host (INSTANCE_PATH): instance/config.py, and for `make run` the SQLite
    # database and job queue. Nothing another host needs is kept there (README).
    instance = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=str(instance or project_root / "instance"),
        instance_relative_config=True,
        template_folder=str(project_root / "templates"),
    )

    env_name = (test_config or {}).get("APP_ENV") or os.environ.get("APP_ENV")
    env_name = env_name or ("testing" if test_config is not None else "development")
    app.config.from_object(default_config.CONFIGS[env_name])
    app.config["APP_ENV"] = env_name
    app.config.from_pyfile("config.py", silent=True)
    settings.read_environment(app)
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config is not None:
        app.config.from_mapping(test_config)
    settings.refuse_unsafe_production(app)
    settings.trust_proxies(app)
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        uri = "sqlite:///" + str(Path(app.instance_path) / "volunteer.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = _with_psycopg_driver(uri)

    from volunteer import extensions, web

    extensions.init_app(app)
    web.init_app(app)

    from volunteer.cli import register_commands

    register_commands(app)
    return app


def _with_psycopg_driver(uri: str) -> str:
    # Hosting panels hand out postgres:// URLs; we ship psycopg 3, not psycopg2.
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            return "postgresql+psycopg://" + uri[len(prefix) :]
    return uri
