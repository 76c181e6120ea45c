"""WCAG 2.1 AA: axe-core finds no critical or serious violation on the main pages of every
role, on a 390 px phone (menu opened) and a 1280 px desktop.

axe-core is vendored as a test asset (see tests/browser/assets/README.md for its version).
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests import certificate_support as support
from tests import factories
from tests.browser.helpers import axe_problems, sign_in
from volunteer.extensions import db
from volunteer.models import PoliticalStatus, UnitKind, utcnow
from volunteer.services import certificates, periods, tokens

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 900)}


@dataclass
class Site:
    """The people and things whose pages are scanned."""

    volunteer: object
    organizer: object
    coordinator: object
    admin: object
    activity: object
    record: object
    certificate: object
    town: object
    team: object


@pytest.fixture
def site(app) -> Site:
    support.set_issuer()
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    factories.make_unit("WS-TK", "图克镇", banner, UnitKind.TOWN)
    team = factories.make_organization("嘎鲁图镇志愿服务队", town)
    volunteer = factories.make_volunteer(
        "其木格", town, political_status=PoliticalStatus.CPC_MEMBER
    )
    past = factories.make_activity(team, starts_at=support.this_year_moment(), title="清扫街道")
    record = factories.make_record(volunteer, past, 150)
    activity = factories.make_activity(
        team, starts_at=utcnow() - timedelta(minutes=10), title="文明交通劝导"
    )
    factories.make_signup(volunteer, activity)
    factories.make_roster_entry(town, volunteer)
    factories.make_roster_entry(town, name="巴特尔")
    certificate = certificates.issue_certificate(volunteer, periods.this_year(), None)
    site = Site(
        volunteer=volunteer,
        organizer=factories.make_organizer(team, "赵组织"),
        coordinator=factories.make_coordinator(town, "钱协调"),
        admin=factories.make_admin("王管理员"),
        activity=activity,
        record=record,
        certificate=certificate,
        town=town,
        team=team,
    )
    db.session.commit()
    return site


def pages_by_role(site: Site) -> dict[str, list[str]]:
    """The pages scanned, by who signs in to see them (None: nobody)."""
    activity, town = site.activity.id, site.town.id
    token = tokens.current_token(site.activity, utcnow())
    return {
        "anonymous": [
            "/",
            "/auth/login",
            "/auth/register",
            "/auth/privacy",
            "/auth/reset",
            "/activities/",
            f"/activities/{activity}",
            "/verify/",
            f"/verify/{site.certificate.serial}",
            "/verify/NO-SUCH-SERIAL",
            "/no-such-page",
        ],
        "volunteer": [
            "/",
            f"/checkin/s/{activity}/{token.step}/{token.code}",  # the scan result
            "/?serving",  # home while checked in
            "/checkin/scan",
            "/checkin/code",
            "/checkin/my-code",
            "/checkin/my-code/card",
            "/activities/mine",
            f"/activities/{activity}",
            "/records/mine",
            f"/records/{site.record.id}",
            "/records/claim",
            "/certificates/",
            f"/certificates/{site.certificate.id}",
            "/me/",
            "/me/edit",
            "/me/password",
            "/network/projects",
            "/network/honours",
        ],
        "organizer": [
            "/activities/manage",
            "/activities/new",
            f"/activities/{activity}/edit",
            f"/checkin/activities/{activity}/screen",
            f"/checkin/activities/{activity}/kiosk",
            f"/records/activities/{activity}",
            "/records/review",
            "/certificates/people",
            f"/certificates/people/{site.volunteer.id}",
            "/certificates/batch",
            "/national-export/",
            "/network/projects/new",
        ],
        "coordinator": [
            "/units/",
            f"/units/{town}",
            "/compliance/",
            f"/compliance/units/{town}",
            f"/compliance/units/{town}/missing",
            f"/compliance/units/{town}/reminders",
            f"/compliance/units/{town}/roster",
            "/compliance/rosters/batch",
            "/auth/resets?q=其木格",
            f"/network/coverage/units/{town}",
            f"/network/recognition/units/{town}",
        ],
        "admin": [
            "/admin/units",
            f"/admin/units/{town}",
            "/admin/organizations",
            "/admin/organizations/new",
            f"/admin/organizations/{site.team.id}",
            "/admin/grants",
            "/admin/audit",
            "/compliance/settings",
            "/certificates/all",
            "/certificates/settings",
            "/network/recognition/criteria",
            "/network/nominations",
        ],
    }


def _account(site: Site, role: str):
    return {
        "volunteer": site.volunteer.user,
        "organizer": site.organizer,
        "coordinator": site.coordinator,
        "admin": site.admin,
    }.get(role)


def open_phone_menu(page) -> None:
    """Show the collapsed menu, whose links axe must check too."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.wait_for_selector("#mainNav.show")


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_every_main_page_has_no_serious_accessibility_violation(browser, live_server, site, screen):
    width, height = VIEWPORTS[screen]
    problems, scanned = [], 0
    for role, paths in pages_by_role(site).items():
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN",
            base_url=live_server,
            is_mobile=screen == "phone",
            has_touch=screen == "phone",
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            if account := _account(site, role):
                page.goto("/auth/login")
                sign_in(page, account.phone)
            for path in paths:
                page.goto(path)
                open_phone_menu(page)
                problems += axe_problems(page)
                scanned += 1
        finally:
            context.close()
    assert scanned >= 50
    assert not problems, "\n".join(problems)
