"""The large-text view (长辈版): the header switch, its cookie and the profile."""

from tests import factories
from tests.conftest import login
from volunteer.extensions import db

LARGE_ROOT = '<html lang="zh-CN" class="large-text">'


def test_every_page_offers_the_switch_and_it_is_remembered_on_this_device(client):
    home = client.get("/").get_data(as_text=True)
    assert "长辈版" in home and "large-text" not in home

    response = client.post("/display/large?next=/activities/")
    assert response.status_code == 302 and response.headers["Location"] == "/activities/"
    assert "display=large" in response.headers["Set-Cookie"]
    for path in ("/", "/activities/", "/auth/login", "/verify/"):
        page = client.get(path).get_data(as_text=True)
        assert LARGE_ROOT in page and "标准版" in page

    client.post("/display/standard")
    assert LARGE_ROOT not in client.get("/").get_data(as_text=True)


def test_the_switch_never_redirects_to_another_site(client):
    response = client.post("/display/large?next=https://evil.example/")
    assert response.headers["Location"] == "/"


def test_a_choice_made_before_signing_in_is_kept_in_the_profile(client, app):
    volunteer = factories.make_volunteer("乌云")
    db.session.commit()
    client.post("/display/large")
    login(client, volunteer.user)
    db.session.refresh(volunteer.user)
    assert volunteer.user.large_text is True
    assert LARGE_ROOT in client.get("/me/").get_data(as_text=True)


def test_the_profile_applies_on_a_new_device_after_sign_in(client, app):
    volunteer = factories.make_volunteer("乌云")
    volunteer.user.large_text = True
    db.session.commit()
    assert LARGE_ROOT not in client.get("/").get_data(as_text=True)
    login(client, volunteer.user)
    assert client.get_cookie("display").value == "large"  # this device keeps it after sign-out
    assert LARGE_ROOT in client.get("/").get_data(as_text=True)
    client.post("/auth/logout")
    assert LARGE_ROOT in client.get("/").get_data(as_text=True)


def test_switching_back_while_signed_in_updates_the_profile(client, app):
    volunteer = factories.make_volunteer("乌云")
    volunteer.user.large_text = True
    db.session.commit()
    login(client, volunteer.user)
    client.post("/display/standard")
    db.session.refresh(volunteer.user)
    assert volunteer.user.large_text is False
    assert LARGE_ROOT not in client.get("/").get_data(as_text=True)
