"""Fixtures for the JSON API: a small world with every role, and bearer tokens for them."""

from datetime import timedelta

import pytest

from tests import factories
from tests.certificate_support import set_issuer, this_year_moment
from volunteer.extensions import db
from volunteer.models import ApiScope, RecordSource, RecordStatus, ServiceRecord, utcnow
from volunteer.services import api_tokens, certificates, periods


@pytest.fixture
def world(app):
    """Two towns, two teams, a running activity, a pending claim and one person per role."""
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner)
    sibling = factories.make_unit("WS-TK", "图克镇", banner)
    team = factories.make_organization("嘎鲁图镇志愿服务队", town)
    other_team = factories.make_organization("图克镇志愿服务队", sibling)
    activity = factories.make_activity(team, starts_at=utcnow() - timedelta(hours=1), hours=3)
    people = {
        "admin": factories.make_admin(),
        "coordinator": factories.make_coordinator(town, "钱协调"),
        "other_coordinator": factories.make_coordinator(sibling, "孙协调"),
        "organizer": factories.make_organizer(team, "赵组织"),
        "other_organizer": factories.make_organizer(other_team, "周组织"),
        "volunteer": factories.make_volunteer("巴特尔", unit=town).user,
        "staff": factories.make_staff("无档案"),
    }
    volunteer = people["volunteer"].volunteer
    factories.make_roster_entry(town, volunteer)
    factories.make_roster_entry(town, name="未注册", id_number=factories.resident_id())
    past = factories.make_activity(team, starts_at=this_year_moment(2), hours=2)
    factories.make_record(volunteer, past, minutes=90)
    claim = ServiceRecord(
        volunteer=volunteer,
        activity=past,
        # The half hour after the 90 credited minutes: a claim never credits a minute twice.
        check_in_at=past.starts_at + timedelta(minutes=90),
        check_out_at=past.starts_at + timedelta(minutes=120),
        credited_minutes=0,
        source=RecordSource.CLAIM,
        status=RecordStatus.PENDING,
    )
    db.session.add(claim)
    set_issuer(people["admin"])
    certificate = certificates.issue_certificate(
        volunteer, periods.this_year(), people["volunteer"]
    )
    db.session.commit()
    return {
        "units": {"banner": banner, "town": town, "sibling": sibling},
        "activity": activity,
        "past": past,
        "claim": claim,
        "certificate": certificate,
        **people,
    }


def bearer(user, scopes: list[ApiScope] | None = None) -> dict:
    """Authorization headers with a fresh token of `user` (personal, with `scopes`, if given)."""
    if scopes:
        issued = api_tokens.create_personal_token(user, "测试服务器", scopes, utcnow())
    else:
        issued = api_tokens.issue_sign_in_token(user, "测试", utcnow())
    db.session.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture
def as_role(world):
    """`as_role("organizer")`: headers with a sign-in token of that person (None: anonymous)."""

    def headers(role: str | None) -> dict:
        return {} if role is None else bearer(world[role])

    return headers
