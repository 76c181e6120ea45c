"""The organization on the activity, project and national-export forms, for an admin of many
teams: the page as a select of every organization against the search picker, and the search.

Builds a scratch SQLite database with --organizations organizations (named by town and kind,
as a league's are) and one admin, and prints each form page's HTML size and time twice: with
ORGANIZATION_SELECT_LIMIT above the count (the select every option; what the pages were before
the picker) and at its default (the picker), then the time of organization searches. Province
scale is 2,000 organizations (issue 15: no page over 200 KB, no request over 2 s).

    .venv/bin/python bench/bench_organization_picker.py --organizations 2000

Prints figures; asserts nothing.
"""

import argparse
import sys
from pathlib import Path

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_unit_picker import fetch, scratch_app  # noqa: E402

from tests import factories  # noqa: E402
from tests.conftest import login  # noqa: E402
from volunteer.extensions import db  # noqa: E402
from volunteer.models import Organization  # noqa: E402

PAGES = ("/activities/new", "/network/projects/new", "/national-export/")
KINDS = ("志愿服务队", "青年志愿服务队", "巾帼志愿服务队", "党员先锋队", "文明实践服务队")
SEARCHES = ("青年", "第12镇", "第345镇党员", "服务队")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, default=2_000)
    args = parser.parse_args(argv)
    with scratch_app() as app:
        rows = [
            {"name": f"第{n // len(KINDS)}镇{KINDS[n % len(KINDS)]}"}
            for n in range(args.organizations)
        ]
        db.session.execute(insert(Organization), rows)
        admin = factories.make_admin()
        db.session.commit()
        client = app.test_client()
        login(client, admin)
        print(f"{args.organizations} organizations, signed in as an admin")
        default = app.config["ORGANIZATION_SELECT_LIMIT"]
        for limit, what in ((args.organizations, "a select"), (default, "the picker")):
            app.config["ORGANIZATION_SELECT_LIMIT"] = limit
            print(f"-- ORGANIZATION_SELECT_LIMIT {limit}: {what}")
            for page in PAGES:
                fetch(client, page)
        print("-- searches")
        for text in SEARCHES:
            fetch(client, f"/activities/organizations.json?q={text}")


if __name__ == "__main__":
    main()
