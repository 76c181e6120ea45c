"""Settings taken from the environment, and the checks production must pass to start."""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import config as default_config

# Environment variables read into settings of the same name (integers where the default is).
FROM_ENVIRONMENT = (
    "SECRET_KEY",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_KEY_PREFIX",
    "TRUSTED_PROXY_HOPS",
    "WEB_WORKERS",
    "QUEUE_URL",
    "QUEUE_NAME",
    "FILE_STORE_S3_BUCKET",
    "FILE_STORE_S3_PREFIX",
    "FILE_STORE_S3_ENDPOINT_URL",
    "FILE_STORE_S3_REGION",
)
SECRET_KEY_MIN_BYTES = 32  # 256 bits: what `secrets.token_hex(32)` prints is 64


def read_environment(app: Flask) -> None:
    """Override settings with the environment variables of FROM_ENVIRONMENT that are set."""
    for name in FROM_ENVIRONMENT:
        value = os.environ.get(name)
        if value:
            app.config[name] = int(value) if isinstance(app.config.get(name), int) else value


def refuse_unsafe_production(app: Flask) -> None:
    """Production does not start with a guessable secret, per-worker limits or a local queue."""
    if app.config["APP_ENV"] != "production":
        return
    secret = app.config.get("SECRET_KEY") or ""
    if secret == default_config.DEFAULT_SECRET_KEY or len(secret.encode()) < SECRET_KEY_MIN_BYTES:
        raise RuntimeError(
            f"Refusing to start in production: SECRET_KEY must be at least"
            f" {SECRET_KEY_MIN_BYTES} bytes of random text (not the default)."
        )
    per_worker = app.config["RATELIMIT_STORAGE_URI"].startswith("memory://")
    if per_worker and app.config.get("RATELIMIT_ENABLED", True) and app.config["WEB_WORKERS"] != 1:
        raise RuntimeError(
            "Refusing to start in production with RATELIMIT_STORAGE_URI=memory://: each worker"
            " would count on its own. Set RATELIMIT_STORAGE_URI=redis://host:6379/0, or"
            " WEB_WORKERS=1 if a single worker process serves the site."
        )
    _refuse_a_one_host_queue(app)


def _refuse_a_one_host_queue(app: Flask) -> None:
    """Production keeps its job queue in Redis, unless one worker process is all there is."""
    if not app.config.get("QUEUE_URL") and app.config["WEB_WORKERS"] != 1:
        raise RuntimeError(
            "Refusing to start in production with the job queue in instance/ (one host's disk):"
            " set QUEUE_URL=redis://host:6379/1, or WEB_WORKERS=1 for a single small server."
        )


def trust_proxies(app: Flask) -> None:
    """Take the client's address and scheme from TRUSTED_PROXY_HOPS reverse proxies."""
    hops = int(app.config["TRUSTED_PROXY_HOPS"])
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
