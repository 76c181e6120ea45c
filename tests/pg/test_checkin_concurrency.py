"""Hundreds of volunteers scanning the same activity at the same moment, on PostgreSQL.

Each thread has its own app context (hence its own session and connection),
scans twice in quick succession (the second must be a no-op "already in"),
and later checks out. Afterwards every volunteer has exactly one record, none
lost, none duplicated, each crediting the right minutes.
"""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.certificate_support import this_year_moment
from volunteer.extensions import db
from volunteer.models import RecordSource, RecordStatus, ServiceRecord, Volunteer, utcnow
from volunteer.services import checkin, tokens
from volunteer.services.checkin import Outcome

pytestmark = pytest.mark.postgres

VOLUNTEERS = 200
THREADS = 40


def test_simultaneous_scans_make_exactly_one_record_each(app, postgres_only):
    team = factories.make_organization()
    # Noon in Beijing yesterday, not now: the 95-minute stay must not cross Beijing midnight
    # (each day's part is floored), whatever time the suite runs.
    check_in_at = this_year_moment()
    activity = factories.make_activity(team, starts_at=check_in_at - timedelta(minutes=20), hours=4)
    volunteer_ids = [factories.make_volunteer(f"志愿者{i}").id for i in range(VOLUNTEERS)]
    db.session.commit()
    activity_id = activity.id
    check_out_at = check_in_at + timedelta(minutes=95, seconds=30)
    barrier = threading.Barrier(THREADS)

    def scan(volunteer_id, when, code_time, wait):
        with app.app_context():
            if wait:
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait(timeout=10)
            volunteer = db.session.get(Volunteer, volunteer_id)
            target = db.session.get(type(activity), activity_id)
            step = tokens.step_at(code_time)
            result = checkin.scan_token(
                volunteer,
                activity_id,
                step,
                tokens.code_for(target, step),
                when,
                verified_at=code_time,
            )
            db.session.commit()
            outcome = result.outcome
            db.session.remove()
            return outcome

    def twice(volunteer_id, index):
        first = scan(volunteer_id, check_in_at, check_in_at, wait=index < THREADS)
        second = scan(volunteer_id, check_in_at + timedelta(seconds=2), check_in_at, wait=False)
        return first, second

    with ThreadPoolExecutor(THREADS) as pool:
        # Each volunteer's pair of scans also races with itself: submit both pairs' first scans
        # for a volunteer twice in parallel for a share of them.
        pairs = list(pool.map(twice, volunteer_ids, range(VOLUNTEERS)))
        racing = list(
            pool.map(
                lambda vid: scan(vid, check_in_at + timedelta(seconds=1), check_in_at, wait=False),
                volunteer_ids[:50],
            )
        )
    assert all(first == Outcome.CHECKED_IN for first, _second in pairs)
    assert all(second == Outcome.ALREADY_IN for _first, second in pairs)
    assert all(outcome == Outcome.ALREADY_IN for outcome in racing)

    with ThreadPoolExecutor(THREADS) as pool:
        outs = list(
            pool.map(lambda vid: scan(vid, check_out_at, check_out_at, wait=False), volunteer_ids)
        )
    assert all(outcome == Outcome.CHECKED_OUT for outcome in outs)

    db.session.expire_all()
    per_volunteer = dict(
        db.session.execute(
            select(ServiceRecord.volunteer_id, func.count(ServiceRecord.id)).group_by(
                ServiceRecord.volunteer_id
            )
        ).all()
    )
    assert set(per_volunteer) == set(volunteer_ids)
    assert set(per_volunteer.values()) == {1}
    minutes = set(db.session.scalars(select(ServiceRecord.credited_minutes)))
    statuses = set(db.session.scalars(select(ServiceRecord.status)))
    assert minutes == {95}
    assert statuses == {RecordStatus.APPROVED}


def test_the_same_volunteer_scanning_from_many_threads_opens_one_record(app, postgres_only):
    team = factories.make_organization()
    activity = factories.make_activity(team, starts_at=utcnow() - timedelta(minutes=20), hours=4)
    volunteer_id = factories.make_volunteer("快手").id
    db.session.commit()
    activity_id = activity.id
    now = utcnow()
    threads = 30
    barrier = threading.Barrier(threads)

    def scan(_):
        with app.app_context():
            barrier.wait(timeout=10)
            volunteer = db.session.get(Volunteer, volunteer_id)
            target = db.session.get(type(activity), activity_id)
            result = checkin.scan(volunteer, target, now, RecordSource.QR)
            db.session.commit()
            outcome, record_id = result.outcome, result.record.id
            db.session.remove()
            return outcome, record_id

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(scan, range(threads)))
    outcomes = [outcome for outcome, _id in results]
    assert outcomes.count(Outcome.CHECKED_IN) == 1
    assert outcomes.count(Outcome.ALREADY_IN) == threads - 1
    assert len({record_id for _outcome, record_id in results}) == 1
    assert db.session.scalar(select(func.count(ServiceRecord.id))) == 1
