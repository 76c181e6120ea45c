"""No input makes the server fail: every route of the URL map, as every role, gets each GET
and POST with every form and query field (and every path part) set to a malformed value
(NUL bytes, huge, negative, non-numeric, far dates, non-ASCII digits, nan), and answers
below 500 every time. CSRF is off in the test configuration, so the values reach the forms.

Field names come from the forms of the pages themselves plus the query parameters the
views read, so a new form is covered without touching this test.
"""

import re
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import pytest

from tests import certificate_support as support
from tests import factories
from tests.conftest import IsolatedClient, login
from volunteer.extensions import db
from volunteer.models import PoliticalStatus, UnitKind, utcnow
from volunteer.services import api_tokens, certificates, periods, tokens

MALFORMED = ["\x00", str(2**63), "-1", "nan", "0001-01-01", "9999-12-31", "9999", "１２３４５６"]
# A path part that is not what the route expects (an int converter never matches these).
MALFORMED_PATH_PARTS = ["%00", quote("１２３４５６"), str(2**63), "x" * 300]
# Query parameters views read from request.args (pages without a form for them).
QUERY_NAMES = {
    "activity_id",
    "category",
    "date_from",
    "date_to",
    "desc",
    "end",
    "full",
    "inline",
    "kind",
    "lang",
    "next",
    "organization_id",
    "page",
    "page_size",
    "period",
    "phone",
    "q",
    "reveal",
    "size",
    "sort",
    "start",
    "status",
    "year",
}
# Form fields a page shows only after a send: the work unit picker's radio choices.
SHOWN_AFTER_A_SEND = {"unit_id-pick"}
SKIPPED_ENDPOINTS = {
    "static",
    "bootstrap.static",
    "auth.logout",  # would end the session the walk goes on with (tests/web/test_sessions.py)
    "admin.sign_out_everywhere",  # likewise
}
FIELD_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"")


@dataclass
class Walk:
    """What the walk found wrong, and how much it sent."""

    failures: list[str]
    requests: int = 0
    role: str = ""

    def fail(self, method: str, url: str, fields: dict, what: str) -> None:
        self.failures.append(f"{self.role}: {method} {url} {_shown(fields)}: {what}"[:300])


@pytest.fixture
def site(app):
    """One of everything a URL can name, and a person for each role."""
    support.set_issuer()
    # The work unit picker's fields (a large tree's), not the small tree's select: the select
    # takes only ids, and tests/web/test_work_unit_picker.py sends it odd ones.
    app.config["WORK_UNIT_SELECT_LIMIT"] = 0
    banner = factories.make_unit("WS", "乌审旗")
    town = factories.make_unit("WS-GLT", "嘎鲁图镇", banner, UnitKind.TOWN)
    team = factories.make_organization("嘎鲁图镇志愿服务队", town)
    party = PoliticalStatus.CPC_MEMBER
    volunteer = factories.make_volunteer("其木格", town, political_status=party)
    past = factories.make_activity(team, starts_at=support.this_year_moment(), title="清扫街道")
    record = factories.make_record(volunteer, past, 150)
    activity = factories.make_activity(team, starts_at=utcnow() - timedelta(minutes=10))
    factories.make_signup(volunteer, activity)
    factories.make_roster_entry(town, volunteer)
    certificate = certificates.issue_certificate(volunteer, periods.this_year(), None)
    organizer = factories.make_organizer(team)
    people = {
        "anonymous": None,
        "volunteer": volunteer.user,
        "organizer": organizer,
        "coordinator": factories.make_coordinator(town),
        "admin": factories.make_admin(),
    }
    token = tokens.current_token(activity, utcnow())
    own_token = api_tokens.issue_sign_in_token(volunteer.user, "walk", utcnow())
    path_values = {
        "activity_id": activity.id,
        "record_id": record.id,
        "unit_id": town.id,
        "certificate_id": certificate.id,
        "volunteer_id": volunteer.id,
        "organization_id": team.id,
        "grant_id": organizer.grants[0].id,
        "user_id": volunteer.user.id,
        "token_id": own_token.token.id,
        "step": token.step,
        "code": token.code,
        "serial": certificate.serial,
        "mode": "large",
    }
    db.session.commit()
    return people, path_values


def _path(rule, values: dict, malformed: str | None = None) -> str:
    """The rule's URL with real values, or with `malformed` in every path part."""

    def part(match: re.Match) -> str:
        name = match.group(1).split(":")[-1]
        return malformed if malformed is not None else quote(str(values.get(name, 1)))

    return re.sub(r"<([^>]+)>", part, rule.rule)


def _methods(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def _field_names(client, app, values: dict) -> set[str]:
    """Every form field name on every page a GET shows this client."""
    names = set(QUERY_NAMES) | SHOWN_AFTER_A_SEND
    for rule in _walked_rules(app):
        if "GET" in rule.methods and not rule.rule.startswith("/api/"):
            response = client.get(_path(rule, values))
            if response.mimetype == "text/html":
                names.update(FIELD_NAME.findall(response.get_data(as_text=True)))
    names.discard("csrf_token")
    return names


def _walked_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in SKIPPED_ENDPOINTS]


def _send(client, walk: Walk, method: str, url: str, fields: dict, headers: dict) -> int:
    walk.requests += 1
    kwargs = {"query_string": fields} if method in ("GET", "DELETE") else {"data": fields}
    if url.startswith("/api/") and method not in ("GET", "DELETE"):
        kwargs = {"json": fields}
    try:
        status = client.open(url, method=method, headers=headers, **kwargs).status_code
    except Exception as error:
        status = 500
        walk.fail(method, url, fields, repr(error))
        return status
    if status >= 500:
        walk.fail(method, url, fields, f"HTTP {status}")
    return status


def _shown(fields: dict) -> str:
    value = next(iter(fields.values()), "")
    return f"(every field = {value!r})" if fields else ""


def _walk_route(client, walk: Walk, rule, names: set[str], values: dict, headers: dict) -> None:
    url = _path(rule, values)
    for method in _methods(rule):
        plain = _send(client, walk, method, url, {}, headers)
        # Refused before any input is read (sign in first, not allowed): one malformed try.
        tries = MALFORMED[:1] if plain in (302, 401, 403) else MALFORMED
        for value in tries:
            _send(client, walk, method, url, dict.fromkeys(names, value), headers)
        if rule.arguments:
            for part in MALFORMED_PATH_PARTS:
                _send(client, walk, method, _path(rule, values, part), {}, headers)


def _bearer(user) -> dict:
    if user is None:
        return {}
    issued = api_tokens.issue_sign_in_token(user, "walk", utcnow())
    db.session.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


def test_no_input_from_any_role_gets_a_server_error(app, site):
    people, values = site
    walk, started = Walk(failures=[]), time.process_time()
    for role, person in people.items():
        walk.role = role
        app.test_client_class = IsolatedClient
        client = app.test_client()
        if person is not None:
            login(client, person)
        headers = _bearer(person)
        names = _field_names(client, app, values)
        for rule in _walked_rules(app):
            _walk_route(client, walk, rule, names, values, headers if "/api/" in rule.rule else {})
    elapsed = time.process_time() - started
    print(f"{walk.requests} requests in {elapsed:.0f} CPU seconds")
    assert walk.requests > 2000
    assert walk.failures == [], f"{len(walk.failures)} failures:\n" + "\n".join(walk.failures)
