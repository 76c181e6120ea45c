"""The view ritual helper: commit on success, roll back and show the error otherwise."""

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from volunteer.actions import service_action
from volunteer.extensions import db
from volunteer.models import Unit
from volunteer.services.errors import ServiceError

from .. import factories


class NameForm(FlaskForm):
    name = StringField()


@pytest.fixture
def request_context(app):
    app.config["WTF_CSRF_ENABLED"] = False
    with app.test_request_context("/", method="POST"):
        yield


def test_success_commits_and_flashes(request_context):
    with service_action(success="saved") as outcome:
        factories.make_unit(name="Committed unit")
    db.session.rollback()  # nothing left to roll back: the helper committed
    assert outcome.ok and outcome.error is None
    assert db.session.scalar(select(Unit).where(Unit.name == "Committed unit")) is not None
    assert get_flashed_messages(with_categories=True) == [("success", "saved")]


def test_error_rolls_back_and_lands_under_the_named_field(request_context):
    form = NameForm()
    with service_action(form, success="saved") as outcome:
        factories.make_unit(name="Half-written unit")
        raise ServiceError("name taken", "name")
    assert not outcome.ok and outcome.error.message == "name taken"
    assert db.session.scalar(select(Unit).where(Unit.name == "Half-written unit")) is None
    assert form.name.errors == ["name taken"]
    assert get_flashed_messages() == []


def test_error_without_a_matching_field_is_flashed(request_context):
    with service_action(NameForm()) as outcome:
        raise ServiceError("not now", "no_such_field")
    assert not outcome.ok
    assert get_flashed_messages(with_categories=True) == [("danger", "not now")]


def test_other_exceptions_propagate(request_context):
    with pytest.raises(ZeroDivisionError), service_action():
        _ = 1 / 0


def test_an_error_the_view_shows_itself_is_neither_flashed_nor_placed(request_context):
    form = NameForm()
    with service_action(form, show_error=False) as outcome:
        factories.make_unit(name="Refused unit")
        raise ServiceError("refused", "name")
    assert outcome.error.message == "refused"
    assert db.session.scalar(select(Unit).where(Unit.name == "Refused unit")) is None
    assert form.name.errors == () and get_flashed_messages() == []


def test_an_error_naming_a_field_the_form_lacks_lands_under_the_default_field(request_context):
    form = NameForm()
    with service_action(form, default_field="name") as outcome:
        raise ServiceError("pick another activity", "activity")
    assert not outcome.ok
    assert form.name.errors == ["pick another activity"]
    assert get_flashed_messages() == []
