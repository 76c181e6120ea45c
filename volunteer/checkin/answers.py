"""What a phone shows after a scan (checkin/answer.html): the result, or why it was refused.

At an event everyone scans within the same few minutes, and after the database the page was
most of a scan's CPU. It has no menu, so it is rendered with only the values it reads rather
than through render_template, whose context processors work out the menu's role flags, the
language list and the rest for every page; its links are made once per process.
"""

import functools

from flask import current_app, request, url_for
from flask_babel import get_translations

from volunteer import display, i18n
from volunteer.services.checkin import ScanResult

TEMPLATE = "checkin/answer.html"


def result_page(result: ScanResult) -> str:
    """The page saying what a scan did (checked in, checked out, or nothing new)."""
    return _render(result=result, reason=None)


def refusal_page(reason: str) -> str:
    """The page saying that nothing was recorded, and why."""
    return _render(result=None, reason=reason)


def _render(**context) -> str:
    context[i18n.PAGE_TRANSLATIONS] = get_translations()  # chooses the request's locale
    context.update(
        large_text=display.wants_large_text(),
        current_locale=i18n.chosen_locale(),
        links=_links(request.script_root),
    )
    return current_app.jinja_env.get_template(TEMPLATE).render(context)


@functools.lru_cache(maxsize=8)  # by the path the site is mounted under: one in practice
def _links(_script_root: str) -> dict[str, str]:
    return {
        "bootstrap_css": url_for("bootstrap.static", filename="css/bootstrap.min.css"),
        "app_css": url_for("static", filename="css/app.css"),
        "home": url_for("main.index"),
        "records": url_for("records.mine"),
        "enter_code": url_for("checkin.enter_code"),
    }
