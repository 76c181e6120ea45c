"""Serial numbers stay unique when many people issue certificates at the same moment."""

import threading
import time

import pytest
from sqlalchemy import select

from tests import certificate_support as support
from tests import factories
from volunteer.extensions import db
from volunteer.models import Certificate, Volunteer
from volunteer.services import certificates, periods

pytestmark = pytest.mark.postgres
ISSUERS = 8


def test_concurrent_issuers_get_distinct_consecutive_serials(app, postgres_only):
    support.set_issuer()
    team = factories.make_organization()
    activity = factories.make_activity(team, starts_at=support.this_year_moment())
    ids = []
    for number in range(ISSUERS):
        volunteer = factories.make_volunteer(f"并发{number}")
        factories.make_record(volunteer, activity, 60 + number)
        ids.append(volunteer.id)
    db.session.commit()

    start = threading.Barrier(ISSUERS)
    serials: list[str] = []
    errors: list[BaseException] = []

    def issue(volunteer_id: int) -> None:
        with app.app_context():
            try:
                volunteer = db.session.get(Volunteer, volunteer_id)
                start.wait()
                certificate = certificates.issue_certificate(volunteer, periods.this_year(), None)
                # Hold the transaction open so the others collide on the same number.
                time.sleep(0.2)
                db.session.commit()
                serials.append(certificate.serial)
            except BaseException as error:  # reported to the test thread below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=issue, args=(vid,)) for vid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert len(serials) == ISSUERS
    assert len(set(serials)) == ISSUERS
    year = periods.local_today().year
    assert sorted(serials) == [f"WSZM{year}{n:06d}" for n in range(1, ISSUERS + 1)]
    stored = db.session.scalars(select(Certificate.serial)).all()
    assert sorted(stored) == sorted(serials)
