"""Bounds on what a URL or a form may name: ids inside the integer column's range, ASCII digits
only, so out-of-range or odd input is "not found" or a form error, never a database error."""

import re
from datetime import date

from flask import Flask, abort, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

# The days a filter may name: wider than any record, narrow enough that a day's Beijing
# midnight (and the next day's) is a datetime: year 1 or 9999 would overflow.
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2100, 12, 31)
LARGEST_ID = 2**31 - 1  # the largest value of an integer column (PostgreSQL `integer`)
ID_DIGITS = re.compile(r"[0-9]{1,10}")  # ASCII digits, at most as many as LARGEST_ID has


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` that matches only values an integer column can hold (larger: 404)."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int = 0, max: int = LARGEST_ID):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max)


def init_app(app: Flask) -> None:
    """Bound every `<int:…>` URL part; call before any route is added by a blueprint."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_nul_bytes)


def refuse_nul_bytes() -> None:
    """before_request: a NUL byte in the path, a field or a JSON body is 400 (an upload's
    file name is cleaned by the upload views themselves).

    No real input has one, PostgreSQL refuses to store or compare one, and text that
    carries one reads differently to different programs."""
    if _has_nul(request.path) or _has_nul_in(request.args):
        abort(400)
    try:
        form = request.form
    except RequestEntityTooLarge:  # the upload views answer this with their own message
        return
    if _has_nul_in(form):
        abort(400)
    if request.is_json and (b"\\u0000" in request.get_data() or b"\x00" in request.get_data()):
        abort(400)


def _has_nul(text: str) -> bool:
    return "\x00" in text


def _has_nul_in(fields) -> bool:
    return any(_has_nul(key) or _has_nul(value) for key, value in fields.items(multi=True))


def as_id(raw: object) -> int | None:
    """`raw` as a row id if it is ASCII digits within the column's range, else None."""
    text = str(raw or "")
    value = int(text) if ID_DIGITS.fullmatch(text) else 0
    return value if 0 < value <= LARGEST_ID else None


def page_number(name: str = "page", largest: int = 100_000) -> int:
    """A 1-based page number from the query string, clamped to 1..largest."""
    value = request.args.get(name, 1, type=int) or 1
    return min(max(value, 1), largest)
