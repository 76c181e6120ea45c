"""Two approvals, or a scan's check-out and an approval, of one volunteer at the same moment,
on PostgreSQL: the volunteer's row lock makes them take turns, so the overlapping time is
credited once (the union), never twice (the sum)."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from tests import factories
from tests.certificate_support import this_year_moment
from volunteer.extensions import db
from volunteer.models import Activity, RecordSource, ServiceRecord, User, Volunteer, utcnow
from volunteer.services import checkin, ledger, records
from volunteer.services.errors import ServiceError

pytestmark = pytest.mark.postgres

ROUNDS = 8


def _racing(app, actions):
    """Run the actions at once, each in its own app context (session, connection)."""
    barrier = threading.Barrier(len(actions))

    def run(action):
        with app.app_context():
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=10)
            try:
                action()
                db.session.commit()
            except ServiceError:
                db.session.rollback()  # refused: nothing left to credit
            finally:
                db.session.remove()

    with ThreadPoolExecutor(len(actions)) as pool:
        list(pool.map(run, actions))


def _approve(record_id, organizer_id):
    def action():
        record = db.session.get(ServiceRecord, record_id)
        records.approve_claim(record, db.session.get(User, organizer_id), None, utcnow())

    return action


def _check_out(volunteer_id, activity_id, when):
    def action():
        volunteer = db.session.get(Volunteer, volunteer_id)
        checkin.scan(volunteer, db.session.get(Activity, activity_id), when, RecordSource.QR)

    return action


def test_two_approvals_of_the_same_morning_credit_it_once(app, postgres_only):
    team = factories.make_organization()
    organizer = factories.make_organizer(team)
    for _ in range(ROUNDS):
        activity = factories.make_activity(team, starts_at=this_year_moment(), hours=3)
        volunteer = factories.make_volunteer()
        start = activity.starts_at
        claims = [
            records.submit_claim(
                volunteer, activity, start, start + timedelta(minutes=m), "补录", utcnow()
            )
            for m in (120, 180)
        ]
        db.session.commit()
        _racing(app, [_approve(c.id, organizer.id) for c in claims])
        assert ledger.minutes_in(None, volunteer.id) == 180  # the union; the sum would be 300


def test_a_check_out_and_an_approval_at_once_credit_the_union(app, postgres_only):
    team = factories.make_organization()
    organizer = factories.make_organizer(team)
    for _ in range(ROUNDS):
        activity = factories.make_activity(team, starts_at=this_year_moment(), hours=4)
        volunteer = factories.make_volunteer()
        start = activity.starts_at
        checkin.scan(volunteer, activity, start, RecordSource.QR)
        claim = records.submit_claim(
            volunteer, activity, start, start + timedelta(minutes=90), "补录", utcnow()
        )
        db.session.commit()
        out_at = start + timedelta(minutes=100)
        check_out = _check_out(volunteer.id, activity.id, out_at)
        _racing(app, [check_out, _approve(claim.id, organizer.id)])
        assert ledger.minutes_in(None, volunteer.id) == 100  # the union; the sum would be 190
