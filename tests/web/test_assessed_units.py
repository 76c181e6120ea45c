"""Assessed units (参与考核) on the admin unit form and on the compliance page."""

from sqlalchemy import select

from tests import factories as f
from volunteer.extensions import db
from volunteer.models import Unit, UnitKind


def test_the_admin_unit_form_sets_whether_a_unit_is_assessed(client, login_as, app):
    banner = f.make_unit("WS", "乌审旗")
    village = f.make_unit("WS-1", "一嘎查", banner, UnitKind.VILLAGE)
    login_as(f.make_admin())
    page = client.get(f"/admin/units/{village.id}").get_data(as_text=True)
    assert "参与考核" in page
    data = {"name": "一嘎查", "kind": "village", "assessed": "y"}
    assert client.post(f"/admin/units/{village.id}", data=data).status_code == 302
    assert db.session.get(Unit, village.id).assessed is True
    response = client.post(f"/admin/units/{banner.id}", data={**data, "name": "乌审旗"})
    assert response.status_code == 200
    assert "旗本级不参与考核" in response.get_data(as_text=True)
    assert db.session.scalar(select(Unit.assessed).where(Unit.id == banner.id)) is False
    assert db.session.get(Unit, banner.id).name == "乌审旗"


def test_the_compliance_page_lists_assessed_units_without_a_roster(client, login_as, app):
    banner = f.make_unit("WS", "乌审旗")
    f.make_unit("WS-JYJ", "旗教育局", banner)
    f.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    f.make_unit("WS-X", "某企业", banner, UnitKind.ENTERPRISE)  # not assessed
    f.make_roster_entry(banner)  # the banner's own roster does not make it a counted unit
    login_as(f.make_coordinator(banner))
    page = client.get(f"/compliance/units/{banner.id}").get_data(as_text=True)
    assert 'data-total="units-meeting">0 / 2' in page
    listed = page.split('data-testid="no-roster-units">', 1)[1].split("</div>", 1)[0]
    assert "未上传名册" in listed
    assert "旗教育局" in listed and "嘎鲁图镇" in listed
    assert "某企业" not in listed and "乌审旗" not in listed
    assert "不参与考核" in page
