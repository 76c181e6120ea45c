"""Tokens: sign in with a password for a bearer token, personal access tokens with scopes,
listing and revoking them (API and profile page), and no cookies under /api/."""

from datetime import timedelta

from sqlalchemy import select

from tests import factories
from tests.api.conftest import bearer
from volunteer.extensions import db
from volunteer.models import ApiScope, ApiToken, utcnow
from volunteer.services import api_tokens


def test_a_password_sign_in_gives_a_bearer_token_that_works_and_is_stored_hashed(client, world):
    phone = world["volunteer"].phone
    response = client.post("/api/v1/tokens", json={"login": phone, "password": factories.PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["token"].startswith("wsv_")
    assert body["expires_at"] > utcnow().isoformat()
    stored = db.session.scalar(select(ApiToken).where(ApiToken.id == body["id"]))
    assert stored.token_hash == api_tokens.hash_secret(body["token"])
    assert body["token"] not in (stored.token_hash, stored.hint)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.get_json()["name"] == "巴特尔"
    assert "Set-Cookie" not in response.headers and "Set-Cookie" not in me.headers


def test_a_wrong_password_is_refused_with_a_json_401(client, world):
    response = client.post(
        "/api/v1/tokens", json={"login": world["volunteer"].phone, "password": "nope"}
    )
    assert response.status_code == 401
    assert response.get_json()["code"] == "invalid_credentials"
    assert response.get_json()["message"] == "手机号/证件号码或密码错误。"


def test_missing_fields_are_a_422_naming_them(client, world):
    response = client.post("/api/v1/tokens", json={"login": "13500000000"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "invalid_request" and "password" in body["errors"]["json"]


def test_no_token_a_bad_token_an_expired_or_revoked_token_are_401(client, world):
    good = bearer(world["volunteer"])
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer wsv_x"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.get("/api/v1/me", headers=good).status_code == 200
    token = db.session.scalar(select(ApiToken).order_by(ApiToken.id.desc()))
    token.created_at = utcnow() - timedelta(hours=2)
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/me", headers=good).status_code == 401
    token.expires_at = utcnow() + timedelta(hours=1)
    token.revoked_at = utcnow()
    db.session.commit()
    response = client.get("/api/v1/me", headers=good)
    assert response.status_code == 401 and response.get_json()["code"] == "unauthorized"


def test_a_disabled_account_s_tokens_stop_working(client, world):
    headers = bearer(world["volunteer"])
    world["volunteer"].active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_signed_in_browser_s_cookies_do_not_act_under_api(client, login_as, world):
    login_as(world["volunteer"])
    assert client.get("/me/").status_code == 200  # the page sees the session
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers
    # And no CSRF token is needed there: bearer requests go through.
    headers = bearer(world["volunteer"])
    signup = client.post(f"/api/v1/activities/{world['activity'].id}/signup", headers=headers)
    assert signup.status_code == 201


def test_tokens_are_listed_and_revoked_through_the_api(client, world):
    headers = bearer(world["volunteer"])
    listed = client.get("/api/v1/tokens", headers=headers).get_json()["items"]
    assert len(listed) == 1 and "token" not in listed[0]
    other = bearer(world["organizer"])
    assert client.delete(f"/api/v1/tokens/{listed[0]['id']}", headers=other).status_code == 403
    assert client.delete(f"/api/v1/tokens/{listed[0]['id']}", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_personal_tokens_carry_only_their_scope(client, world):
    town = world["units"]["town"]
    compliance = bearer(world["coordinator"], [ApiScope.COMPLIANCE_READ])
    assert client.get(f"/api/v1/units/{town.id}/compliance", headers=compliance).status_code == 200
    for url in ("/api/v1/me", "/api/v1/tokens", "/api/v1/me/totals"):
        response = client.get(url, headers=compliance)
        assert response.status_code == 403, url
        assert response.get_json()["code"] == "insufficient_scope"
    # The scope never widens the owner's rights: the sibling town stays out of reach.
    sibling = world["units"]["sibling"]
    assert (
        client.get(f"/api/v1/units/{sibling.id}/compliance", headers=compliance).status_code == 403
    )
    # Nor reveals personal data.
    reveal = client.get(f"/api/v1/units/{town.id}/missing?reveal=true", headers=compliance)
    assert reveal.status_code == 403
    assert client.get("/api/v1/activities", headers=compliance).status_code == 200  # public
    kiosk = bearer(world["organizer"], [ApiScope.KIOSK])
    activity = world["activity"]
    assert client.get(f"/api/v1/units/{town.id}/compliance", headers=kiosk).status_code == 403
    code = world["volunteer"].volunteer.personal_code
    response = client.post(
        f"/api/v1/activities/{activity.id}/kiosk-scans", json={"code": code}, headers=kiosk
    )
    assert response.status_code == 200 and response.get_json()["outcome"] == "checked_in"


def test_scopes_are_limited_to_the_owner_s_roles(app, world):
    from volunteer.services.errors import ServiceError

    assert api_tokens.allowed_scopes(world["volunteer"]) == []
    assert api_tokens.allowed_scopes(world["organizer"]) == [ApiScope.KIOSK]
    try:
        api_tokens.create_personal_token(
            world["organizer"], "x", [ApiScope.COMPLIANCE_READ], utcnow()
        )
    except ServiceError as error:
        assert error.field == "scopes"
    else:
        raise AssertionError("an organizer got a compliance token")


def test_the_profile_page_creates_lists_and_revokes_tokens(client, login_as, world):
    login_as(world["coordinator"])
    page = client.get("/me/tokens").get_data(as_text=True)
    assert "读取达标情况" in page and "签到机" not in page  # only the scopes the roles allow
    response = client.post(
        "/me/tokens", data={"name": "旗文明办大屏", "scopes": ["compliance:read"]}
    )
    page = response.get_data(as_text=True)
    assert "旗文明办大屏" in page and 'data-testid="new-token"' in page
    secret = page.split('data-testid="new-token"')[1].split("<code")[1].split(">")[1].split("<")[0]
    headers = {"Authorization": f"Bearer {secret.strip()}"}
    town = world["units"]["town"]
    assert client.get(f"/api/v1/units/{town.id}/compliance", headers=headers).status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "旗文明办大屏"))
    assert client.post(f"/me/tokens/{token.id}/revoke").status_code == 302
    assert client.get(f"/api/v1/units/{town.id}/compliance", headers=headers).status_code == 401
    assert "旗文明办大屏" not in client.get("/me/tokens").get_data(as_text=True)


def test_nobody_revokes_another_person_s_token_on_the_profile_page(client, login_as, world):
    bearer(world["organizer"])
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == world["organizer"].id))
    login_as(world["volunteer"])
    assert client.post(f"/me/tokens/{token.id}/revoke").status_code == 403
    assert db.session.get(ApiToken, token.id).revoked_at is None
