"""The scan's locking read stays two index ranges however long a volunteer's history is, and
takes the volunteer's row lock a check-out's credit needs."""

from datetime import timedelta

import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.exc import OperationalError

from tests import factories
from volunteer.extensions import db
from volunteer.models import RecordSource, RecordStatus, ServiceRecord, Volunteer, utcnow
from volunteer.services import checkin, tokens

pytestmark = pytest.mark.postgres


def _scan(way: str, activity, volunteer) -> None:
    """A scan's locking read: by the volunteer (scan_token: the API, the typed code), or by the
    account a session names (the scan URL's user loader)."""
    now = utcnow()
    if way == "signed-in":
        user = volunteer.user
        checkin.scanner_and_target(user.id, user.session_version, activity.id, now)
    elif way == "qr":
        step = tokens.step_at(now)
        checkin.scan_token(volunteer, activity.id, step, tokens.code_for(activity, step), now)
    else:
        checkin.scan(volunteer, activity, now, RecordSource.KIOSK)


def _locking_read_of_a_scan(way: str, activity, volunteer) -> tuple[str, dict]:
    """The statement (and its parameters) a real scan sends to lock the volunteer's records."""
    seen: list[tuple[str, dict]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        if "FOR UPDATE" in statement and "FROM service_records" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        _scan(way, activity, volunteer)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert len(seen) == 1
    return seen[0]


@pytest.mark.parametrize("way", ["qr", "signed-in"])
def test_the_lock_reads_the_open_record_and_recent_check_outs_by_index(app, postgres_only, way):
    team = factories.make_organization()
    past = factories.make_activity(team, starts_at=utcnow() - timedelta(days=400), hours=2)
    here = factories.make_activity(team, starts_at=utcnow() - timedelta(minutes=20), hours=4)
    volunteer = factories.make_volunteer()
    db.session.execute(
        insert(ServiceRecord),
        [
            {
                "volunteer_id": volunteer.id,
                "activity_id": past.id,
                "check_in_at": past.starts_at + timedelta(hours=day),
                "check_out_at": past.starts_at + timedelta(hours=day, minutes=30),
                "credited_minutes": 30,
                "source": RecordSource.QR,
                "status": RecordStatus.APPROVED,
            }
            for day in range(2000)
        ],
    )
    statement, parameters = _locking_read_of_a_scan(way, here, volunteer)

    connection = db.session.connection()
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
    )
    # Both arms of the OR are index conditions; no index scan filters the whole history.
    assert "uq_service_records_one_open_per_volunteer" in plan, plan
    assert "ix_service_records_volunteer_out" in plan, plan
    db.session.rollback()


def _volunteer_row_is_locked(volunteer_id: int) -> bool:
    """Whether another transaction holds the volunteer's row lock (the ledger's FOR UPDATE; FOR
    NO KEY UPDATE does not wait for the key-share lock an insert of their record takes)."""
    locking = select(Volunteer.id).where(Volunteer.id == volunteer_id)
    with db.engine.connect() as other:
        try:
            other.execute(locking.with_for_update(nowait=True, key_share=True))
        except OperationalError:
            return True
        finally:
            other.rollback()
    return False


@pytest.mark.parametrize("way", ["qr", "signed-in", "kiosk"])
def test_the_scans_locking_read_takes_the_ledgers_lock_on_the_volunteer(app, postgres_only, way):
    """A check-out plans its credit without locking again: the state read took the lock."""
    team = factories.make_organization()
    activity = factories.make_activity(team, starts_at=utcnow() - timedelta(minutes=20), hours=4)
    volunteer = factories.make_volunteer()
    db.session.commit()
    assert not _volunteer_row_is_locked(volunteer.id)
    _scan(way, activity, volunteer)
    assert _volunteer_row_is_locked(volunteer.id)
    db.session.rollback()
    assert not _volunteer_row_is_locked(volunteer.id)
