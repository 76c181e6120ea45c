"""Each operation for each role: who gets it, who is refused (401 without a token, 403
outside the rule, 404 for nothing), with the access rules the pages use."""

from datetime import timedelta

import pytest

from tests import factories
from tests.api.conftest import bearer
from tests.job_support import job_file
from volunteer.extensions import db
from volunteer.models import RecordStatus, utcnow
from volunteer.services.periods import local_today

ROLES = (
    None,
    "volunteer",
    "organizer",
    "other_organizer",
    "coordinator",
    "other_coordinator",
    "admin",
    "staff",
)
VOLUNTEERS = {"volunteer", "organizer", "other_organizer", "coordinator", "other_coordinator"}


def _expect(allowed: set, ok: int = 200) -> dict:
    """Expected status per role: `ok` for the allowed, 401 anonymous, 403 the rest."""
    return {role: ok if role in allowed else (401 if role is None else 403) for role in ROLES}


def _check(client, world, method: str, url: str, expected: dict, json=None):
    for role, status in expected.items():
        headers = bearer(world[role]) if role else {}
        response = client.open(url, method=method, json=json, headers=headers)
        assert response.status_code == status, (role, response.get_json())
        assert response.mimetype in ("application/json", "application/pdf") or status == 204


def test_my_profile_is_for_anyone_signed_in(client, world):
    _check(client, world, "GET", "/api/v1/me", _expect(set(ROLES) - {None}))
    body = client.get("/api/v1/me", headers=bearer(world["coordinator"])).get_json()
    assert body["roles"] == ["volunteer", "coordinator"]
    assert [unit["code"] for unit in body["coordinated_units"]] == ["WS-GLT"]
    assert "*" in body["volunteer"]["id_number_masked"] and "*" in body["phone"]


@pytest.mark.parametrize(
    "url", ["/api/v1/me/totals", "/api/v1/me/records", "/api/v1/me/personal-code"]
)
def test_my_totals_records_and_code_are_for_volunteers(client, world, url):
    _check(client, world, "GET", url, _expect(VOLUNTEERS))


def test_my_totals_and_records_are_my_own_and_paged(client, world):
    headers = bearer(world["volunteer"])
    totals = client.get("/api/v1/me/totals", headers=headers).get_json()
    assert totals == {"year_minutes": 90, "all_minutes": 90, "pending_claims": 1}
    first = client.get("/api/v1/me/records?page=1&page_size=1", headers=headers).get_json()
    second = client.get("/api/v1/me/records?page=2&page_size=1", headers=headers).get_json()
    assert first["total"] == second["total"] == 2 and first["page_size"] == 1
    assert {first["items"][0]["status"], second["items"][0]["status"]} == {"approved", "pending"}
    assert (
        client.get("/api/v1/me/records", headers=bearer(world["organizer"])).get_json()["items"]
        == []
    )
    bad = client.get("/api/v1/me/records?page=0", headers=headers)
    assert bad.status_code == 422 and "page" in bad.get_json()["errors"]["query"]


def test_activities_are_public_filtered_and_paged(client, world):
    _check(client, world, "GET", "/api/v1/activities", _expect(set(ROLES)))
    _check(client, world, "GET", f"/api/v1/activities/{world['activity'].id}", _expect(set(ROLES)))
    team = world["activity"].organization
    factories.make_activity(team, starts_at=utcnow() + timedelta(days=3), category="elderly")
    db.session.commit()
    everything = client.get("/api/v1/activities").get_json()
    assert everything["total"] == 2
    elderly = client.get("/api/v1/activities?category=elderly&page_size=5").get_json()
    assert [a["category"] for a in elderly["items"]] == ["elderly"]
    today = local_today().isoformat()  # the API's dates are Beijing's, not UTC's
    assert client.get(f"/api/v1/activities?date_to={today}").get_json()["total"] >= 1
    assert client.get("/api/v1/activities?category=nonsense").status_code == 422
    assert client.get("/api/v1/activities/99999").status_code == 404


def test_drafts_are_visible_only_to_their_organizers(client, world):
    draft = factories.make_activity(world["activity"].organization, status="draft")
    db.session.commit()
    url = f"/api/v1/activities/{draft.id}"
    expected = dict.fromkeys(ROLES, 404) | {"organizer": 200, "admin": 200}
    _check(client, world, "GET", url, expected)


def test_volunteers_sign_up_and_cancel(client, world):
    future = factories.make_activity(
        world["activity"].organization, starts_at=utcnow() + timedelta(days=2)
    )
    db.session.commit()
    url = f"/api/v1/activities/{future.id}/signup"
    _check(client, world, "POST", url, _expect(VOLUNTEERS, 201))
    _check(client, world, "DELETE", url, _expect(VOLUNTEERS))
    again = client.delete(url, headers=bearer(world["volunteer"]))
    assert again.status_code == 409 and again.get_json()["code"] == "not_signed_up"
    assert (
        client.post(
            "/api/v1/activities/99999/signup", headers=bearer(world["volunteer"])
        ).status_code
        == 404
    )


def test_sign_up_refusals_have_codes(client, world):
    headers = bearer(world["volunteer"])
    full = factories.make_activity(world["activity"].organization, capacity=1, title="满员")
    db.session.commit()
    assert client.post(f"/api/v1/activities/{full.id}/signup", headers=headers).status_code == 201
    response = client.post(f"/api/v1/activities/{full.id}/signup", headers=headers)
    assert response.get_json()["code"] == "already_signed_up"
    response = client.post(
        f"/api/v1/activities/{full.id}/signup", headers=bearer(world["organizer"])
    )
    assert (response.status_code, response.get_json()["code"]) == (409, "activity_full")
    response = client.delete(f"/api/v1/activities/{full.id}/signup", headers=headers)
    assert response.get_json()["code"] == "activity_started"


def test_the_review_queue_is_each_organizer_s_own(client, world):
    _check(
        client, world, "GET", "/api/v1/review", _expect({"organizer", "other_organizer", "admin"})
    )
    mine = client.get("/api/v1/review", headers=bearer(world["organizer"])).get_json()
    assert [r["id"] for r in mine["items"]] == [world["claim"].id]
    assert mine["items"][0]["volunteer_name"] == "巴特尔"
    theirs = client.get("/api/v1/review", headers=bearer(world["other_organizer"])).get_json()
    assert theirs["items"] == [] and theirs["total"] == 0


def test_only_the_activity_s_organizers_approve(client, world):
    url = f"/api/v1/records/{world['claim'].id}/approve"
    refused = {role: 403 for role in ROLES if role not in ("organizer", "admin")} | {None: 401}
    _check(client, world, "POST", url, refused, json={})
    response = client.post(url, json={"note": "核实无误"}, headers=bearer(world["organizer"]))
    assert response.status_code == 200
    assert (
        response.get_json()["status"] == "approved"
        and response.get_json()["credited_minutes"] == 30
    )
    again = client.post(url, json={}, headers=bearer(world["admin"]))
    assert (again.status_code, again.get_json()["code"]) == (409, "already_decided")


def test_a_rejection_needs_a_reason(client, world):
    url = f"/api/v1/records/{world['claim'].id}/reject"
    refused = {role: 403 for role in ROLES if role not in ("organizer", "admin")} | {None: 401}
    _check(client, world, "POST", url, refused, json={"reason": "当天未参加"})
    headers = bearer(world["admin"])
    assert client.post(url, json={}, headers=headers).status_code == 422
    blank = client.post(url, json={"reason": "   "}, headers=headers)
    assert (blank.status_code, blank.get_json()["code"]) == (422, "reason_required")
    assert (
        client.post(
            url, json={"reason": "当天未参加"}, headers=bearer(world["other_organizer"])
        ).status_code
        == 403
    )
    response = client.post(url, json={"reason": "当天未参加"}, headers=headers)
    assert response.get_json()["status"] == "rejected"
    assert db.session.get(type(world["claim"]), world["claim"].id).status == RecordStatus.REJECTED


def test_compliance_is_for_coordinators_of_the_unit_and_admins(client, world):
    town = world["units"]["town"]
    for url in (f"/api/v1/units/{town.id}/compliance", f"/api/v1/units/{town.id}/missing"):
        _check(client, world, "GET", url, _expect({"coordinator", "admin"}))
    headers = bearer(world["coordinator"])
    assert (
        client.get("/api/v1/units/99999/compliance", headers=bearer(world["admin"])).status_code
        == 404
    )
    banner = world["units"]["banner"]
    assert client.get(f"/api/v1/units/{banner.id}/compliance", headers=headers).status_code == 403


def test_compliance_rows_are_the_csv_report_s_figures(client, login_as, world):
    banner = world["units"]["banner"]
    body = client.get(
        f"/api/v1/units/{banner.id}/compliance?page_size=2", headers=bearer(world["admin"])
    ).get_json()
    assert body["total"] == 3 and len(body["items"]) == 2
    login_as(world["admin"])
    exported = client.get(f"/compliance/units/{banner.id}/export.csv")
    csv_text = job_file(client, exported).get_data(as_text=True)
    lines = csv_text.lstrip("\ufeff").splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    town_csv = next(r for r in rows if r["unit_code"] == "WS-GLT")
    town_api = next(r for r in body["items"] if r["unit_code"] == "WS-GLT")
    for column in ("staff", "staff_registered", "staff_completed", "party", "party_completed"):
        assert str(town_api[column]) == town_csv[column], column
    assert town_api["staff_rate"] == town_csv["staff_rate"] == "0.5000"
    assert town_api["meets_targets"] == town_csv["meets_targets"] == "no"
    assert body["rollup"]["staff"] == 2 and body["targets"]["staff"] == "0.7000"


def test_missing_people_are_masked_unless_revealed(client, world):
    town = world["units"]["town"]
    headers = bearer(world["coordinator"])
    masked = client.get(f"/api/v1/units/{town.id}/missing", headers=headers).get_json()
    (person,) = masked["items"]
    assert person["name"] == "未注册" and "*" in person["id_number"] and not masked["revealed"]
    full = client.get(f"/api/v1/units/{town.id}/missing?reveal=true", headers=headers).get_json()
    assert "*" not in full["items"][0]["id_number"] and full["revealed"]
    from sqlalchemy import select

    from volunteer.models import AuditEntry

    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "personal_data.reveal"))
    bad = client.get(
        f"/api/v1/units/{town.id}/missing?start=2026-05-01&end=2026-01-01", headers=headers
    )
    assert (bad.status_code, bad.get_json()["code"]) == (422, "invalid_period")


def test_certificates_issue_list_download_and_public_verify(client, world):
    _check(client, world, "GET", "/api/v1/certificates", _expect(VOLUNTEERS))
    certificate = world["certificate"]
    pdf = f"/api/v1/certificates/{certificate.id}/pdf"
    _check(client, world, "GET", pdf, _expect({"volunteer", "coordinator", "admin"}))
    response = client.get(pdf, headers=bearer(world["volunteer"]))
    assert response.data.startswith(b"%PDF")
    for role, status in ((None, 401), ("staff", 403), ("admin", 403)):
        headers = bearer(world[role]) if role else {}
        response = client.post("/api/v1/certificates", json={}, headers=headers)
        assert response.status_code == status, role
    headers = bearer(world["volunteer"])
    issued = client.post("/api/v1/certificates", json={"period": "year"}, headers=headers)
    assert issued.status_code == 201
    assert issued.get_json()["serial"] == certificate.serial  # the same print: same certificate
    assert issued.get_json()["total_minutes"] == 90
    assert (
        client.post("/api/v1/certificates", json={"period": "range"}, headers=headers).status_code
        == 422
    )
    mine = client.get("/api/v1/certificates", headers=headers).get_json()["items"]
    assert [c["serial"] for c in mine] == [certificate.serial]
    _check(client, world, "GET", f"/api/v1/verify/{certificate.serial}", dict.fromkeys(ROLES, 200))
    check = client.get(f"/api/v1/verify/{certificate.serial}").get_json()
    assert check["valid"] is True and check["name"] != "巴特尔" and check["total_minutes"] == 90
    assert set(check) == {
        "serial",
        "valid",
        "revoked_at",
        "name",
        "total_minutes",
        "period_start",
        "period_end",
        "issuer",
        "issue_date",
    }
    unknown = client.get("/api/v1/verify/WSZM0000")
    assert (unknown.status_code, unknown.get_json()["code"]) == (404, "unknown_certificate")


def test_no_certificate_for_a_year_without_credited_time(client, world):
    last_year = utcnow().year - 1
    refused = client.post(
        "/api/v1/certificates",
        json={"period": "past_year", "year": last_year},
        headers=bearer(world["volunteer"]),
    )
    assert (refused.status_code, refused.get_json()["code"]) == (409, "no_credited_time")


def _records_loaded(client, url: str, headers: dict) -> tuple[dict, int]:
    """The answer to GET `url`, and how many service records the request loaded."""
    from sqlalchemy import event

    from volunteer.models import ServiceRecord

    db.session.expunge_all()  # each record the answer reads is then loaded afresh
    loaded = []

    def note(record, _context) -> None:
        loaded.append(record.id)

    event.listen(ServiceRecord, "load", note)
    try:
        return client.get(url, headers=headers).get_json(), len(loaded)
    finally:
        event.remove(ServiceRecord, "load", note)


def test_the_review_queue_loads_one_page_of_records_however_long(client, world):
    activity = world["claim"].activity
    for number in range(4):
        volunteer = factories.make_volunteer(f"待审{number}")
        factories.make_record(
            volunteer,
            activity,
            status=RecordStatus.PENDING,
            check_in_at=activity.starts_at + timedelta(minutes=number),
        )
    db.session.commit()
    headers = bearer(world["admin"])
    answer, loaded = _records_loaded(client, "/api/v1/review?page=2&page_size=2", headers)
    assert answer["total"] == 5 and answer["page"] == 2 and len(answer["items"]) == 2
    assert loaded == 2  # the page only, not the whole queue
    beyond = client.get("/api/v1/review?page=4&page_size=2", headers=headers)
    assert beyond.get_json()["items"] == [] and beyond.get_json()["total"] == 5


def test_my_records_load_one_page_however_many(client, world):
    headers = bearer(world["volunteer"])
    answer, loaded = _records_loaded(client, "/api/v1/me/records?page=2&page_size=1", headers)
    assert answer["total"] == 2 and len(answer["items"]) == 1 and loaded == 1
