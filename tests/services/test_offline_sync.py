"""Scans an offline kiosk queued: applied once, clock-corrected, by the online rules; what the
rules refuse goes to the review queue with its reason, never dropped and never credited."""

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.certificate_support import this_year_moment
from volunteer.extensions import db
from volunteer.models import (
    ApiScope,
    OfflineOutcome,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    utcnow,
)
from volunteer.services import api_tokens, checkin, offline_sync, personal_codes, records
from volunteer.services.offline_sync import IN, OUT, Batch, QueuedScan

TWO_HOURS = timedelta(hours=2)


def server_now() -> datetime:
    """The server's "now" in these tests: 14:00 in Beijing yesterday, so every stay here (at
    most four hours back) lies inside one Beijing day whatever time the suite runs; near
    Beijing midnight the day split floored each part and a 60-minute stay credited 59."""
    return this_year_moment() + TWO_HOURS


def minutes(count: int) -> timedelta:
    return timedelta(minutes=count)


@pytest.fixture
def team(app):
    return factories.make_organization("嘎鲁图镇志愿服务队")


@pytest.fixture
def activity(team):
    # Started two hours ago, ends in two hours.
    return factories.make_activity(team, starts_at=server_now() - TWO_HOURS, hours=4)


@pytest.fixture
def token(team):
    organizer = factories.make_organizer(team)
    return api_tokens.create_personal_token(organizer, "kiosk", [ApiScope.KIOSK], utcnow()).token


@pytest.fixture
def volunteer(app):
    return factories.make_volunteer("巴特尔")


def _scan(activity, volunteer, direction, device_time, sequence=1, code=None) -> QueuedScan:
    return QueuedScan(
        client_id=uuid.uuid4().hex,
        sequence=sequence,
        activity_id=activity.id,
        code=code or checkin.personal_code_payload(volunteer),
        direction=direction,
        device_time=device_time,
    )


def _batch(scans, device_now, contact_offset=None) -> Batch:
    """A batch sent at device time `device_now`; the last contact saw the clock `contact_offset`
    behind the server's (None: no contact known)."""
    if contact_offset is None:
        return Batch("device-1", device_now, scans)
    server = server_now() - timedelta(hours=3)
    return Batch("device-1", device_now, scans, server - contact_offset, server)


def _in_and_out(activity, volunteer, came, left):
    return [_scan(activity, volunteer, IN, came, 1), _scan(activity, volunteer, OUT, left, 2)]


def test_a_check_in_and_out_made_offline_are_credited_as_online_with_source_offline_kiosk(
    activity, volunteer, token
):
    now = server_now()
    scans = _in_and_out(activity, volunteer, now - minutes(90), now - minutes(30))
    received = offline_sync.sync_batch(token, _batch(scans, now, timedelta(0)), now)
    assert [row.outcome for row in received] == [
        OfflineOutcome.CHECKED_IN,
        OfflineOutcome.CHECKED_OUT,
    ]
    record = received[1].record
    assert record.status == RecordStatus.APPROVED and record.credited_minutes == 60
    assert record.source == RecordSource.OFFLINE_KIOSK == record.check_out_source
    assert record.created_by_id == token.user_id


def test_a_replayed_batch_changes_nothing(activity, volunteer, token):
    now = server_now()
    scans = _in_and_out(activity, volunteer, now - minutes(90), now - minutes(30))
    first = offline_sync.sync_batch(token, _batch(scans, now), now)
    again = offline_sync.sync_batch(token, _batch(scans, now), now + timedelta(minutes=5))
    assert [row.id for row in again] == [row.id for row in first]
    count = db.session.scalar(select(func.count()).select_from(ServiceRecord))
    assert count == 1 and again[1].record.credited_minutes == 60


def test_a_device_clock_two_hours_slow_is_corrected(activity, volunteer, token):
    now = server_now()
    slow = now - TWO_HOURS  # the device reads 2 h earlier than the server, then and now
    scans = _in_and_out(activity, volunteer, slow - minutes(90), slow - minutes(30))
    received = offline_sync.sync_batch(token, _batch(scans, slow, TWO_HOURS), now)
    record = received[1].record
    assert record.status == RecordStatus.APPROVED and record.credited_minutes == 60
    assert abs(record.check_in_at - (now - timedelta(minutes=90))) < timedelta(seconds=1)
    assert received[0].device_time == slow - timedelta(minutes=90)


def test_a_clock_changed_while_offline_sends_the_scans_to_review(activity, volunteer, token):
    now = server_now()
    # At the last contact the clock was right; now it reads 2 h early.
    slow = now - TWO_HOURS
    scans = _in_and_out(activity, volunteer, slow - minutes(90), slow - minutes(30))
    received = offline_sync.sync_batch(token, _batch(scans, slow, timedelta(0)), now)
    assert {row.outcome for row in received} == {OfflineOutcome.REVIEW}
    assert "120" in received[0].reason
    pending = received[1].record
    assert pending.status == RecordStatus.PENDING and pending.credited_minutes == 0
    assert pending.check_out_at is not None and received[0].record is pending
    assert records.activity_queue_page(activity, None).items == [pending]


def test_a_scan_the_rules_refuse_goes_to_review_with_the_reason(team, volunteer, token):
    ended = factories.make_activity(team, starts_at=server_now() - timedelta(hours=8), hours=2)
    now = server_now()
    late = [_scan(ended, volunteer, IN, now - timedelta(minutes=20))]
    received = offline_sync.sync_batch(token, _batch(late, now), now)
    assert received[0].outcome == OfflineOutcome.REVIEW
    assert received[0].reason == "本活动签到已结束。"
    record = received[0].record
    assert (record.status, record.credited_minutes, record.check_out_at) == (
        RecordStatus.PENDING,
        0,
        None,
    )
    assert "本活动签到已结束" in record.note
    assert records.activity_queue_page(ended, None).items == [record]


def test_a_check_out_the_server_cannot_match_goes_to_review(activity, volunteer, token):
    now = server_now()
    lone = [_scan(activity, volunteer, OUT, now - timedelta(minutes=5))]
    received = offline_sync.sync_batch(token, _batch(lone, now), now)
    assert received[0].outcome == OfflineOutcome.REVIEW
    assert received[0].record.status == RecordStatus.PENDING
    assert checkin.open_record_of(volunteer) is None


def test_a_stolen_device_cannot_record_another_teams_activity(volunteer, token):
    other = factories.make_activity(factories.make_organization("图克镇志愿服务队"))
    now = server_now()
    received = offline_sync.sync_batch(token, _batch([_scan(other, volunteer, IN, now)], now), now)
    assert received[0].outcome == OfflineOutcome.REFUSED and received[0].record is None
    assert db.session.scalar(select(func.count()).select_from(ServiceRecord)) == 0


def test_a_forged_personal_code_is_refused(activity, volunteer, token):
    now = server_now()
    forged = f"WSV:{volunteer.volunteer_number}.{'0' * personal_codes.SIGNATURE_LENGTH}"
    scan = _scan(activity, volunteer, IN, now, code=forged)
    received = offline_sync.sync_batch(token, _batch([scan], now), now)
    assert received[0].outcome == OfflineOutcome.REFUSED


def test_personal_codes_are_signed_and_old_cards_still_work(volunteer):
    payload = personal_codes.payload(volunteer)
    assert payload.startswith(f"WSV:{volunteer.volunteer_number}.")
    assert personal_codes.volunteer_for(payload) is volunteer
    assert personal_codes.volunteer_for("WSV:" + volunteer.personal_code) is volunteer
    volunteer.personal_code = "a-new-secret-after-a-lost-card"
    assert personal_codes.volunteer_for(payload) is None


def test_a_revoked_tokens_batch_is_kept_as_refused(token):
    admin = factories.make_admin()
    api_tokens.revoke(token, admin, utcnow())
    refused = offline_sync.refuse_batch(token, "device-1", 7, utcnow())
    assert offline_sync.refused_batches() == [refused]
    assert (refused.reason, refused.scan_count) == ("revoked", 7)
