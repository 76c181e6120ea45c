"""Revocable sessions: sign-out, a password change and an admin's "sign out everywhere" end
every session and remember-me cookie of the account, and its API sign-in tokens."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from flask.testing import FlaskClient

from tests import factories
from tests.conftest import IsolatedClient, login
from volunteer.extensions import db
from volunteer.models import TokenKind, utcnow
from volunteer.services import api_tokens

NEW_PASSWORD = "brand-new-pw"


def another_browser(app) -> FlaskClient:
    app.test_client_class = IsolatedClient
    return app.test_client()


def copy_cookies(source: FlaskClient, target: FlaskClient) -> None:
    """What a thief does with a copied cookie jar."""
    for name in ("session", "remember_token"):
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def signed_in(client: FlaskClient) -> bool:
    return client.get("/me/").status_code == 200


def sign_in_remembered(client: FlaskClient, user) -> None:
    credentials = {"login": user.phone, "password": factories.PASSWORD, "remember": "y"}
    assert client.post("/auth/login", data=credentials).status_code == 302


def remember_cookie_only(app, source: FlaskClient) -> FlaskClient:
    """A fresh browser holding only the remember-me cookie (its session long expired)."""
    browser = another_browser(app)
    browser.set_cookie("remember_token", source.get_cookie("remember_token").value)
    return browser


def test_a_copied_session_cookie_stops_working_after_sign_out(app, client):
    volunteer = factories.make_volunteer()
    db.session.commit()
    login(client, volunteer.user)
    thief = another_browser(app)
    copy_cookies(client, thief)
    assert signed_in(thief)
    client.post("/auth/logout")
    assert not signed_in(thief)
    assert not signed_in(client)


def test_sign_out_ends_the_remember_me_cookie_too(app, client):
    volunteer = factories.make_volunteer()
    db.session.commit()
    sign_in_remembered(client, volunteer.user)
    copied = remember_cookie_only(app, client)
    assert signed_in(copied)
    other = another_browser(app)
    sign_in_remembered(other, volunteer.user)
    other.post("/auth/logout")
    assert not signed_in(remember_cookie_only(app, client))


def test_a_password_change_ends_old_sessions_and_remember_cookies_but_not_this_one(app, client):
    volunteer = factories.make_volunteer()
    db.session.commit()
    sign_in_remembered(client, volunteer.user)
    old_session = another_browser(app)
    copy_cookies(client, old_session)
    old_remember = remember_cookie_only(app, client)
    response = client.post(
        "/me/password",
        data={
            "current_password": factories.PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(old_session)
    assert not signed_in(old_remember)
    assert signed_in(remember_cookie_only(app, client))


def test_a_password_change_revokes_api_sign_in_tokens_but_not_personal_ones(app, client):
    organizer = factories.make_organizer(factories.make_organization())
    sign_in = api_tokens.issue_sign_in_token(organizer, "phone", utcnow())
    kiosk = api_tokens.create_personal_token(organizer, "kiosk", ["kiosk"], utcnow())
    db.session.commit()
    login(client, organizer)
    client.post(
        "/me/password",
        data={
            "current_password": factories.PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )
    assert api_tokens.find_active(sign_in.secret, utcnow()) is None
    assert api_tokens.find_active(kiosk.secret, utcnow()).kind == TokenKind.PERSONAL


def test_an_admin_signs_a_person_out_everywhere(app, client):
    volunteer = factories.make_volunteer()
    admin = factories.make_admin()
    token = api_tokens.issue_sign_in_token(volunteer.user, "phone", utcnow())
    db.session.commit()
    phone = another_browser(app)
    sign_in_remembered(phone, volunteer.user)
    remembered = remember_cookie_only(app, phone)
    login(client, admin)
    page = client.get("/admin/grants", query_string={"q": volunteer.user.name})
    assert "强制退出所有登录" in page.get_data(as_text=True)
    response = client.post(f"/admin/users/{volunteer.user.id}/sign-out-everywhere")
    assert response.status_code == 302
    assert not signed_in(phone)
    assert not signed_in(remembered)
    assert api_tokens.find_active(token.secret, utcnow()) is None
    assert signed_in(client)
    sign_in_remembered(phone, volunteer.user)
    assert signed_in(phone)


def test_only_admins_may_sign_others_out(app, client):
    volunteer = factories.make_volunteer()
    other = factories.make_volunteer()
    db.session.commit()
    login(client, volunteer.user)
    response = client.post(f"/admin/users/{other.user.id}/sign-out-everywhere")
    assert response.status_code == 403


def test_the_remember_cookie_is_same_site_and_lasts_thirty_days(app, client):
    volunteer = factories.make_volunteer()
    db.session.commit()
    response = client.post(
        "/auth/login",
        data={"login": volunteer.user.phone, "password": factories.PASSWORD, "remember": "y"},
    )
    header = next(h for h in response.headers.getlist("Set-Cookie") if "remember_token" in h)
    assert "SameSite=Lax" in header
    assert "HttpOnly" in header
    expires = parsedate_to_datetime(header.split("Expires=")[1].split(";")[0])
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)


def test_a_session_cookie_naming_no_version_names_nobody(app):
    from volunteer.services.sessions import parse_session_id

    assert parse_session_id("12") is None
    assert parse_session_id("12:x") is None
    assert parse_session_id("１２:0") is None
    assert parse_session_id("12:3") == (12, 3)
