"""Registration posters through the pages: printing, following the QR code, who may print."""

import io
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.certificate_support import pdf_reader, pdf_text, qr_texts
from tests.job_support import job_file
from volunteer.extensions import db
from volunteer.models import UnitKind, Volunteer
from volunteer.services import registration_links, units
from volunteer.services.errors import PermissionDenied
from volunteer.tasks import unit_posters


@pytest.fixture
def world(app):
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    village = f.make_unit("WS-GLT-SRL", "萨如拉嘎查", town, UnitKind.VILLAGE)
    sibling = f.make_unit("WS-TK", "图克镇", banner, UnitKind.TOWN)
    newcomer_id = f.resident_id(date(1988, 8, 8))
    f.make_roster_entry(town, name="巴特尔", id_number=newcomer_id)
    f.make_roster_entry(town, name="未注册人")
    f.make_roster_entry(town, f.make_volunteer("已注册者"))
    f.make_roster_entry(village, name="村里的人")
    world = {
        "banner": banner,
        "town": town,
        "village": village,
        "sibling": sibling,
        "newcomer_id": newcomer_id,
        "coordinator": f.make_coordinator(town),
        "sibling_coordinator": f.make_coordinator(sibling, "孙协调"),
        "admin": f.make_admin(),
    }
    db.session.commit()
    return world


def registration(id_number: str, **changes) -> dict:
    data = {
        "name": "巴特尔",
        "id_type": "resident_id",
        "id_number": id_number,
        "phone": f.phone(),
        "password": "secret-pass-1",
        "password_confirm": "secret-pass-1",
        "political_status": "13",
        "privacy_consent": "y",
    }
    return data | changes


def local(url: str) -> str:
    """The path and query of an absolute link, for the test client to follow."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def poster(client, unit) -> bytes:
    response = client.get(f"/compliance/units/{unit.id}/poster.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.data


def registered_on_compliance_page(client, unit) -> int:
    """The 'registered' figure of the unit's own row on its compliance page."""
    page = client.get(f"/compliance/units/{unit.id}").get_data(as_text=True)
    row = re.search(rf'<tr data-unit="{unit.code}".*?</tr>', page, re.S)[0]
    cells = re.findall(r'<td class="text-end[^"]*">([^<]*)</td>', row)
    return int(cells[1])


def test_the_poster_qr_registers_a_person_under_the_unit_and_counts_at_once(
    client, login_as, world
):
    town = world["town"]
    login_as(world["coordinator"])
    pdf = poster(client, town)
    assert len(pdf_reader(pdf).pages) == 1
    assert "嘎鲁图镇" in pdf_text(pdf) and "本单位还差 2 人完成注册" in pdf_text(pdf)
    assert registered_on_compliance_page(client, town) == 1
    (link,) = qr_texts(pdf)
    assert link.startswith("http://localhost/auth/register?unit=")

    client.post("/auth/logout")
    page = client.get(local(link)).get_data(as_text=True)
    assert "将登记到：嘎鲁图镇" in page and 'name="unit_id"' not in page
    response = client.post(local(link), data=registration(world["newcomer_id"]))
    assert response.status_code == 302
    volunteer = db.session.scalar(
        select(Volunteer).where(Volunteer.id_number == world["newcomer_id"])
    )
    assert volunteer.unit_id == town.id

    client.post("/auth/logout")
    login_as(world["coordinator"])
    assert registered_on_compliance_page(client, town) == 2
    assert "本单位还差 1 人完成注册" in pdf_text(poster(client, town))


def test_a_posted_unit_choice_cannot_override_the_poster(client, world):
    token = registration_links.unit_token_for_id(world["town"].id)
    data = registration(world["newcomer_id"], unit_id=str(world["sibling"].id))
    assert client.post(f"/auth/register?unit={token}", data=data).status_code == 302
    assert (
        db.session.scalar(
            select(Volunteer.unit_id).where(Volunteer.id_number == world["newcomer_id"])
        )
        == world["town"].id
    )


def test_an_edited_link_files_nobody_under_the_named_unit(client, world):
    token = registration_links.unit_token_for_id(world["town"].id)
    edited = f"{world['sibling'].id}.{token.split('.')[1]}"
    page = client.get(f"/auth/register?unit={edited}").get_data(as_text=True)
    assert "该注册链接无效，请在下方选择您的工作单位。" in page
    assert "将登记到" not in page and 'name="unit_id"' in page
    data = registration(world["newcomer_id"], unit_id="")
    assert client.post(f"/auth/register?unit={edited}", data=data).status_code == 302
    assert (
        db.session.scalar(
            select(Volunteer.unit_id).where(Volunteer.id_number == world["newcomer_id"])
        )
        is None
    )


def test_a_coordinator_prints_every_unit_of_the_subtree_in_one_pdf(client, login_as, world):
    login_as(world["coordinator"])
    response = job_file(client, client.get(f"/compliance/units/{world['town'].id}/posters.pdf"))
    assert "%E5%85%A8%E9%83%A8%E4%B8%8B%E7%BA%A7.pdf" in response.headers["Content-Disposition"]
    pages = pdf_reader(response.data).pages
    assert len(pages) == 2
    assert "嘎鲁图镇" in pages[0].extract_text() and "还差 2 人" in pages[0].extract_text()
    assert "萨如拉嘎查" in pages[1].extract_text() and "还差 1 人" in pages[1].extract_text()
    for page_number, unit in enumerate([world["town"], world["village"]]):
        (link,) = qr_texts(response.data, page_number)
        assert registration_links.unit_for_token(link.split("unit=")[1]) == unit


@pytest.mark.parametrize("who", ["admin", "coordinator"])
def test_coordinators_of_the_unit_or_above_and_admins_may_print(client, login_as, world, who):
    login_as(world[who])
    village = world["village"].id
    assert client.get(f"/compliance/units/{village}/poster.pdf").status_code == 200
    job_file(client, client.get(f"/compliance/units/{village}/posters.pdf"))


def test_others_may_not_print(client, login_as, world):
    town = world["town"].id
    urls = [f"/compliance/units/{town}/poster.pdf", f"/compliance/units/{town}/posters.pdf"]
    for url in urls:
        assert client.get(url).status_code == 302  # to the sign-in page
    login_as(world["sibling_coordinator"])
    for url in [*urls, f"/compliance/units/{world['banner'].id}/posters.pdf"]:
        assert client.get(url).status_code == 403, url
    client.post("/auth/logout")
    login_as(f.make_volunteer("路人").user)
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_an_inactive_unit_has_no_poster(client, login_as, world):
    units.set_unit_active(world["village"], False)
    login_as(world["coordinator"])
    response = client.get(
        f"/compliance/units/{world['village'].id}/poster.pdf", follow_redirects=True
    )
    assert response.mimetype == "text/html"
    assert "该单位已停用，无法登记到该单位。" in response.get_data(as_text=True)


def test_the_compliance_and_unit_pages_offer_posters(client, login_as, world):
    login_as(world["coordinator"])
    town, village = world["town"].id, world["village"].id
    report = client.get(f"/compliance/units/{town}").get_data(as_text=True)
    assert f"/compliance/units/{town}/posters.pdf" in report
    assert f"/compliance/units/{village}/poster.pdf" in report
    assert "本单位及全部下级单位海报" in report
    unit_page = client.get(f"/units/{town}").get_data(as_text=True)
    assert f"/compliance/units/{town}/poster.pdf" in unit_page
    assert f"/compliance/units/{town}/posters.pdf" in unit_page


def test_a_worker_without_a_request_links_posters_to_the_site_s_address(app, world):
    params = unit_posters.posters_params(world["town"], "https://zyz.example.cn")
    out = io.BytesIO()
    unit_posters.write_posters(params, world["coordinator"].id, out, lambda done, total: None)
    (link,) = qr_texts(out.getvalue(), 1)
    assert link.startswith("https://zyz.example.cn/auth/register?unit=")


def test_a_subtree_job_refuses_someone_who_lost_the_unit(app, world):
    params = unit_posters.posters_params(world["town"], "https://zyz.example.cn")
    with pytest.raises(PermissionDenied):
        unit_posters.write_posters(
            params, world["sibling_coordinator"].id, io.BytesIO(), lambda done, total: None
        )
