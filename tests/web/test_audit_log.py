"""The audit log: Chinese labels, named and linked objects, readable changes, filters, export."""

import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories as f
from volunteer.extensions import db
from volunteer.models import AuditEntry, Role, UnitKind
from volunteer.services import grants, units
from volunteer.services.audit import record_audit


@pytest.fixture
def log(app):
    """An admin, a renamed unit, a role grant and 60 exports by a coordinator."""
    admin = f.make_admin()
    banner = f.make_unit("WS", "乌审旗")
    town = f.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    coordinator = f.make_coordinator(town)
    units.rename_unit(town, "嘎鲁图镇人民政府", UnitKind.TOWN, actor=admin)
    grants.grant_role(f.make_volunteer("乌云").user, Role.COORDINATOR, actor=admin, unit=town)
    for year in range(60):
        record_audit(coordinator, "compliance.export", town, format="xlsx", year=2000 + year)
    old = record_audit(admin, "unit.activate", town)
    old.created_at = datetime(2024, 3, 1, 2, tzinfo=UTC)
    db.session.commit()
    return {"admin": admin, "town": town, "coordinator": coordinator}


def test_entries_read_in_chinese_with_the_object_named_and_linked(client, login_as, log):
    login_as(log["admin"])
    page = client.get("/admin/audit", query_string={"action": "unit.rename"}).get_data(as_text=True)
    assert "修改单位" in page and ">unit.rename<" not in page
    assert f'href="/admin/units/{log["town"].id}">嘎鲁图镇人民政府</a>' in page
    assert "<del>嘎鲁图镇、town</del> → <ins>嘎鲁图镇人民政府、town</ins>" in page
    assert "\\u" not in page
    granted = client.get("/admin/audit", query_string={"action": "role.grant"}).get_data(
        as_text=True
    )
    assert "授予角色" in granted and "乌云" in granted


def test_filters_by_person_action_type_and_date_with_pages(client, login_as, log):
    login_as(log["admin"])
    by_person = {"actor": str(log["coordinator"].id)}
    page = client.get("/admin/audit", query_string=by_person).get_data(as_text=True)
    assert "60 条记录" in page and "第 1 / 2 页" in page
    second = client.get("/admin/audit", query_string={**by_person, "page": 2}).get_data(
        as_text=True
    )
    assert second.count('<tr data-action="compliance.export">') == 10
    dated = {"start": "2024-03-01", "end": "2024-03-01"}
    page = client.get("/admin/audit", query_string=dated).get_data(as_text=True)
    assert "1 条记录" in page and "重新启用单位" in page
    typed = client.get("/admin/audit", query_string={"target_type": "role_grants"})
    assert "3 条记录" in typed.get_data(as_text=True)  # the admin, the coordinator and 乌云


def test_bad_filters_are_ignored_with_a_message(client, login_as, log):
    login_as(log["admin"])
    for args in ({"actor": "abc"}, {"start": "99999-01-01"}, {"page": 2**63}):
        response = client.get("/admin/audit", query_string=args)
        assert response.status_code == 200, args
    # A NUL byte is refused before any view reads it (volunteer/bounds.py).
    assert client.get("/admin/audit", query_string={"action": "x\x00"}).status_code == 400


def test_the_export_holds_the_filtered_view_and_is_audited(client, login_as, log):
    login_as(log["admin"])
    args = {"actor": str(log["coordinator"].id)}
    response = client.get("/admin/audit/export.xlsx", query_string=args)
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 60 and {row[2] for row in rows} == {"导出达标情况"}
    assert isinstance(rows[0][0], datetime) and sheet.freeze_panes == "A2"
    exported = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "audit.export"))
    assert exported.details == {"rows": 60, "actor_id": log["coordinator"].id}


def test_only_admins_read_the_log(client, login_as, log):
    login_as(log["coordinator"])
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit/export.xlsx").status_code == 403


def test_who_offers_the_first_people_and_finds_the_others(client, login_as, log, monkeypatch):
    from volunteer.services import audit_view

    monkeypatch.setattr(audit_view, "ACTOR_CHOICES", 2)
    late = f.make_volunteer("龙飞")  # by name after the admin and the coordinator
    record_audit(late.user, "account.password_change", late.user)
    db.session.commit()
    login_as(log["admin"])
    page = client.get("/admin/audit").get_data(as_text=True)
    offered = page.split('name="actor"')[1].split("</select>")[0]
    assert offered.count("<option") == 3 and "龙飞" not in offered  # "everyone", then two
    assert "只列出按姓名排序的前 2 人" in page
    found = client.get("/admin/audit", query_string={"who": "龙飞"}).get_data(as_text=True)
    offered = found.split('name="actor"')[1].split("</select>")[0]
    assert f'value="{late.user.id}"' in offered and offered.count("<option") == 2
    chosen = client.get("/admin/audit", query_string={"actor": str(late.user.id)})
    page = chosen.get_data(as_text=True)
    assert "1 条记录" in page and "忽略" not in page  # kept though the list does not reach it
    assert f'<option selected value="{late.user.id}">' in page
