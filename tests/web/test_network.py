"""The network pages through the client: coverage board and export, projects, honours."""

import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

from tests import factories
from volunteer.extensions import db
from volunteer.models import OrganizationKind, UnitKind


def _small_tree():
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    factories.make_unit("V1", "一村", town, UnitKind.VILLAGE)
    other = factories.make_unit("WSZ", "乌审召镇", banner, UnitKind.TOWN)
    institute = factories.make_organization("嘎鲁图镇新时代文明实践所", town)
    institute.kind = OrganizationKind.PRACTICE_INSTITUTE
    factories.make_activity(institute, starts_at=datetime.now(UTC) - timedelta(days=2))
    return banner, town, other


def test_a_coordinator_drills_down_the_coverage_board(client, login_as):
    banner, town, _other = _small_tree()
    login_as(factories.make_coordinator(banner))
    page = client.get(f"/network/coverage/units/{banner.id}").get_data(as_text=True)
    assert 'data-total="practice_institute">1<' in page  # 乌审召镇
    assert 'data-total="practice_station">1<' in page  # 一村
    assert f'/network/coverage/units/{town.id}"' in page  # the town has villages: drill down
    page = client.get(f"/network/coverage/units/{town.id}").get_data(as_text=True)
    assert 'data-total="practice_institute">0<' in page
    assert 'data-missing="practice_station"' in page and "一村" in page


def test_the_coverage_workbook_holds_summary_gaps_and_idle(client, login_as):
    banner, _town, _other = _small_tree()
    login_as(factories.make_coordinator(banner))
    response = client.get(f"/network/coverage/units/{banner.id}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    summary, gaps, idle = book.worksheets
    # Columns: without a team, without an institute, without a station, idle.
    assert [cell.value for cell in summary[2]] == ["WS", "乌审旗", "旗（根单位）", 0, 1, 1, 0]
    assert {row[0] for row in gaps.iter_rows(min_row=2, values_only=True)} == {"WSZ", "V1"}
    assert idle.max_row == 1  # the institute was active two days ago


def test_names_in_the_coverage_workbook_stay_text_even_when_they_look_like_formulas(
    client, login_as
):
    banner = factories.make_unit("WS", "乌审旗")
    factories.make_unit("EVIL", '=HYPERLINK("http://x.example","点我")', banner, UnitKind.TOWN)
    login_as(factories.make_coordinator(banner))
    book = load_workbook(
        io.BytesIO(client.get(f"/network/coverage/units/{banner.id}/export.xlsx").data)
    )
    (cell,) = [row[1] for row in book.worksheets[0].iter_rows(min_row=2) if row[0].value == "EVIL"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_the_coverage_board_stays_inside_the_coordinators_subtree(client, login_as):
    banner, town, other = _small_tree()
    login_as(factories.make_coordinator(town))
    assert client.get(f"/network/coverage/units/{other.id}").status_code == 403
    assert client.get(f"/network/coverage/units/{banner.id}/export.xlsx").status_code == 403
    assert (
        client.get("/network/coverage")
        .headers["Location"]
        .endswith(f"/network/coverage/units/{town.id}")
    )
    db.session.rollback()


def _approved_nomination(admin):
    """An approved nomination of a volunteer for last year."""
    from volunteer.models import HonourCategory, Nomination, NominationStatus

    banner = factories.make_unit("WS", "乌审旗")
    volunteer = factories.make_volunteer("宝音", unit=banner)
    nomination = Nomination(
        year=datetime.now(UTC).year - 1,
        category=HonourCategory.VOLUNTEER,
        volunteer_id=volunteer.id,
        unit_id=banner.id,
        subject_name="宝音",
        reason="服务时长第一",
        status=NominationStatus.APPROVED,
        decided_by_id=admin.id,
    )
    db.session.add(nomination)
    db.session.flush()
    return nomination


def test_an_honour_certificates_qr_opens_the_verify_page_valid_then_revoked(client, login_as):
    from tests.certificate_support import qr_texts, set_issuer

    admin = factories.make_admin()
    set_issuer(admin)
    nomination = _approved_nomination(admin)
    login_as(admin)
    list_url = f"/network/nominations?year={nomination.year}"
    client.post(f"/network/nominations/{nomination.id}/certificate", data={})
    page = client.get(list_url).get_data(as_text=True)
    serial = page.split('data-serial="')[1].split('"')[0]
    assert serial.startswith(f"WSRY{datetime.now(UTC).year}")
    certificate_id = page.split("/network/honour-certificates/")[1].split(".pdf")[0]
    pdf = client.get(f"/network/honour-certificates/{certificate_id}.pdf")
    assert pdf.mimetype == "application/pdf"
    [url] = qr_texts(pdf.data)
    assert url == f"http://localhost/verify/{serial}"
    verify = client.get(url.removeprefix("http://localhost")).get_data(as_text=True)
    assert "有效" in verify and "宝*" in verify and "优秀志愿者" in verify
    client.post(
        f"/network/honour-certificates/{certificate_id}/revoke", data={"reason": "核实有误"}
    )
    assert "已撤销" in client.get(f"/verify/{serial}").get_data(as_text=True)


def test_the_honour_roll_page_and_pdf(client, login_as):
    from tests.certificate_support import pdf_reader

    admin = factories.make_admin()
    nomination = _approved_nomination(admin)
    login_as(factories.make_volunteer("路人").user)
    page = client.get(f"/network/honours?year={nomination.year}").get_data(as_text=True)
    assert "宝音" in page and "服务时长第一" in page
    pdf = client.get(f"/network/honours/{nomination.year}.pdf")
    assert "宝音" in pdf_reader(pdf.data).pages[0].extract_text()


def test_a_project_page_shows_activities_hours_and_people_served(client, login_as):
    organization = factories.make_organization("关爱队")
    organizer = factories.make_organizer(organization)
    login_as(organizer)
    response = client.post(
        "/network/projects/new",
        data={
            "organization_id": organization.id,
            "name": "关爱空巢老人",
            "starts_on": "2026-01-01",
        },
    )
    project_url = response.headers["Location"]
    activity = factories.make_activity(organization, title="探访老人")
    factories.make_record(factories.make_volunteer("乌云"), activity, 90)
    db.session.commit()
    client.post(
        project_url + "/activities", data={"activity_id": activity.id, "people_served": "8"}
    )
    page = client.get(project_url).get_data(as_text=True)
    assert "探访老人" in page and 'data-total="hours">1.5<' in page
    assert 'data-total="served">8<' in page and "乌云" in page


def test_the_coverage_board_lists_sub_units_and_gaps_a_page_at_a_time(
    client, login_as, monkeypatch
):
    from volunteer.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    banner = _small_tree()[0]
    factories.make_unit("WSX", "新镇", banner, UnitKind.TOWN)
    login_as(factories.make_coordinator(banner))
    url = f"/network/coverage/units/{banner.id}"
    first = client.get(url).get_data(as_text=True)
    rows = first.split('id="coverage-table"')[1].split("</table>")[0]
    assert "第 1 / 2 页" in first and "嘎鲁图镇" in rows and "新镇" not in rows
    assert 'data-testid="gap-total">3<' in first  # 一村, 乌审召镇, 新镇
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert "新镇" in second.split('id="coverage-table"')[1].split("</table>")[0]
    gaps = client.get(url + "?gaps_page=2").get_data(as_text=True)
    listed = gaps.split('id="coverage-gaps"')[1].split("</ul>")[0]
    assert listed.count("data-missing=") == 1


def test_the_project_list_pages_and_finds_projects_by_name(client, login_as, monkeypatch):
    from datetime import date

    from volunteer.services import paging
    from volunteer.services.network import projects

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    organization = factories.make_organization("关爱队")
    organizer = factories.make_organizer(organization)
    for name in ("关爱空巢老人", "河道清洁", "关爱留守儿童"):
        projects.save_project(
            None,
            organization,
            name=name,
            description=None,
            starts_on=date(2026, 1, 1),
            ends_on=None,
            actor=organizer,
        )
    db.session.commit()
    login_as(factories.make_volunteer("路人").user)
    first = client.get("/network/projects").get_data(as_text=True)
    listed = first.split('id="project-list"')[1].split("</ul>")[0]
    assert "共 3 个项目" in first and "第 1 / 2 页" in first
    assert listed.count("<li") == 2 and "关爱空巢老人" in listed and "河道清洁" not in listed
    second = client.get("/network/projects?page=2").get_data(as_text=True)
    assert "河道清洁" in second.split('id="project-list"')[1].split("</ul>")[0]
    found = client.get("/network/projects?q=留守").get_data(as_text=True)
    assert "共 1 个项目" in found and "关爱留守儿童" in found and "关爱空巢老人" not in found
    none = client.get("/network/projects?q=不存在").get_data(as_text=True)
    assert "没有匹配的项目。" in none and 'id="project-list"' not in none


def test_a_project_page_shows_its_activities_and_volunteers_a_page_at_a_time(
    client, login_as, monkeypatch
):
    from datetime import date

    from volunteer.services import paging
    from volunteer.services.network import projects

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    organization = factories.make_organization("关爱队")
    organizer = factories.make_organizer(organization)
    project = projects.save_project(
        None,
        organization,
        name="关爱空巢老人",
        description=None,
        starts_on=date(2026, 1, 1),
        ends_on=None,
        actor=organizer,
    )
    for hours, title in ((3, "第一次探访"), (2, "第二次探访"), (1, "第三次探访")):
        activity = factories.make_activity(
            organization, starts_at=datetime.now(UTC) - timedelta(days=hours), title=title
        )
        projects.attach_activity(project, activity, 1, organizer)
        factories.make_record(factories.make_volunteer(f"志愿者{hours}"), activity, 60 * hours)
    db.session.commit()
    login_as(organizer)
    url = f"/network/projects/{project.id}"
    first = client.get(url).get_data(as_text=True)
    done = first.split('id="project-activities"')[1].split("</ul>")[0]
    people = first.split('id="project-volunteers"')[1].split("</ul>")[0]
    assert done.count("<li") == 2 and "第一次探访" in done and "第三次探访" not in done
    assert people.count("<li") == 2 and "志愿者3" in people and "志愿者1" not in people
    assert 'data-total="volunteers">3<' in first  # the whole project's, not the page's
    last = client.get(url + "?page=2&vpage=2").get_data(as_text=True)
    assert "第三次探访" in last.split('id="project-activities"')[1].split("</ul>")[0]
    people = last.split('id="project-volunteers"')[1].split("</ul>")[0]
    assert people.count("<li") == 1 and "志愿者1" in people


def _nominated(*names: str) -> int:
    """A banner's volunteers nominated last year, one by one in this order; the year."""
    from volunteer.models import HonourCategory, Nomination, NominationStatus

    banner = factories.make_unit("WS", "乌审旗")
    year = datetime.now(UTC).year - 1
    for name in names:
        volunteer = factories.make_volunteer(name, unit=banner)
        db.session.add(
            Nomination(
                year=year,
                category=HonourCategory.VOLUNTEER,
                volunteer_id=volunteer.id,
                unit_id=banner.id,
                subject_name=name,
                reason="服务时长靠前",
                status=NominationStatus.NOMINATED,
            )
        )
    db.session.commit()
    return year


def test_the_year_s_nominations_come_a_page_at_a_time(client, login_as, monkeypatch):
    from volunteer.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    admin = factories.make_admin()
    year = _nominated("宝音", "乌云", "其其格")
    login_as(admin)
    first = client.get(f"/network/nominations?year={year}").get_data(as_text=True)
    listed = first.split('id="nominations"')[1].split("</ul>")[0]
    assert "共 3 项推荐" in first and listed.count("data-nomination=") == 2
    assert "宝音" in listed and "其其格" not in listed
    second = client.get(f"/network/nominations?year={year}&page=2").get_data(as_text=True)
    listed = second.split('id="nominations"')[1].split("</ul>")[0]
    assert listed.count("data-nomination=") == 1 and "其其格" in listed


def test_a_decision_sent_from_a_later_page_of_nominations_comes_back_to_that_page(
    client, login_as, monkeypatch
):
    from volunteer.models import Nomination, NominationStatus
    from volunteer.services import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 1)
    admin = factories.make_admin()
    year = _nominated("宝音", "乌云")
    login_as(admin)
    here = f"/network/nominations?year={year}&page=2"
    page = client.get(here).get_data(as_text=True)
    assert f'name="next" value="{here}"'.replace("&", "&amp;") in page
    nomination_id = int(page.split('data-nomination="')[1].split('"')[0])
    back = client.post(
        f"/network/nominations/{nomination_id}/decide", data={"approve": "1", "next": here}
    )
    assert back.headers["Location"].endswith(here)
    assert db.session.get(Nomination, nomination_id).status == NominationStatus.APPROVED
