"""A large roster through the client: upload, the check job, the preview, confirm, the import
job, the unit's page; whose job pages and previews they are."""

import io
import re

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.conftest import login
from tests.roster_files import csv_bytes, person
from volunteer.compliance import roster_routes
from volunteer.extensions import db
from volunteer.models import BackgroundJob, FileBlob, JobStatus, RosterEntry
from volunteer.tasks import ROSTER_CHECK, ROSTER_IMPORT, run_job

JOB = re.compile(r"/jobs/(\d+)$")
TOKEN = re.compile(r'name="token" type="hidden" value="([^"]+)"')


@pytest.fixture
def world(app):
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("WS-GLT", "嘎鲁图镇", banner)
    f.make_roster_entry(town, name="老干部", id_number=f.resident_id())
    world = {
        "town": town,
        "coordinator": f.make_coordinator(town),
        "colleague": f.make_coordinator(town, "同事"),
    }
    db.session.commit()
    return world


@pytest.fixture
def large(app):
    """Every file counts as large: checked and imported by queued jobs."""
    app.config["ROSTER_INLINE_UPLOAD_BYTES"] = 0
    app.config["ROSTER_INLINE_ROWS"] = 0


def _upload(client, unit, rows, mode="merge"):
    return client.post(
        f"/compliance/units/{unit.id}/roster",
        data={"file": (io.BytesIO(csv_bytes(rows)), "名册.csv"), "mode": mode},
        content_type="multipart/form-data",
    )


def _people(count):
    return [person(f"新人{i}", f.resident_id(), f.phone()) for i in range(count)]


def _job_of(response) -> BackgroundJob:
    assert response.status_code == 302, response.status_code
    return db.session.get(BackgroundJob, int(JOB.search(response.headers["Location"])[1]))


def _entries(unit) -> int:
    return db.session.scalar(
        select(func.count(RosterEntry.id)).where(RosterEntry.unit_id == unit.id)
    )


def test_a_large_roster_goes_through_both_jobs_to_the_units_page(client, login_as, world, large):
    login_as(world["coordinator"])
    check = _job_of(_upload(client, world["town"], _people(3), mode="replace"))
    assert check.kind == ROSTER_CHECK and check.status == JobStatus.DONE
    status = client.get(f"/jobs/{check.id}/status").get_json()
    assert status["next"] == f"/compliance/rosters/checked/{check.id}" and not status["download"]
    landed = client.get(f"/jobs/{check.id}")  # the progress page goes on to the preview
    assert landed.headers["Location"] == status["next"]
    preview = client.get(status["next"]).get_data(as_text=True)
    assert "预览：确认前不会保存任何数据" in preview and "离开 1" in preview
    roster_page = f"/compliance/units/{world['town'].id}/roster"
    assert f'href="{roster_page}"' in preview  # Cancel goes back to the upload page
    token = TOKEN.search(preview)[1]
    assert _entries(world["town"]) == 1
    confirmed = client.post("/compliance/rosters/confirm", data={"token": token, "mode": "replace"})
    imported = _job_of(confirmed)
    assert imported.kind == ROSTER_IMPORT and imported.status == JobStatus.DONE
    landing = client.get(f"/jobs/{imported.id}").headers["Location"]
    assert landing == f"/compliance/rosters/imported/{imported.id}"
    report = client.get(landing)
    assert report.headers["Location"] == f"/compliance/units/{world['town'].id}"
    page = client.get(report.headers["Location"]).get_data(as_text=True)
    assert "名册已导入：新增 3 人，变更 0 人，未变 0 人，1 人标记为离开。" in page
    assert _entries(world["town"]) == 4 and db.session.scalar(select(func.count(FileBlob.id))) == 0
    again = client.post("/compliance/rosters/confirm", data={"token": token, "mode": "replace"})
    assert "已过期" in client.get(again.headers["Location"], follow_redirects=True).get_data(
        as_text=True
    )


def test_a_large_file_with_errors_lands_on_the_error_list(client, login_as, world, large):
    login_as(world["coordinator"])
    rows = _people(2)
    rows[1][4] = "外星人"
    check = _job_of(_upload(client, world["town"], rows))
    response = client.get(f"/jobs/{check.id}", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "<td>3</td><td>政治面貌</td>" in page
    assert 'name="token"' not in page
    assert f'action="/compliance/units/{world["town"].id}/roster"' in page  # upload again there


def test_a_large_file_that_is_no_roster_fails_its_job_with_the_reason(
    client, login_as, world, large
):
    login_as(world["coordinator"])
    response = client.post(
        f"/compliance/units/{world['town'].id}/roster",
        data={"file": (io.BytesIO(b"hello"), "名册.docx"), "mode": "merge"},
        content_type="multipart/form-data",
    )
    job = _job_of(response)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert job.status == JobStatus.FAILED and "这不是电子表格文件" in page
    assert client.get(f"/compliance/rosters/checked/{job.id}").status_code == 302


def test_another_coordinator_can_neither_open_the_preview_nor_confirm_it(
    client, login_as, world, large, app
):
    login_as(world["coordinator"])
    check = _job_of(_upload(client, world["town"], _people(2)))
    preview = client.get(f"/compliance/rosters/checked/{check.id}").get_data(as_text=True)
    token = TOKEN.search(preview)[1]
    other = app.test_client()
    login(other, world["colleague"])
    assert other.get(f"/compliance/rosters/checked/{check.id}").status_code == 403
    assert other.get(f"/jobs/{check.id}").status_code == 403
    refused = other.post("/compliance/rosters/confirm", data={"token": token})
    assert "已过期" in other.get(refused.headers["Location"], follow_redirects=True).get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count(BackgroundJob.id))) == 1  # no import queued
    assert _entries(world["town"]) == 1


def test_a_second_click_on_confirm_shows_the_import_already_queued(
    client, login_as, world, large, monkeypatch
):
    login_as(world["coordinator"])
    check = _job_of(_upload(client, world["town"], _people(2)))
    preview = client.get(f"/compliance/rosters/checked/{check.id}").get_data(as_text=True)
    token = TOKEN.search(preview)[1]
    monkeypatch.setattr(roster_routes, "start_job", lambda job_id: None)  # no worker yet
    first = _job_of(client.post("/compliance/rosters/confirm", data={"token": token}))
    second = _job_of(client.post("/compliance/rosters/confirm", data={"token": token}))
    assert first.id == second.id and first.status == JobStatus.QUEUED
    assert (
        client.get(f"/compliance/rosters/imported/{first.id}")
        .headers["Location"]
        .endswith(f"/jobs/{first.id}")
    )
    assert "等待开始" in client.get(f"/jobs/{first.id}").get_data(as_text=True)
    run_job(first.id)  # the worker reaches it
    landed = client.get(f"/jobs/{first.id}", follow_redirects=True).get_data(as_text=True)
    assert "名册已导入：新增 2 人" in landed and _entries(world["town"]) == 3


def test_a_small_roster_stays_in_its_requests(client, login_as, world):
    login_as(world["coordinator"])
    response = _upload(client, world["town"], _people(2))
    assert response.status_code == 200 and "预览" in response.get_data(as_text=True)
    token = TOKEN.search(response.get_data(as_text=True))[1]
    confirmed = client.post("/compliance/rosters/confirm", data={"token": token})
    assert confirmed.headers["Location"] == f"/compliance/units/{world['town'].id}"
    kinds = db.session.scalars(select(BackgroundJob.kind).order_by(BackgroundJob.id)).all()
    assert kinds == [ROSTER_CHECK, ROSTER_IMPORT]  # the same jobs, run in the request


def test_a_small_file_into_a_large_kept_roster_is_checked_and_imported_by_jobs(
    client, login_as, world, app
):
    app.config["ROSTER_INLINE_ROWS"] = 1  # the town keeps 1 stint
    login_as(world["coordinator"])
    response = _upload(client, world["town"], _people(2))
    assert response.status_code == 200  # a small kept roster: checked in the request
    token = TOKEN.search(response.get_data(as_text=True))[1]
    imported = _job_of(client.post("/compliance/rosters/confirm", data={"token": token}))
    assert imported.kind == ROSTER_IMPORT and _entries(world["town"]) == 3  # 2 rows: a job
    assert _job_of(_upload(client, world["town"], _people(1))).kind == ROSTER_CHECK  # keeps 3
