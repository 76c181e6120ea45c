"""The compliance page of a large unit whose figures were never computed: "正在计算，稍后自动
刷新" with the refresh job queued, never computed in the request; a small unit stays live;
saving new targets warms the large units' pages at once."""

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.certificate_support import this_year_moment
from volunteer.extensions import db
from volunteer.models import BackgroundJob, ComplianceSnapshot, JobStatus, UnitKind
from volunteer.services import periods
from volunteer.tasks import COMPLIANCE_REFRESH, refreshes, run_queued_jobs
from volunteer.tasks import prewarm as prewarm_jobs

COMPUTING = "正在计算，稍后自动刷新"
REFRESH_META = '<meta http-equiv="refresh"'


@pytest.fixture
def world(app):
    """乌审旗 > 嘎鲁图镇 > two villages: large from 3 units (the banner and the town)."""
    app.config["COMPLIANCE_PREWARM_MIN_UNITS"] = 3
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    village = f.make_unit("WS-GLT-1", "萨如拉嘎查", town, UnitKind.VILLAGE)
    f.make_unit("WS-GLT-2", "巴音嘎查", town, UnitKind.VILLAGE)
    activity = f.make_activity(f.make_organization(), starts_at=this_year_moment(), hours=4)
    done = f.make_volunteer("完成者")
    f.make_roster_entry(village, done)
    f.make_record(done, activity, 120)
    world = {
        "banner": banner,
        "village": village,
        "admin": f.make_admin(),
        "village_coordinator": f.make_coordinator(village, "村协调"),
    }
    db.session.commit()
    return world


@pytest.fixture
def held(monkeypatch):
    """Jobs queued by a page wait for a worker instead of running at once (as in production)."""
    monkeypatch.setattr(refreshes, "start_job", lambda job_id: None)


def page(client, unit, **args):
    return client.get(f"/compliance/units/{unit.id}", query_string=args)


def refresh_jobs() -> list[BackgroundJob]:
    query = select(BackgroundJob).where(BackgroundJob.kind == COMPLIANCE_REFRESH)
    return db.session.scalars(query.order_by(BackgroundJob.id)).all()


def kept(unit) -> int:
    query = select(func.count(ComplianceSnapshot.id)).where(ComplianceSnapshot.unit_id == unit.id)
    return db.session.scalar(query)


def test_a_large_units_first_view_says_computing_and_queues_its_job(client, login_as, world, held):
    login_as(world["admin"])
    response = page(client, world["banner"])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert COMPUTING in html and 'data-testid="computing"' in html and REFRESH_META in html
    assert kept(world["banner"]) == 0  # nothing computed in the request
    jobs = refresh_jobs()  # the page's three keys at once: one wait covers the page
    assert [job.params["key"]["kind"] for job in jobs] == ["overview", "pace", "history"]
    assert {job.status for job in jobs} == {JobStatus.QUEUED}
    page(client, world["banner"])
    assert len(refresh_jobs()) == 3  # asked again: the same jobs, not others


def test_once_the_worker_computed_it_the_page_shows_the_figures(client, login_as, world, held):
    login_as(world["admin"])
    page(client, world["banner"])
    assert run_queued_jobs() == 3  # what the worker does
    html = page(client, world["banner"]).get_data(as_text=True)
    assert COMPUTING not in html and 'data-total="staff-rate"' in html and "乌审旗" in html
    assert REFRESH_META not in html
    assert {job.status for job in refresh_jobs()} == {JobStatus.DONE}


def test_a_page_the_pre_warm_covered_is_shown_without_waiting(client, login_as, world, held):
    prewarm_jobs.queue_prewarm()  # the worker's round, then its jobs
    run_queued_jobs()
    login_as(world["admin"])
    html = page(client, world["banner"]).get_data(as_text=True)
    assert COMPUTING not in html and 'data-total="staff-rate"' in html
    assert REFRESH_META not in html  # the history chart was warmed too


def test_while_the_pre_warm_job_waits_the_page_says_computing_and_adds_none(
    client, login_as, world, held
):
    queued = prewarm_jobs.queue_prewarm()
    login_as(world["admin"])
    html = page(client, world["banner"]).get_data(as_text=True)
    assert COMPUTING in html
    assert len(refresh_jobs()) == len(queued) == 6


def test_a_small_unit_stays_live(client, login_as, world, held):
    login_as(world["village_coordinator"])
    html = page(client, world["village"]).get_data(as_text=True)
    assert COMPUTING not in html and REFRESH_META not in html
    assert 'data-total="staff-rate"' in html
    assert refresh_jobs() == []


def test_the_computing_page_in_english(client, login_as, world, held):
    login_as(world["admin"])
    html = page(client, world["banner"], lang="en").get_data(as_text=True)
    assert "Computing; the page refreshes by itself shortly." in html


def test_in_the_tests_immediate_queue_the_first_view_shows_the_figures(client, login_as, world):
    login_as(world["admin"])
    html = page(client, world["banner"]).get_data(as_text=True)
    assert COMPUTING not in html and 'data-total="staff-rate"' in html


def test_the_history_chart_says_computing_and_is_not_cached(client, login_as, world, held):
    login_as(world["admin"])
    response = client.get(f"/compliance/units/{world['banner'].id}/history.svg")
    assert response.mimetype == "image/svg+xml"
    assert "正在计算" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    (job,) = refresh_jobs()
    assert job.params["key"]["kind"] == "history"


def test_a_page_whose_chart_is_computing_reloads_itself(client, login_as, world, held):
    login_as(world["admin"])
    page(client, world["banner"])
    history = refresh_jobs()[-1]
    db.session.delete(history)  # the overview and pace computed, the history not yet asked
    db.session.commit()
    run_queued_jobs()
    html = page(client, world["banner"]).get_data(as_text=True)
    assert 'data-testid="chart-computing"' in html and REFRESH_META in html


def test_saving_targets_warms_the_large_units_pages_at_once(client, login_as, world, monkeypatch):
    started = []
    monkeypatch.setattr(refreshes, "start_job", started.append)
    login_as(world["admin"])
    response = client.post(
        "/compliance/settings",
        data={
            "year": periods.local_today().year,
            "staff_target": "60",
            "party_target": "95",
            "min_hours": "2",
            "milestone": "80",
        },
    )
    assert response.status_code == 302
    jobs = refresh_jobs()
    assert len(jobs) == 6 and started == [job.id for job in jobs]
    large = {world["banner"].id, world["village"].parent_id}  # the banner and the town
    assert {job.params["unit_id"] for job in jobs} == large
