"""Forgotten passwords: who may issue a reset code, and what a code may do."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from tests import factories
from volunteer.extensions import db
from volunteer.models import AuditEntry, PasswordReset, utcnow
from volunteer.services import password_resets, sms
from volunteer.services.errors import PermissionDenied, ServiceError


@pytest.fixture
def tree(app):
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", parent=banner)
    other = factories.make_unit("WS-TK", "图克镇", parent=banner)
    return {
        "town": town,
        "other": other,
        "coordinator": factories.make_coordinator(town),
        "admin": factories.make_admin(),
    }


def test_a_coordinator_may_reset_people_registered_under_or_on_a_roster_of_their_units(tree):
    under_unit = factories.make_volunteer("注册在镇", unit=tree["town"]).user
    on_roster = factories.make_volunteer("在册人员", unit=tree["other"])
    factories.make_roster_entry(tree["town"], on_roster)
    elsewhere = factories.make_volunteer("外单位", unit=tree["other"]).user
    coordinator = tree["coordinator"]
    assert password_resets.may_reset_password(coordinator, under_unit)
    assert password_resets.may_reset_password(coordinator, on_roster.user)
    assert not password_resets.may_reset_password(coordinator, elsewhere)
    assert password_resets.may_reset_password(tree["admin"], elsewhere)
    with pytest.raises(PermissionDenied):
        password_resets.issue_reset(elsewhere, coordinator, utcnow())


def test_a_plain_volunteer_may_reset_nobody(tree):
    person = factories.make_volunteer("某人", unit=tree["town"]).user
    stranger = factories.make_volunteer("旁人").user
    assert not password_resets.may_reset_password(stranger, person)


def test_a_code_is_stored_hashed_audited_and_good_once(tree):
    person = factories.make_volunteer("忘密码", unit=tree["town"]).user
    now = utcnow()
    issued = password_resets.issue_reset(person, tree["coordinator"], now)
    assert len(issued.code) == password_resets.CODE_LENGTH
    assert issued.code not in issued.reset.code_hash
    assert issued.reset.expires_at == now + timedelta(hours=24)
    typed = issued.code.lower()[:4] + "-" + issued.code[4:]  # as a person might type it
    assert password_resets.redeem_reset(typed, "new-secret-1", now) is person
    assert check_password_hash(person.password_hash, "new-secret-1")
    with pytest.raises(ServiceError):
        password_resets.redeem_reset(issued.code, "another-one-2", now)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_id == person.id))
    assert {"account.password_reset_issue", "account.password_reset_use"} <= set(actions)


def test_an_expired_code_is_refused(tree):
    person = factories.make_volunteer("过期", unit=tree["town"]).user
    issued = password_resets.issue_reset(person, tree["admin"], utcnow() - timedelta(hours=25))
    with pytest.raises(ServiceError, match="过期"):
        password_resets.redeem_reset(issued.code, "new-secret-1", utcnow())


def test_a_new_code_retires_the_older_one(tree):
    person = factories.make_volunteer("两次", unit=tree["town"]).user
    first = password_resets.issue_reset(person, tree["admin"], utcnow())
    second = password_resets.issue_reset(person, tree["admin"], utcnow())
    assert password_resets.find_usable(first.code, utcnow()) is None
    assert password_resets.find_usable(second.code, utcnow()) is second.reset
    assert len(db.session.scalars(select(PasswordReset)).all()) == 2


def test_people_for_reset_lists_only_the_actor_s_scope(tree):
    mine = factories.make_volunteer("本镇志愿者", unit=tree["town"]).user
    factories.make_volunteer("外镇志愿者", unit=tree["other"])
    found = password_resets.people_for_reset(tree["coordinator"], "志愿者")
    assert found == [mine]
    assert password_resets.people_for_reset(tree["coordinator"], mine.phone) == [mine]


def test_the_sms_hook_is_off_by_default_and_calls_the_configured_sender(app):
    assert sms.send_reset_code("13800000000", "ABC", "http://x/r") is False
    sent = []
    app.config.update(SMS_ENABLED=True, SMS_SENDER=lambda phone, text: sent.append((phone, text)))
    assert sms.send_reset_code("13800000000", "ABCDEF", "http://x/r") is True
    assert sent[0][0] == "13800000000" and "ABCDEF" in sent[0][1]
    app.config["SMS_SENDER"] = None
    with pytest.raises(sms.SmsNotConfigured):
        sms.send_reset_code("13800000000", "ABC", "http://x/r")
