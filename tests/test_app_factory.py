"""The factory: configuration layering and the production secret check."""

import pytest

import config
from volunteer import create_app
from volunteer.access import EXEMPT_ENDPOINTS


def test_test_config_overrides_defaults(app):
    assert app.config["TESTING"] is True
    assert app.config["SECRET_KEY"] == "test-secret"
    assert app.config["BABEL_DEFAULT_LOCALE"] == "zh_CN"


LONG_SECRET = "0123456789abcdef0123456789abcdef"  # 32 bytes
PRODUCTION = {"APP_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"}


def production_app(**settings):
    return create_app({**PRODUCTION, **settings})


def test_production_refuses_the_default_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        production_app(WEB_WORKERS=1)


def test_production_refuses_a_secret_shorter_than_32_bytes(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", LONG_SECRET[:31])
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        production_app(WEB_WORKERS=1)
    with pytest.raises(RuntimeError, match="at least 32 bytes"):
        production_app(WEB_WORKERS=1, SECRET_KEY="x")


def test_production_starts_with_a_real_secret(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", LONG_SECRET)
    monkeypatch.setenv("WEB_WORKERS", "1")
    app = create_app(PRODUCTION)
    assert app.config["SECRET_KEY"] == LONG_SECRET
    assert app.config["WEB_WORKERS"] == 1
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_per_worker_limits_unless_one_worker_is_declared(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", LONG_SECRET)
    monkeypatch.delenv("WEB_WORKERS", raising=False)
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    with pytest.raises(RuntimeError, match="memory://"):
        production_app()
    with pytest.raises(RuntimeError, match="memory://"):
        production_app(WEB_WORKERS=4)
    assert production_app(WEB_WORKERS=1).config["RATELIMIT_STORAGE_URI"] == "memory://"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/5")
    monkeypatch.setenv("QUEUE_URL", "redis://127.0.0.1:6379/6")
    assert production_app().config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/5"


def test_production_refuses_a_job_queue_on_one_hosts_disk(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", LONG_SECRET)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/5")
    monkeypatch.delenv("WEB_WORKERS", raising=False)
    monkeypatch.delenv("QUEUE_URL", raising=False)
    with pytest.raises(RuntimeError, match="QUEUE_URL"):
        production_app()
    assert production_app(WEB_WORKERS=1).config["QUEUE_URL"] is None
    monkeypatch.setenv("QUEUE_URL", "redis://127.0.0.1:6379/6")
    assert production_app().config["QUEUE_URL"] == "redis://127.0.0.1:6379/6"


def test_the_client_address_comes_from_the_trusted_proxy_hops_only(monkeypatch):
    monkeypatch.delenv("TRUSTED_PROXY_HOPS", raising=False)
    seen = []

    def remember_address():
        from volunteer.limits import client_address

        seen.append(client_address())

    for hops in (0, 1):
        app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TRUSTED_PROXY_HOPS": hops})
        app.before_request(remember_address)
        app.test_client().get(
            "/auth/privacy",
            headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
    assert seen == ["127.0.0.1", "198.51.100.7"]


def test_environment_database_url_uses_psycopg(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://user@db.example/volunteer")
    app = create_app({"APP_ENV": "development"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://user@db.example/volunteer"


def test_default_database_lives_in_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"APP_ENV": "development"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/volunteer.sqlite3")
    assert config.Config.SECRET_KEY == config.DEFAULT_SECRET_KEY


def test_every_endpoint_declares_who_may_use_it(app):
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint not in EXEMPT_ENDPOINTS and not hasattr(view, "access_rule")
    ]
    assert undeclared == []


def test_an_undeclared_endpoint_is_refused():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.route("/forgot-the-rule")
    def forgot_the_rule():
        return "secret"

    assert app.test_client().get("/forgot-the-rule").status_code == 403


def test_static_assets_are_served_locally(client):
    page = client.get("/").get_data(as_text=True)
    assert "cdn." not in page and "https://" not in page
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200
    assert client.get("/static/css/app.css").status_code == 200
