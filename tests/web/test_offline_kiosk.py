"""What the organizer sees of offline kiosk scans: the review queue with the reason, and the
record's source."""

import uuid
from datetime import timedelta

from tests import factories
from volunteer.extensions import db
from volunteer.models import ApiScope, utcnow
from volunteer.services import api_tokens, checkin, offline_sync
from volunteer.services.offline_sync import IN, Batch, QueuedScan


def test_an_offline_scan_the_rules_refused_waits_in_the_review_queue_with_its_reason(
    client, login_as
):
    team = factories.make_organization("嘎鲁图镇志愿服务队")
    ended = factories.make_activity(team, starts_at=utcnow() - timedelta(hours=8), hours=2)
    organizer = factories.make_organizer(team)
    volunteer = factories.make_volunteer("巴特尔")
    token = api_tokens.create_personal_token(organizer, "kiosk", [ApiScope.KIOSK], utcnow()).token
    now = utcnow()
    scan = QueuedScan(
        uuid.uuid4().hex, 1, ended.id, checkin.personal_code_payload(volunteer), IN, now
    )
    received = offline_sync.sync_batch(token, Batch("device-1", now, [scan]), now)
    db.session.commit()
    login_as(organizer)
    queue = client.get("/records/review").get_data(as_text=True)
    assert "巴特尔" in queue and "离线代签终端" in queue and "本活动签到已结束" in queue
    record = client.get(f"/records/{received[0].record_id}").get_data(as_text=True)
    assert "离线代签终端" in record
