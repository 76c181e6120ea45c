"""The factory: configuration layering and the production secret check."""

import pytest

import config
from volunteer import create_app
from volunteer.access import EXEMPT_ENDPOINTS


def test_test_config_overrides_defaults(app):
    assert app.config["TESTING"] is True
    assert app.config["SECRET_KEY"] == "test-secret"
    assert app.config["BABEL_DEFAULT_LOCALE"] == "zh_CN"


def test_production_refuses_the_default_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"APP_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_production_starts_with_a_real_secret(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    app = create_app({"APP_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "a-long-random-production-secret"
    assert app.config["SESSION_COOKIE_SECURE"] is True


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
