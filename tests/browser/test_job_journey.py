"""A job's page on a phone follows the job (through its poller, under the CSP) to the download."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import sign_in
from volunteer.extensions import db
from volunteer.services import periods
from volunteer.tasks import COMPLIANCE_EXPORT, create_job, run_job
from volunteer.tasks.compliance_export import export_params

pytestmark = pytest.mark.browser


def test_the_job_page_shows_the_wait_then_offers_the_file(phone_page, app):
    town = factories.make_unit("WS-GLT", "嘎鲁图镇")
    coordinator = factories.make_coordinator(town)
    period = periods.year_period(periods.local_today().year)
    # Queued and not yet taken by a worker: the page must follow it by itself.
    job = create_job(COMPLIANCE_EXPORT, export_params(town, period, False, 30), coordinator)
    db.session.commit()
    page = phone_page
    page.goto("/auth/login")
    sign_in(page, coordinator.phone)
    page.goto(f"/jobs/{job.id}")
    status = page.get_by_test_id("job-status")
    expect(status).to_contain_text("等待开始")
    download = page.get_by_role("link", name="下载")
    expect(download).to_be_hidden()
    run_job(job.id)  # what the worker does
    expect(status).to_contain_text("文件已生成")
    expect(download).to_be_visible()
    with page.expect_download() as started:
        download.click()
    assert started.value.suggested_filename.endswith(".xlsx")
