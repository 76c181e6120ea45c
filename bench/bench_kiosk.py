"""The organizer's kiosk at a crowded activity: the kiosk page, which every kiosk scan renders
again, and what an offline kiosk reads to learn who is checked in (kiosk/present.json, page by
page).

Builds a scratch SQLite database with --present volunteers checked in at one activity and prints
the kiosk page's HTML size and time, then the pages of present.json: their number, total size
and time. Province scale is an activity of several thousand (issue 15: no page over 200 KB).

    .venv/bin/python bench/bench_kiosk.py --present 10000

Prints figures; asserts nothing.
"""

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_unit_picker import fetch, scratch_app  # noqa: E402

from tests import factories  # noqa: E402
from tests.conftest import login  # noqa: E402
from volunteer.extensions import db  # noqa: E402
from volunteer.models import (  # noqa: E402
    RecordSource,
    RecordStatus,
    ServiceRecord,
    User,
    Volunteer,
    utcnow,
)

FIRST_ID = 1_000_000  # the crowd's users and profiles, clear of the factories' ids


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--present", type=int, default=10_000)
    args = parser.parse_args(argv)
    with scratch_app() as app:
        team = factories.make_organization("嘎鲁图镇志愿服务队")
        activity = factories.make_activity(team, starts_at=utcnow() - timedelta(hours=1))
        organizer = factories.make_organizer(team)
        _check_in_a_crowd(activity.id, args.present, factories.make_volunteer("样本"))
        db.session.commit()
        client = app.test_client()
        login(client, organizer)
        print(f"{args.present} checked in at one activity, signed in as its organizer")
        fetch(client, f"/checkin/activities/{activity.id}/kiosk")
        _learn_present(client, f"/checkin/activities/{activity.id}/kiosk/present.json")


def _check_in_a_crowd(activity_id: int, count: int, sample: Volunteer) -> None:
    """`count` volunteers like `sample` (numbers and codes of their own), each checked in."""
    now = utcnow()
    profile = {
        column.key: getattr(sample, column.key)
        for column in Volunteer.__table__.columns
        if column.key not in ("id", "user_id", "id_number", "volunteer_number", "personal_code")
    }
    ids = range(FIRST_ID, FIRST_ID + count)
    db.session.execute(
        insert(User),
        [
            {"id": n, "phone": f"136{n:08d}", "name": f"志愿者{n}", "password_hash": "-"}
            for n in ids
        ],
    )
    db.session.execute(
        insert(Volunteer),
        [
            dict(
                profile,
                id=n,
                user_id=n,
                id_number=f"B{n:017d}",
                volunteer_number=f"V{n}",
                personal_code=f"bench-{n}",
            )
            for n in ids
        ],
    )
    db.session.execute(
        insert(ServiceRecord),
        [
            {
                "volunteer_id": n,
                "activity_id": activity_id,
                "check_in_at": now - timedelta(minutes=30),
                "source": RecordSource.QR,
                "status": RecordStatus.OPEN,
            }
            for n in ids
        ],
    )


def _learn_present(client, url: str) -> None:
    """Read every page of present.json as the kiosk's script does; print pages, size, time."""
    started = time.perf_counter()
    pages, size, learned, page = 0, 0, 0, url
    while page is not None:
        response = client.get(page)
        if response.status_code != 200:  # a tree from before present.json (to compare)
            print(f"{url:<32} {response.status_code}")
            return
        body = response.get_json()
        pages, size, learned = pages + 1, size + len(response.data), learned + len(body["present"])
        page = None if body["next"] is None else f"{url}?after={body['next']}"
    elapsed = (time.perf_counter() - started) * 1000
    print(
        f"{'present.json, all pages':<32} {pages} pages {size / 1024:8.1f} KB  {elapsed:6.0f} ms"
        f"  ({learned} people)"
    )


if __name__ == "__main__":
    main()
