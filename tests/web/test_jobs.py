"""Job pages through the client: whose they are, the whole-tree export as a job, and roster
previews that any host can confirm (the database keeps them, not instance/)."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select

from tests import factories as f
from tests.conftest import IsolatedClient, _test_config, login
from tests.job_support import job_file
from tests.roster_files import csv_bytes, person
from volunteer import create_app
from volunteer.extensions import db
from volunteer.models import (
    AuditEntry,
    BackgroundJob,
    FileBlob,
    JobStatus,
    RoleGrant,
    RosterEntry,
)
from volunteer.tasks import COMPLIANCE_EXPORT, compliance_export, run_job
from volunteer.tasks.runner import JobProgress


@pytest.fixture
def world(app):
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("WS-GLT", "嘎鲁图镇", banner)
    sibling = f.make_unit("WS-TK", "图克镇", banner)
    f.make_roster_entry(town, name="未注册人", id_number=f.resident_id())
    world = {
        "banner": banner,
        "town": town,
        "coordinator": f.make_coordinator(town),
        "sibling_coordinator": f.make_coordinator(sibling, "孙协调"),
        "admin": f.make_admin(),
    }
    db.session.commit()
    return world


def _export(client, unit, **kwargs):
    return client.get(f"/compliance/units/{unit.id}/export.xlsx", **kwargs)


def test_the_whole_tree_export_is_a_job_with_a_page_for_its_creator_and_admins(
    client, login_as, world
):
    login_as(world["coordinator"])
    response = _export(client, world["town"])
    job_url = response.headers["Location"]
    page = client.get(job_url).get_data(as_text=True)
    assert "嘎鲁图镇" in page and "文件已生成" in page and "下载" in page
    workbook = load_workbook(io.BytesIO(job_file(client, response).data))
    assert workbook.sheetnames == ["汇总", "进度预测", "未达标风险单位", "WS-GLT 嘎鲁图镇"]
    job = db.session.scalar(select(BackgroundJob))
    assert job.kind == COMPLIANCE_EXPORT and job.params["full"] is False
    audited = select(func.count(AuditEntry.id)).where(AuditEntry.action == "compliance.export")
    assert db.session.scalar(audited) == 1
    client.post("/auth/logout")
    login_as(world["sibling_coordinator"])
    for url in (job_url, job_url + "/status", job_url + "/download"):
        assert client.get(url).status_code == 403, url
    client.post("/auth/logout")
    login_as(world["admin"])
    assert client.get(job_url + "/download").status_code == 200


def test_an_export_keeps_its_job_alive_while_the_people_stream(
    client, login_as, world, monkeypatch
):
    """Every row past KEEP_ALIVE_SECONDS (here 0) sends a heartbeat beside the open cursor;
    the export still ends with its file."""
    beats = []
    keep_alive = JobProgress.keep_alive
    monkeypatch.setattr(compliance_export, "KEEP_ALIVE_SECONDS", 0)
    monkeypatch.setattr(
        JobProgress, "keep_alive", lambda self: [beats.append(self.job_id), keep_alive(self)]
    )
    login_as(world["coordinator"])
    response = _export(client, world["town"])
    job = db.session.scalar(select(BackgroundJob))
    assert job.status == JobStatus.DONE and beats == [job.id]  # one missing person, one beat
    assert job_file(client, response).status_code == 200


def test_the_same_export_under_way_is_shown_not_queued_twice(client, login_as, world):
    login_as(world["coordinator"])
    first = db.session.get(BackgroundJob, _job_id(_export(client, world["town"])))
    first.status = JobStatus.QUEUED  # as if the worker had not reached it yet
    db.session.commit()
    assert _job_id(_export(client, world["town"])) == first.id
    assert _job_id(_export(client, world["town"], query_string={"year": 2024})) != first.id


def _job_id(response) -> int:
    return int(re.search(r"/jobs/(\d+)$", response.headers["Location"]).group(1))


def test_an_export_is_made_in_the_language_of_the_person_who_asked(client, login_as, world):
    login_as(world["coordinator"])
    client.get("/lang/en")
    workbook = load_workbook(io.BytesIO(job_file(client, _export(client, world["town"])).data))
    assert workbook.sheetnames[0] != "汇总"
    assert db.session.scalar(select(BackgroundJob)).params["locale"] == "en"


def test_a_lost_unit_fails_the_export_with_a_reason(client, login_as, world):
    login_as(world["coordinator"])
    job_id = _job_id(_export(client, world["town"]))
    job = db.session.get(BackgroundJob, job_id)
    job.status, job.result_file_id = JobStatus.QUEUED, None
    db.session.execute(delete(RoleGrant).where(RoleGrant.user_id == world["coordinator"].id))
    db.session.commit()
    run_job(job_id)  # what the worker does when it reaches the job
    status = client.get(f"/jobs/{job_id}/status").get_json()
    assert status["status"] == "failed" and "不再负责" in status["error"]
    assert status["download"] is None
    assert client.get(f"/jobs/{job_id}/download").status_code == 404


@pytest.fixture
def two_apps(app, database_url, tmp_path):
    """Two more apps on the test database, each with its own instance folder."""
    apps = [
        create_app({**_test_config(database_url), "INSTANCE_PATH": tmp_path / name})
        for name in ("a", "b")
    ]
    yield apps
    for other in apps:
        with other.app_context():
            db.engine.dispose()


def test_a_roster_previewed_on_one_host_is_confirmed_on_another(two_apps, world, tmp_path):
    """Two apps with their own instance folders share only the database."""
    hosts = []
    for other in two_apps:
        other.test_client_class = IsolatedClient
        hosts.append(other.test_client())
    rows = [person(f"村干部{i}", f.resident_id(), f.phone()) for i in range(2)]
    for host in hosts:
        login(host, world["coordinator"])
    preview = hosts[0].post(
        f"/compliance/units/{world['town'].id}/roster",
        data={"file": (io.BytesIO(csv_bytes(rows)), "名册.csv"), "mode": "merge"},
        content_type="multipart/form-data",
    )
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview.get_data(True))[1]
    assert db.session.scalar(select(func.count(FileBlob.id))) == 1
    # The session cookie (which keeps the preview's hash) goes along, as a browser's would.
    hosts[1].set_cookie("session", hosts[0].get_cookie("session").value)
    assert hosts[1].post("/compliance/rosters/confirm", data={"token": token}).status_code == 302
    entries = select(func.count(RosterEntry.id)).where(RosterEntry.unit_id == world["town"].id)
    assert db.session.scalar(entries) == 3
    assert db.session.scalar(select(func.count(FileBlob.id))) == 0  # deleted with the import
    assert not any((tmp_path / name).exists() for name in ("a", "b"))
