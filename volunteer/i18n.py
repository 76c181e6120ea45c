"""Language and time-zone choice, and display helpers used by templates."""

import functools
from zoneinfo import ZoneInfo

from babel import Locale, localedata
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import (
    format_datetime,
    get_locale,
    get_translations,
    gettext,
    lazy_gettext,
    ngettext,
)
from flask_login import current_user
from jinja2 import pass_context

from volunteer import rounding

# Babel has no data file named zh_CN (it is zh_Hans_CN), so every Locale("zh", "CN") made
# while rendering a page re-scans its ~1000 locale ids, lower-casing each: about 2 ms of
# CPU per page. The answer cannot change while the process runs; remember it.
localedata.normalize_locale = functools.lru_cache(maxsize=256)(localedata.normalize_locale)

__all__ = ["gettext", "lazy_gettext", "ngettext", "select_locale", "select_timezone"]


def select_locale() -> str:
    """The visitor's chosen language, else the account's, else Chinese."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI and services called from tests
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):  # no session there: the client says what it reads
        asked = request.accept_languages.best_match(languages)
        if asked:
            return asked
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if request.args.get("lang") in languages:
        return request.args["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@functools.lru_cache(maxsize=16)
def _parsed_locale(name: str) -> Locale:
    return Locale.parse(name)


def babel_locale() -> Locale:
    """flask-babel's locale selector: select_locale's choice, parsed once per process."""
    # flask-babel parses the selector's string on each request's first translation, checking
    # Babel's data files on disk each time; a parsed Locale it takes as it is.
    return _parsed_locale(select_locale())


def chosen_locale() -> str:
    """select_locale's choice as flask-babel keeps it for the request (read, not chosen again)."""
    # Choosing again reads the session, the user and the request through their proxies: a
    # scan's answer page did it twice, once for its translations and once for its lang.
    locale = get_locale()
    for name in current_app.config["LANGUAGES"]:
        if _parsed_locale(name) == locale:
            return name
    return select_locale()


def select_timezone() -> str:
    """Every page shows Beijing time; the banner is in one zone."""
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def local_datetime(value, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """Format an aware UTC datetime in Asia/Shanghai for display."""
    if value is None:
        return ""
    return format_datetime(value, fmt)


def clock(value) -> str:
    """An aware datetime as the hour and minute in the site's zone ("08:05"); "" for None."""
    # What local_datetime(value, "HH:mm") says in every language we serve, without Babel's
    # per-call lookups of the locale, the zone and the pattern: a scan's answer shows it.
    if value is None:
        return ""
    return value.astimezone(_zone(current_app.config["BABEL_DEFAULT_TIMEZONE"])).strftime("%H:%M")


@functools.lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def hours(minutes: int | None, places: int = 1) -> str:
    """Integer minutes shown as hours with one decimal (or `places`), floored, as DOMAIN.md asks."""
    return rounding.hours_text(minutes, places)


# Templates: flask-babel's callables find the translations again for every string (the
# request context, the locale, its name, the cache): a tenth of a scan page's CPU. A page's
# locale cannot change while it renders, so each render looks them up once (a context
# processor) and the callables read them from the template context; a template rendered
# without one (a macro imported without context) falls back to flask-babel's lookup.
PAGE_TRANSLATIONS = "_page_translations"


def init_app(app: Flask) -> None:
    """Install the per-render translation lookup for templates."""
    app.context_processor(lambda: {PAGE_TRANSLATIONS: get_translations()})
    app.jinja_env.install_gettext_callables(
        gettext=_page_gettext,
        ngettext=_page_ngettext,
        pgettext=_page_pgettext,
        npgettext=_page_npgettext,
        newstyle=True,
    )


def _translations(context):
    return context.get(PAGE_TRANSLATIONS) or get_translations()


@pass_context
def _page_gettext(context, string):
    return _translations(context).ugettext(string)


@pass_context
def _page_ngettext(context, singular, plural, n):
    return _translations(context).ungettext(singular, plural, n)


@pass_context
def _page_pgettext(context, message_context, string):
    return _translations(context).upgettext(message_context, string)


@pass_context
def _page_npgettext(context, message_context, singular, plural, n):
    return _translations(context).unpgettext(message_context, singular, plural, n)
