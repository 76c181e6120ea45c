"""The registration page: no default political status, birth date and gender for documents
that do not state them, residence permits, and tampered ID types."""

from datetime import date

from sqlalchemy import func, select

from tests import factories
from tests.web.test_auth import form
from volunteer.extensions import db
from volunteer.models import Gender, IdType, PoliticalStatus, Volunteer
from volunteer.services import identity


def volunteer_count() -> int:
    return db.session.scalar(select(func.count(Volunteer.id)))


def test_the_political_status_starts_at_please_choose_and_must_be_chosen(client):
    page = client.get("/auth/register").get_data(as_text=True)
    assert '<option selected value="">请选择</option>' in page
    response = client.post("/auth/register", data=form(political_status=""))
    assert response.status_code == 200
    assert "请选择政治面貌。" in response.get_data(as_text=True)
    assert volunteer_count() == 0


def test_an_unknown_id_type_is_a_form_error_not_a_crash(client):
    response = client.post("/auth/register", data=form(id_type="military_card"))
    assert response.status_code == 200
    assert volunteer_count() == 0


def test_a_passport_registration_asks_for_birth_date_and_gender(client):
    passport = form(id_type="passport", id_number="E98765432", political_status="13")
    response = client.post("/auth/register", data=passport)
    assert response.status_code == 200
    assert "请输入出生日期。" in response.get_data(as_text=True)
    response = client.post(
        "/auth/register", data={**passport, "birth_date": "1987-04-05", "gender": "female"}
    )
    assert response.status_code == 302
    volunteer = db.session.scalar(select(Volunteer))
    assert (volunteer.birth_date, volunteer.gender) == (date(1987, 4, 5), Gender.FEMALE)
    assert volunteer.political_status == PoliticalStatus.MASSES


def test_a_residence_permit_registers_as_its_own_type(client):
    number = identity.make_hmt_residence_id("830000", date(1993, 9, 9), 222)
    permit = form(id_type="hmt_residence", id_number=number, phone=factories.phone())
    response = client.post("/auth/register", data=permit)
    assert response.status_code == 302
    volunteer = db.session.scalar(select(Volunteer))
    assert volunteer.id_type == IdType.HMT_RESIDENCE
    assert volunteer.birth_date == date(1993, 9, 9)
