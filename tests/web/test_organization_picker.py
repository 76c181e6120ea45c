"""The organization on the activity, project and national-export forms: a select of the user's
organizations while they are few, a search picker past ORGANIZATION_SELECT_LIMIT (an admin of a
province sees 2,000 teams, issue 15), which works without JavaScript, and its JSON search."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories
from volunteer.extensions import db
from volunteer.models import Activity, AuditEntry, Project, utcnow
from volunteer.services.periods import aware_to_beijing_naive

QUERY, PICK = "organization_id-query", "organization_id-pick"  # the picker's text and radio


@pytest.fixture
def world(app):
    town = factories.make_unit("GLT", "嘎鲁图镇")
    team = factories.make_organization("嘎鲁图镇志愿服务队", town)
    youth = factories.make_organization("嘎鲁图镇青年志愿服务队", town)
    closed = factories.make_organization("嘎鲁图镇老年志愿服务队", town)
    closed.active = False
    other = factories.make_organization("图克镇志愿服务队")
    data = {
        "team": team,
        "youth": youth,
        "closed": closed,
        "other": other,
        "organizer": factories.make_organizer(team),
        "admin": factories.make_admin(),
    }
    db.session.commit()
    return data


@pytest.fixture
def picker(app, world):
    """The picker with these few organizations (as past ORGANIZATION_SELECT_LIMIT of them)."""
    app.config["ORGANIZATION_SELECT_LIMIT"] = 0
    return world


def _local(moment):
    return aware_to_beijing_naive(moment).strftime("%Y-%m-%dT%H:%M")


def activity_form(title="敬老院慰问", **fields):
    start = utcnow().replace(second=0, microsecond=0) + timedelta(days=3)
    data = {
        "title": title,
        "category": "elderly",
        "place": "嘎鲁图镇敬老院",
        "starts_at": _local(start),
        "ends_at": _local(start + timedelta(hours=3)),
    }
    return data | fields


def saved(title="敬老院慰问"):
    return db.session.scalar(select(Activity).where(Activity.title == title))


def test_few_organizations_keep_the_select(client, login_as, world):
    login_as(world["admin"])
    page = client.get("/activities/new").get_data(as_text=True)
    assert f'<option value="{world["youth"].id}">' in page
    assert f'<option value="{world["closed"].id}">' not in page  # closed
    assert "search-picker.js" not in page
    response = client.post("/activities/new", data=activity_form(organization_id=world["youth"].id))
    assert response.status_code == 302 and saved().organization is world["youth"]


def test_many_organizations_get_the_picker_not_every_option(client, login_as, picker):
    login_as(picker["admin"])
    for url in ("/activities/new", "/network/projects/new", "/national-export/"):
        page = client.get(url).get_data(as_text=True)
        assert 'name="organization_id-query"' in page and 'role="listbox"' in page, url
        assert "search-picker.js" in page, url
        assert f'<option value="{picker["youth"].id}"' not in page, url


def test_the_whole_name_typed_without_javascript_names_the_organization(client, login_as, picker):
    login_as(picker["admin"])
    data = activity_form(
        **{"organization_id": "", "organization_id-query": "嘎鲁图镇青年志愿服务队"}
    )
    assert client.post("/activities/new", data=data).status_code == 302
    assert saved().organization is picker["youth"]


def test_part_of_a_name_lists_the_candidates_then_one_is_picked(client, login_as, picker):
    login_as(picker["admin"])
    data = activity_form(**{"organization_id-query": "嘎鲁图镇"})
    page = client.post("/activities/new", data=data).get_data(as_text=True)
    assert "请在下面选择组织，或多输入几个字。" in page and saved() is None
    assert f'name="organization_id-pick" id="organization_id-pick-{picker["youth"].id}"' in page
    assert f'value="{picker["closed"].id}"' not in page  # closed: not offered
    data["organization_id-pick"] = str(picker["youth"].id)
    assert client.post("/activities/new", data=data).status_code == 302
    assert saved().organization is picker["youth"]


def test_the_js_pick_is_kept_while_its_name_is_in_the_box(client, login_as, picker):
    login_as(picker["admin"])
    data = activity_form(
        **{"organization_id": str(picker["team"].id), "organization_id-query": "嘎鲁图镇志愿服务队"}
    )
    assert client.post("/activities/new", data=data).status_code == 302
    assert saved().organization is picker["team"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"organization_id-query": ""}, "请选择组织。"),
        ({"organization_id-query": "没有的队"}, "您的组织中没有名称像“没有的队”的。"),
        (
            {"organization_id-query": "图克镇志愿服务队"},
            "您的组织中没有名称像“图克镇志愿服务队”的。",
        ),
        (
            {"organization_id-query": "图克", "organization_id-pick": "other"},
            "请从列出的组织中选择一个。",
        ),
        (
            {"organization_id-query": "新", "organization_id-pick": "99999"},
            "请从列出的组织中选择一个。",
        ),
        ({"organization_id-query": "x" * 101}, "最多输入100个字符。"),
    ],
)
def test_an_organizer_cannot_reach_past_their_own_organizations(
    client, login_as, picker, fields, message
):
    login_as(picker["organizer"])
    if fields.get(PICK) == "other":
        fields = fields | {PICK: str(picker["other"].id)}
    page = client.post("/activities/new", data=activity_form(**fields)).get_data(as_text=True)
    assert message in page and saved() is None


def test_a_foreign_id_behind_its_own_name_is_refused(client, login_as, picker):
    login_as(picker["organizer"])
    data = activity_form(
        **{"organization_id": str(picker["other"].id), "organization_id-query": "图克镇志愿服务队"}
    )
    page = client.post("/activities/new", data=data).get_data(as_text=True)
    assert "您不能在这里选择“图克镇志愿服务队”。" in page and saved() is None


def test_the_search_answers_only_the_users_organizations(client, login_as, picker):
    login_as(picker["organizer"])
    answer = client.get("/activities/organizations.json?q=志愿服务队").get_json()
    assert answer == {
        "hits": [
            {
                "id": picker["team"].id,
                "name": "嘎鲁图镇志愿服务队",
                "detail": "嘎鲁图镇",
                "label": "嘎鲁图镇志愿服务队（嘎鲁图镇）",
            }
        ]
    }
    client.post("/auth/logout")
    login_as(picker["admin"])
    found = client.get("/activities/organizations.json?q=嘎鲁图镇").get_json()["hits"]
    assert [hit["name"] for hit in found] == ["嘎鲁图镇志愿服务队", "嘎鲁图镇青年志愿服务队"]
    with_closed = client.get("/activities/organizations.json?q=老年&closed=1").get_json()
    assert [hit["name"] for hit in with_closed["hits"]] == ["嘎鲁图镇老年志愿服务队"]
    assert client.get("/activities/organizations.json?q=队").get_json() == {"hits": []}
    assert client.get("/activities/organizations.json").get_json() == {"hits": []}


def test_the_search_is_for_organizers_and_admins_only(client, login_as, picker):
    assert client.get("/activities/organizations.json?q=志愿").status_code == 302  # sign in
    login_as(factories.make_volunteer("乌兰").user)
    assert client.get("/activities/organizations.json?q=志愿").status_code == 403


def test_a_project_names_its_organization_by_typing(client, login_as, picker):
    login_as(picker["organizer"])
    data = {
        "organization_id-query": "嘎鲁图镇志愿服务队",
        "name": "关爱老人",
        "starts_on": "2026-01-01",
    }
    assert client.post("/network/projects/new", data=data).status_code == 302
    project = db.session.scalar(select(Project).where(Project.name == "关爱老人"))
    assert project.organization is picker["team"]
    data = data | {QUERY: "图克镇志愿服务队", "name": "越权项目"}
    page = client.post("/network/projects/new", data=data).get_data(as_text=True)
    assert "您的组织中没有名称像“图克镇志愿服务队”的。" in page
    assert db.session.scalar(select(Project).where(Project.name == "越权项目")) is None


def test_the_national_export_reads_empty_as_all_and_takes_closed_ones(client, login_as, picker):
    activity = factories.make_activity(picker["closed"], title="老年服务")
    factories.make_record(factories.make_volunteer("乌云"), activity, 90)
    login_as(picker["admin"])
    page = client.get("/national-export/").get_data(as_text=True)
    assert "留空则导出全部。" in page
    for query in ("", "嘎鲁图镇老年志愿服务队"):
        data = {"organization_id-query": query, "period": "year"}
        response = client.post("/national-export/", data=data)
        assert response.mimetype.endswith("spreadsheetml.sheet"), query
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "records.national_export")
    ).all()
    assert [entry.details["organization_ids"] for entry in entries] == [
        "all",
        [picker["closed"].id],
    ]
