"""The interface is Chinese by default: every UI string has a Simplified Chinese translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

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
