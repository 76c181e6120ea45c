"""A coordinator on a phone sees when slow figures were computed and asks for new ones."""

import re

import pytest

from tests import factories
from tests.browser.helpers import sign_in
from tests.certificate_support import this_year_moment
from volunteer.extensions import db
from volunteer.models import UnitKind

pytestmark = pytest.mark.browser


def test_a_coordinator_refreshes_figures_served_from_a_snapshot(phone_page, app):
    app.config["COMPLIANCE_LIVE_LIMIT_MS"] = -1  # every computation counts as slow
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    coordinator = factories.make_coordinator(town, "钱协调")
    served = factories.make_volunteer("乌云")
    factories.make_roster_entry(town, served)
    activity = factories.make_activity(factories.make_organization(), starts_at=this_year_moment())
    factories.make_record(served, activity, 90)
    db.session.commit()

    page = phone_page
    page.goto("/auth/login")
    sign_in(page, coordinator.phone)
    page.goto(f"/compliance/units/{town.id}")
    assert page.get_by_test_id("figures-as-of").count() == 0  # the first time: live
    page.reload()
    assert re.fullmatch(r"数据截至 \d\d:\d\d", page.get_by_test_id("figures-as-of").inner_text())
    assert page.locator('[data-total="staff-rate"]').inner_text() == "100.0%"

    factories.make_roster_entry(town, name="新职工", id_number=factories.resident_id())
    db.session.commit()  # added behind the snapshot's back: only a refresh sees it
    page.reload()
    assert page.locator('[data-total="staff-rate"]').inner_text() == "100.0%"
    page.get_by_role("button", name="刷新数据").click()
    page.wait_for_url(re.compile(rf"/compliance/units/{town.id}\?"))
    assert page.locator('[data-total="staff-rate"]').inner_text() == "50.0%"
    assert page.get_by_test_id("figures-as-of").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
