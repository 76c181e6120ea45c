"""The home page's figures: open record, totals, star progress, next activity, issuer check."""

from datetime import timedelta

from tests import factories
from tests.certificate_support import set_issuer
from volunteer.models import RecordStatus, utcnow
from volunteer.services import home


def test_star_progress_counts_down_to_the_next_threshold(app):
    assert home.star_progress(0) == home.StarProgress(0, 1, 100 * 60)
    assert home.star_progress(100 * 60 + 30) == home.StarProgress(1, 2, 200 * 60 - 30)
    assert home.star_progress(1500 * 60) == home.StarProgress(5, None, 0)


def test_volunteer_home_gathers_open_record_totals_and_next_signup(app):
    team = factories.make_organization()
    now = utcnow()
    running = factories.make_activity(team, starts_at=now - timedelta(hours=1), title="正在进行")
    past = factories.make_activity(team, starts_at=now - timedelta(days=2), title="已结束")
    later = factories.make_activity(team, starts_at=now + timedelta(days=3), title="后天")
    soon = factories.make_activity(team, starts_at=now + timedelta(days=1), title="明天")
    volunteer = factories.make_volunteer()
    factories.make_record(volunteer, past, minutes=90, check_in_at=past.starts_at)
    open_record = factories.make_record(
        volunteer, running, minutes=0, status=RecordStatus.OPEN, check_in_at=now
    )
    for activity in (past, later, soon):
        factories.make_signup(volunteer, activity)
    mine = home.volunteer_home(volunteer, now)
    assert mine.open_record == open_record
    assert mine.all_minutes == 90
    assert mine.next_signup == soon
    assert mine.progress.minutes_to_next == 100 * 60 - 90


def test_certificates_are_available_once_the_issuer_is_complete(app):
    assert not home.certificates_available()
    set_issuer()
    assert home.certificates_available()
