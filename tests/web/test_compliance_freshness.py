"""The compliance page served from snapshots (issue 15): "数据截至 HH:MM", "正在更新", the refresh
button, and a coordinator's own figures new at once after a roster upload."""

import io
import re

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.certificate_support import this_year_moment
from tests.roster_files import csv_bytes, person
from volunteer.extensions import db
from volunteer.i18n import local_datetime
from volunteer.models import BackgroundJob, ComplianceSnapshot, UnitKind
from volunteer.tasks import COMPLIANCE_REFRESH, compliance_refresh, create_job

AS_OF = re.compile(r"数据截至 (\d\d:\d\d)")


@pytest.fixture
def world(app):
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    sibling = f.make_unit("WS-TK", "图克镇", banner, UnitKind.TOWN)
    activity = f.make_activity(f.make_organization(), starts_at=this_year_moment(), hours=4)
    done = f.make_volunteer("完成者")
    f.make_roster_entry(town, done)
    f.make_record(done, activity, 120)
    f.make_roster_entry(town, name="未注册人", id_number=f.resident_id())
    world = {
        "banner": banner,
        "town": town,
        "admin": f.make_admin(),
        "coordinator": f.make_coordinator(town),
        "sibling_coordinator": f.make_coordinator(sibling, "孙协调"),
    }
    db.session.commit()
    return world


@pytest.fixture
def cached(app):
    """Every computation counts as slow: the page is served from snapshots once kept."""
    app.config["COMPLIANCE_LIVE_LIMIT_MS"] = -1


def page(client, unit) -> str:
    return client.get(f"/compliance/units/{unit.id}").get_data(as_text=True)


def staff_total(html: str) -> str:
    return re.search(r'data-total="staff-rate">[^<]*</div>\s*<div class="small">([^<]*)', html)[1]


def refresh_jobs() -> int:
    kind = BackgroundJob.kind == COMPLIANCE_REFRESH
    return db.session.scalar(select(func.count(BackgroundJob.id)).where(kind))


def test_a_fast_page_is_live_without_a_freshness_line(client, login_as, world):
    login_as(world["coordinator"])
    page(client, world["town"])
    html = page(client, world["town"])
    assert "嘎鲁图镇" in html and "数据截至" not in html and "refresh-figures" not in html


def test_a_slow_page_says_when_its_figures_were_computed_with_a_refresh_button(
    client, login_as, world, cached
):
    login_as(world["coordinator"])
    first = page(client, world["town"])
    assert "数据截至" not in first  # never measured: computed live, and kept
    html = page(client, world["town"])
    kept = db.session.scalar(
        select(func.min(ComplianceSnapshot.computed_at)).where(
            ComplianceSnapshot.unit_id == world["town"].id
        )
    )
    assert AS_OF.search(html)[1] == local_datetime(kept, "HH:mm")
    assert 'data-testid="refresh-figures"' in html and "正在更新" not in html
    assert staff_total(html) == staff_total(first)


def test_a_stale_page_says_updating_and_its_refresh_is_queued_once(client, login_as, world, cached):
    login_as(world["admin"])
    page(client, world["banner"])
    f.make_unit("WS-NEW", "新单位", world["banner"])  # a tree change: every snapshot stale
    waiting = db.session.scalars(select(ComplianceSnapshot)).all()
    for row in waiting:  # a refresh already queued by someone else, not yet run
        params = compliance_refresh.refresh_params(row.id, world["banner"])
        create_job(COMPLIANCE_REFRESH, params, world["admin"])
    db.session.commit()
    html = page(client, world["banner"])
    assert AS_OF.search(html) and 'data-testid="updating"' in html and "正在更新" in html
    assert refresh_jobs() == len(waiting)


def test_a_stale_page_queues_its_refresh_and_then_shows_new_figures(
    client, login_as, world, cached
):
    login_as(world["admin"])
    before = page(client, world["banner"])
    f.make_roster_entry(world["town"], name="新职工", id_number=f.resident_id())  # no hook
    f.make_unit("WS-NEW", "新单位", world["banner"])
    db.session.commit()
    stale = page(client, world["banner"])
    assert "正在更新" in stale and staff_total(stale) == staff_total(before)
    assert refresh_jobs() == 2  # the report and the pace; the jobs ran at once in tests
    fresh = page(client, world["banner"])
    assert "正在更新" not in fresh and staff_total(fresh) != staff_total(before)


def test_the_refresh_button_queues_the_pages_refresh_and_comes_back(
    client, login_as, world, cached
):
    login_as(world["coordinator"])
    page(client, world["town"])
    url = f"/compliance/units/{world['town'].id}/refresh"
    response = client.post(url, query_string={"year": this_year_moment().year})
    assert response.status_code == 302
    assert f"/compliance/units/{world['town'].id}" in response.headers["Location"]
    assert refresh_jobs() == 2


def test_a_coordinator_cannot_refresh_a_unit_outside_their_scope(client, login_as, world):
    login_as(world["sibling_coordinator"])
    response = client.post(f"/compliance/units/{world['town'].id}/refresh")
    assert response.status_code == 403
    assert refresh_jobs() == 0


def test_the_refresh_button_needs_the_csrf_token(client, login_as, world, app):
    login_as(world["coordinator"])
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/compliance/units/{world['town'].id}/refresh")
    assert response.status_code == 400
    assert refresh_jobs() == 0


def test_after_a_roster_upload_the_coordinators_own_figures_are_new_at_once(
    client, login_as, world, cached
):
    login_as(world["coordinator"])
    town = world["town"]
    page(client, town)
    before = page(client, town)
    rows = [person(f"新干部{i}", f.resident_id(), f.phone()) for i in range(2)]
    preview = client.post(
        f"/compliance/units/{town.id}/roster",
        data={"file": (io.BytesIO(csv_bytes(rows)), "名册.csv"), "mode": "merge"},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    token = preview.split('name="token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/compliance/rosters/confirm", data={"token": token})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert AS_OF.search(html) and "正在更新" not in html  # recomputed in the upload's request
    assert staff_total(html) != staff_total(before)
    assert refresh_jobs() == 0


def test_the_api_reads_kept_figures_and_says_when_they_were_computed(
    client, login_as, world, cached
):
    from tests.api.conftest import bearer

    url = f"/api/v1/units/{world['town'].id}/compliance"
    headers = bearer(world["coordinator"])
    first = client.get(url, headers=headers).get_json()
    assert first["figures_as_of"] is None  # computed for the call, then kept
    second = client.get(url, headers=headers).get_json()
    assert second["figures_as_of"] is not None and second["rollup"] == first["rollup"]
    assert second["items"] == first["items"]
    kinds = db.session.scalars(select(ComplianceSnapshot.kind)).all()
    assert "report" in kinds
