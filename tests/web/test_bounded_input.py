"""Malformed input gets a clear answer, never a server error: NUL bytes are refused, ids past
the column's range are "not found", far years and non-finite numbers are form errors."""

from datetime import timedelta

from sqlalchemy import func, select

from tests import certificate_support, factories
from volunteer.extensions import db
from volunteer.models import Activity, utcnow
from volunteer.services.periods import aware_to_beijing_naive


def test_a_nul_byte_anywhere_is_a_bad_request(client):
    assert client.get("/verify/AB%00CD").status_code == 400
    assert client.get("/activities/", query_string={"q": "a\x00"}).status_code == 400
    response = client.post("/auth/login", data={"login": "138\x00", "password": "x"})
    assert response.status_code == 400
    assert "请求无法识别" in response.get_data(as_text=True)
    assert client.post("/api/v1/tokens", json={"login": "\x00"}).status_code == 400


def test_ids_past_the_integer_column_are_not_found(client, login_as):
    login_as(factories.make_admin())
    assert client.get(f"/activities/{2**31}").status_code == 404
    assert client.get(f"/admin/organizations/{2**63}").status_code == 404
    assert client.get(f"/checkin/s/{2**63}/1/123456").status_code == 404


def test_a_tampered_select_or_page_number_is_harmless(client, login_as):
    login_as(factories.make_admin())
    # A page past the end shows the last pages' bound, however far past: never an error.
    assert client.get("/admin/audit", query_string={"page": str(2**63)}).status_code == 200
    assert client.get("/admin/audit", query_string={"page": "-5"}).status_code == 200
    response = client.post("/admin/organizations/new", data={"name": "队", "unit_code": "１"})
    assert response.status_code == 200 and "没有代码为 １ 的有效单位。" in response.get_data(True)
    registration = {"name": "张三", "id_type": "no-such-type", "id_number": "X"}
    assert client.post("/auth/register", data=registration).status_code == 200


def _activity_form(organization, **changes) -> dict:
    start = aware_to_beijing_naive(utcnow() + timedelta(days=2))
    form = {
        "organization_id": str(organization.id),
        "title": "敬老院慰问",
        "category": "elderly",
        "place": "嘎鲁图镇敬老院",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
    }
    return form | changes


def test_nan_coordinates_and_huge_numbers_are_form_errors(client, login_as):
    team = factories.make_organization()
    login_as(factories.make_organizer(team))
    for bad in (
        {"latitude": "nan", "longitude": "110", "geofence_radius_m": "100"},
        {"latitude": "39", "longitude": "inf", "geofence_radius_m": "100"},
        {"capacity": str(2**63)},
        {"latitude": "39", "longitude": "110", "geofence_radius_m": str(2**63)},
    ):
        response = client.post("/activities/new", data=_activity_form(team, **bad))
        assert response.status_code == 200, bad
        assert "is-invalid" in response.get_data(as_text=True), bad
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 0


def test_years_1_and_9999_are_refused_with_a_message(client, login_as):
    certificate_support.set_issuer()  # else the page refuses every period before reading it
    volunteer = factories.make_volunteer()
    login_as(volunteer.user)
    for year in ("1", "9999"):
        response = client.post("/certificates/", data={"period": "past_year", "year": year})
        assert response.status_code == 200
    response = client.post(
        "/certificates/", data={"period": "range", "start": "0001-01-01", "end": "0001-12-31"}
    )
    assert "2000" in response.get_data(as_text=True)
