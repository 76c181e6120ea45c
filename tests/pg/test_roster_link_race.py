"""A roster upload and the listed person's registration at the same moment, on PostgreSQL:
whichever links second waits for the other to commit, so the entry ends up linked
(without the wait, each misses the other's uncommitted row and the link stays empty)."""

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests import factories
from tests.roster_files import csv_bytes, person
from volunteer.extensions import db
from volunteer.models import RosterEntry, Unit, Volunteer
from volunteer.services import rosters

pytestmark = pytest.mark.postgres

MARCH = datetime(2025, 3, 10, 2, tzinfo=UTC)
# Long enough for the other thread to reach its link before the first one commits.
HOLD_SECONDS = 0.5


def _upload(unit_id, id_number):
    unit = db.session.get(Unit, unit_id)
    checked = rosters.check_roster(
        csv_bytes([person("巴特尔", id_number, factories.phone())]),
        "名册.csv",
        unit=unit,
        may_upload_for=lambda _unit: True,
    )
    rosters.apply_roster(checked, actor=None, now=MARCH)


def _register(_unit_id, id_number):
    factories.make_volunteer(name="巴特尔", id_number=id_number)


def _first_then_second(app, first, second, *args):
    """`first` links and holds its transaction open while `second` runs; then both commit."""
    linked = threading.Event()

    def run(action, before_commit):
        with app.app_context():
            try:
                action(*args)
                before_commit()
                db.session.commit()
            finally:
                db.session.remove()

    def hold():
        linked.set()
        time.sleep(HOLD_SECONDS)

    threads = [
        threading.Thread(target=run, args=(first, hold)),
        threading.Thread(target=lambda: linked.wait(10) and run(second, lambda: None)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)


@pytest.mark.parametrize(
    "first, second", [(_upload, _register), (_register, _upload)], ids=["upload", "register"]
)
def test_an_upload_and_a_registration_at_once_leave_the_entry_linked(
    app, postgres_only, first, second
):
    unit = factories.make_unit("WS", "乌审旗")
    id_number = factories.resident_id()
    db.session.commit()
    _first_then_second(app, first, second, unit.id, id_number)
    db.session.expire_all()
    volunteer_id = db.session.scalar(select(Volunteer.id).where(Volunteer.id_number == id_number))
    links = db.session.scalars(
        select(RosterEntry.volunteer_id).where(RosterEntry.unit_id == unit.id)
    )
    assert volunteer_id is not None
    assert list(links) == [volunteer_id]
