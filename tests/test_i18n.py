"""The interface is Chinese by default: every UI string has a Simplified Chinese translation."""

import html
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.certificate_support import set_issuer
from volunteer.extensions import db
from volunteer.services import accounts, activities, certificates, demo, periods, records

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "volunteer" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHOD_MAP = [("volunteer/**.py", "python"), ("templates/**.html", "jinja2")]


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHOD_MAP, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_ui_string_has_a_chinese_translation():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and m.string and not m.fuzzy
    }
    missing = sorted(_source_messages() - translated)
    assert not missing, "run `make extract-messages` and translate in zh_Hans_CN:\n" + "\n".join(
        missing
    )


def test_pages_are_chinese_by_default_and_english_on_request(client):
    assert "注册成为志愿者" in client.get("/").get_data(as_text=True)
    client.get("/lang/en")
    assert "Register as a volunteer" in client.get("/").get_data(as_text=True)


# ---- every page, as each role, in Chinese: no msgid left untranslated on screen ----

# Endpoints a GET must not be sent to (it would change data) or that serve no HTML page.
SKIPPED_ENDPOINTS = {"checkin.scan", "checkin.scan_static", "main.set_language", "static"}
VISIBLE_ATTRIBUTES = re.compile(
    r'\s(?:title|aria-label|placeholder|alt|data-(?!testid)[a-z-]+)="([^"]*)"', re.IGNORECASE
)


def _translated_catalog() -> dict[str, str]:
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    return {
        m.id: m.string
        for m in catalog
        if isinstance(m.id, str) and m.string and not m.fuzzy and m.id not in m.string
    }


def _english_pattern(msgid: str) -> re.Pattern | None:
    """A pattern finding the msgid's fixed words on a page (placeholders match anything)."""
    parts = [re.escape(part) for part in re.split(r"%\(\w+\)[sd]|%[sd]", msgid)]
    if not re.search(r"[A-Za-z]{2}", "".join(parts)):
        return None
    return re.compile(r"(?<![A-Za-z])" + ".{0,80}?".join(parts) + r"(?![A-Za-z])")


def _visible_text(html_page: str) -> str:
    """What a person reads: text between tags and the attributes shown or spoken."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", html_page, flags=re.DOTALL)
    attributes = " \n ".join(VISIBLE_ATTRIBUTES.findall(page))
    return html.unescape(re.sub(r"<[^>]+>", "\n", page) + "\n" + attributes)


def _page_urls(app, values: dict[str, object]) -> list[str]:
    urls = []
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        if rule.endpoint.startswith(("api.", "bootstrap.")) or rule.rule.startswith("/api/"):
            continue
        if set(rule.arguments) <= values.keys():
            arguments = {a: values[a] for a in rule.arguments}
            urls.append(adapter.build(rule.endpoint, arguments, method="GET"))
    return sorted(set(urls))


def _demo_world() -> dict[str, object]:
    """The demo data, an issuer and one certificate: every page has something to show."""
    demo.load_demo_data()
    admin = accounts.user_with_phone(demo.DEMO_LOGINS[0].phone)
    volunteer = accounts.user_with_phone(demo.DEMO_LOGINS[3].phone).volunteer
    organizer = accounts.user_with_phone(demo.DEMO_LOGINS[2].phone)
    set_issuer(admin)
    certificate = certificates.issue_certificate(volunteer, periods.all_time(), admin)
    activity = activities.managed_page(organizer, activities.ManagedFilters(), 1).items[0]
    record = records.record_page_of(volunteer, None).items[0]
    db.session.commit()
    return {
        "activity_id": activity.id,
        "unit_id": volunteer.unit_id,
        "organization_id": activity.organization_id,
        "certificate_id": certificate.id,
        "serial": certificate.serial,
        "volunteer_id": volunteer.id,
        "record_id": record.id,
        "user_id": volunteer.user_id,
        "code": "ABCDEFGHJKMN",
    }


def _untranslated_on(client, url: str, patterns: dict[str, re.Pattern]) -> list[str]:
    response = client.get(url)
    if response.mimetype != "text/html" or response.status_code in (301, 302, 303, 307, 308):
        return []  # a redirect's body is Werkzeug's, never shown: the browser follows it
    text = _visible_text(response.get_data(as_text=True))
    return [
        f"{url}: {msgid!r} in {match.group(0)!r}"
        for msgid, pattern in patterns.items()
        if (match := pattern.search(text))
    ]


def test_no_page_shows_an_untranslated_message_in_chinese_to_any_role(app, client):
    values = _demo_world()
    patterns = {m: p for m in _translated_catalog() if (p := _english_pattern(m)) is not None}
    found = []
    for login in (None, *demo.DEMO_LOGINS):
        if login is not None:
            client.post("/auth/login", data={"login": login.phone, "password": demo.DEMO_PASSWORD})
        for url in _page_urls(app, values):
            found += _untranslated_on(client, url, patterns)
        client.post("/auth/logout")
    assert not found, "English text on Chinese pages:\n" + "\n".join(sorted(set(found)))
