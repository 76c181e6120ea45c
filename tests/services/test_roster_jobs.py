"""Roster check and import as jobs: what the job bodies keep, and what they refuse."""

import pytest
from sqlalchemy import delete, func, select

from tests import factories as f
from tests.roster_files import HEADER, csv_bytes, person, xlsx_bytes
from volunteer.extensions import db
from volunteer.models import (
    BackgroundJob,
    FileBlob,
    JobStatus,
    RoleGrant,
    RosterEntry,
    RosterUpload,
)
from volunteer.services import rosters
from volunteer.services.rosters import applying, pending
from volunteer.tasks import ROSTER_CHECK, ROSTER_IMPORT, create_job, roster_jobs, run_job


@pytest.fixture
def world(app):
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("WS-GLT", "嘎鲁图镇", banner)
    village = f.make_unit("WS-GLT-SRL", "萨如拉嘎查", town)
    sibling = f.make_unit("WS-TK", "图克镇", banner)
    f.make_roster_entry(town, name="老干部", id_number=f.resident_id())
    coordinator = f.make_coordinator(town)
    db.session.commit()
    return {"town": town, "village": village, "sibling": sibling, "coordinator": coordinator}


def _people(count: int) -> list[list]:
    return [person(f"职工{i}", f.resident_id(), f.phone()) for i in range(count)]


def _checked_job(actor, unit, data: bytes, filename="名册.csv", mode="merge") -> BackgroundJob:
    """A check job of `data` for `unit`, queued in one commit and run as the worker would."""
    token, name = rosters.keep_upload(data, filename, actor)
    job = create_job(ROSTER_CHECK, roster_jobs.check_params(unit, token, name, mode), actor)
    db.session.commit()
    run_job(job.id)
    return db.session.get(BackgroundJob, job.id)


def _import_job(actor, check: BackgroundJob, replace=False) -> BackgroundJob:
    """Import what `check` kept, with the hash its preview showed, run as the worker would."""
    _checked, _preview, digest = rosters.load_checked(check.outcome["token"], actor)
    params = roster_jobs.import_params(check.outcome["token"], digest, replace)
    job = create_job(ROSTER_IMPORT, params, actor)
    db.session.commit()
    run_job(job.id)
    return db.session.get(BackgroundJob, job.id)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _entries(unit) -> int:
    return _count(RosterEntry, RosterEntry.unit_id == unit.id)


def test_a_check_job_keeps_the_checked_rows_for_the_preview_and_drops_the_upload(world):
    job = _checked_job(world["coordinator"], world["village"], csv_bytes(_people(3)))
    assert job.status == JobStatus.DONE, job.error
    assert job.outcome["rows"] == 3 and job.outcome["errors"] == 0
    checked, _preview, _digest = rosters.load_checked(job.outcome["token"], world["coordinator"])
    assert [row.name for row in checked.rows] == ["职工0", "职工1", "职工2"]
    assert checked.unit_ids == [world["village"].id]
    (unit,) = rosters.load_checked(job.outcome["token"], world["coordinator"])[1]
    assert (unit.unit_name, unit.counts["added"], unit.added[0].name) == ("萨如拉嘎查", 3, "职工0")
    purposes = db.session.scalars(select(FileBlob.purpose)).all()
    assert purposes == [pending.PURPOSE]  # the uploaded file went with the check's commit
    assert _entries(world["village"]) == 0  # nothing imported before the confirm


def test_a_check_job_keeps_every_row_error_and_no_rows(world):
    rows = _people(3)
    rows[1][3] = "999"
    job = _checked_job(world["coordinator"], world["village"], csv_bytes(rows))
    assert job.status == JobStatus.DONE and job.outcome["errors"] == 1
    checked, _preview, _digest = rosters.load_checked(job.outcome["token"], world["coordinator"])
    assert checked.rows == [] and [(e.row, e.column) for e in checked.errors] == [(3, "手机号")]


def test_a_file_that_is_not_a_roster_fails_the_check_job_with_the_reason(world):
    job = _checked_job(world["coordinator"], world["village"], b"hello", "名册.docx")
    assert job.status == JobStatus.FAILED and "这不是电子表格文件" in job.error
    assert _count(FileBlob, FileBlob.purpose == pending.PURPOSE) == 0


def test_a_check_job_refuses_a_unit_its_person_lost_after_queueing(world):
    coordinator = world["coordinator"]
    token, name = rosters.keep_upload(csv_bytes(_people(2)), "名册.csv", coordinator)
    params = roster_jobs.check_params(world["village"], token, name, "merge")
    job_id = create_job(ROSTER_CHECK, params, coordinator).id
    db.session.execute(delete(RoleGrant).where(RoleGrant.user_id == coordinator.id))
    db.session.commit()
    run_job(job_id)
    job = db.session.get(BackgroundJob, job_id)
    assert job.status == JobStatus.FAILED and "不再负责" in job.error
    assert _count(FileBlob, FileBlob.purpose == pending.PURPOSE) == 0


def test_a_workbook_check_job_names_the_rows_of_units_not_coordinated(world):
    rows = [
        ["WS-GLT-SRL", *person("村干部", f.resident_id(), f.phone())],
        ["WS-TK", *person("图克职工", f.resident_id(), f.phone())],
    ]
    data = xlsx_bytes(rows, ["单位代码", *HEADER])
    job = _checked_job(world["coordinator"], None, data, "多单位.xlsx")
    checked, _preview, _digest = rosters.load_checked(job.outcome["token"], world["coordinator"])
    assert [(e.row, e.column) for e in checked.errors] == [(3, "单位代码")]


def test_an_import_job_applies_the_preview_once_and_deletes_it(world):
    check = _checked_job(world["coordinator"], world["town"], csv_bytes(_people(3)))
    job = _import_job(world["coordinator"], check, replace=True)
    assert job.status == JobStatus.DONE, job.error
    upload = db.session.get(RosterUpload, job.outcome["upload_id"])
    assert (upload.added, upload.deactivated) == (3, 1)
    assert job.outcome["unit_ids"] == [world["town"].id]
    assert _count(FileBlob) == 0
    again = _import_job_with_params(world["coordinator"], job.params)
    assert again.status == JobStatus.FAILED and "已过期" in again.error
    assert _count(RosterUpload) == 1


def _import_job_with_params(actor, params) -> BackgroundJob:
    job = create_job(ROSTER_IMPORT, {k: v for k, v in params.items() if k != "locale"}, actor)
    db.session.commit()
    run_job(job.id)
    return db.session.get(BackgroundJob, job.id)


def test_an_import_job_that_fails_midway_leaves_nothing_written(world, monkeypatch):
    check = _checked_job(world["coordinator"], world["town"], csv_bytes(_people(3)))

    def broken(upload):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(applying.linking, "link_upload", broken)  # after the stints' INSERT
    job = _import_job(world["coordinator"], check, replace=True)
    assert job.status == JobStatus.FAILED and job.error
    assert _entries(world["town"]) == 1 and _count(RosterUpload) == 0
    assert _count(RosterEntry, RosterEntry.on_until.is_not(None)) == 0  # no stint closed
    # The preview is still there: the same import can be tried again.
    monkeypatch.undo()
    retried = _import_job_with_params(world["coordinator"], job.params)
    assert retried.status == JobStatus.DONE, retried.error
    assert _entries(world["town"]) == 4


def test_an_import_job_refuses_when_its_person_lost_a_unit_after_confirming(world):
    check = _checked_job(world["coordinator"], world["town"], csv_bytes(_people(2)))
    _checked, _preview, digest = rosters.load_checked(check.outcome["token"], world["coordinator"])
    params = roster_jobs.import_params(check.outcome["token"], digest, False)
    job_id = create_job(ROSTER_IMPORT, params, world["coordinator"]).id
    db.session.execute(delete(RoleGrant).where(RoleGrant.user_id == world["coordinator"].id))
    db.session.commit()
    run_job(job_id)
    job = db.session.get(BackgroundJob, job_id)
    assert job.status == JobStatus.FAILED and "不再负责" in job.error
    assert _entries(world["town"]) == 1 and _count(RosterUpload) == 0


def test_an_import_job_refuses_another_persons_preview_or_a_changed_hash(world):
    check = _checked_job(world["coordinator"], world["town"], csv_bytes(_people(2)))
    _checked, _preview, digest = rosters.load_checked(check.outcome["token"], world["coordinator"])
    other = f.make_coordinator(world["town"], "另一位")
    db.session.commit()
    for actor, asked in ((other, digest), (world["coordinator"], "0" * 64)):
        params = roster_jobs.import_params(check.outcome["token"], asked, False)
        job = _import_job_with_params(actor, params)
        assert job.status == JobStatus.FAILED and "已过期" in job.error
    assert _entries(world["town"]) == 1 and _count(RosterUpload) == 0


def test_the_check_job_plans_the_preview_in_the_mode_chosen(world, monkeypatch):
    monkeypatch.setattr(applying, "PREVIEW_SHOWN", 2)
    coordinator = world["coordinator"]
    for mode, leaving in (("merge", 0), ("replace", 1)):
        job = _checked_job(coordinator, world["town"], csv_bytes(_people(3)), mode=mode)
        (unit,) = rosters.load_checked(job.outcome["token"], coordinator)[1]
        assert unit.counts == {"added": 3, "unchanged": 0, "changed": 0, "leaving": leaving}
        assert [person.name for person in unit.added] == ["职工0", "职工1"]  # the first shown
        assert [person.name for person in unit.leaving] == ["老干部"][:leaving]
