"""The API's one blueprint and what every area module uses: declared access with token
scopes, paging, and the commit-or-refuse ritual of the views in JSON form."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from typing import Any

from flask import current_app, g
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate
from sqlalchemy import Select

from volunteer.access import PUBLIC, Rule, access
from volunteer.api.errors import status_for
from volunteer.extensions import db
from volunteer.i18n import gettext as _
from volunteer.services import api_tokens, paging
from volunteer.services.errors import ServiceError

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Volunteer registration and service hours, as JSON.",
)

BEARER = [{"bearerAuth": []}]


def api_access(rule: Rule, scope: str | None = None) -> Callable:
    """Declare who may call an endpoint (a rule of volunteer/access.py, as views do) and,
    for personal access tokens, which scope it needs; documents the security of the call."""

    def decorator(view: Callable) -> Callable:
        guarded = access(rule)(view)

        @wraps(guarded)
        def wrapped(**kwargs: Any):
            _require_token_scope(rule, scope)
            return guarded(**kwargs)

        wrapped.access_rule = rule
        wrapped.token_scope = scope
        area = view.__module__.rsplit(".", 1)[-1]  # the reference page groups by area module
        return bp.doc(security=[] if rule is PUBLIC else BEARER, tags=[area])(wrapped)

    return decorator


def _require_token_scope(rule: Rule, scope: str | None) -> None:
    """Public endpoints take any token (or none); others need the token to permit them."""
    token = g.get("api_token")
    if rule.needs_login and token is not None and not api_tokens.permits(token, scope):
        abort(403, code="insufficient_scope", message=_scope_message(scope))


def _scope_message(scope: str | None) -> str:
    if scope is None:
        return _("A personal access token cannot be used here; sign in with a password.")
    return _("This token lacks the scope %(scope)s.", scope=scope)


@contextmanager
def committed() -> Iterator[None]:
    """Commit when the block succeeds; on a ServiceError roll back and answer its code."""
    try:
        yield
    except ServiceError as error:
        db.session.rollback()
        abort(status_for(error), code=error.code, message=error.message, field=error.field)
    db.session.commit()


class PageArgs(Schema):
    """?page=1&page_size=20 (at most API_PAGE_SIZE_MAX)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PageSchema(Schema):
    """The paging part of every list answer."""

    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True)


def page_of(items: Sequence, args: dict, shown: Callable | None = None, **extra) -> dict:
    """One page of `items` (each as `shown` gives it, when given) with the paging figures."""
    size = _page_size(args)
    start = (args["page"] - 1) * size
    return _page(items[start : start + size], len(items), size, args, shown, extra)


def page_of_query(query: Select, args: dict, shown: Callable | None = None, **extra) -> dict:
    """`page_of` for an ordered query, counted and fetched in SQL (LIMIT/OFFSET): a list that
    grows with the data (a province's review queue holds over a million records) is never
    loaded whole to answer one page."""
    size = _page_size(args)
    rows = db.session.scalars(query.offset((args["page"] - 1) * size).limit(size)).unique()
    return _page(list(rows), paging.total_of(query), size, args, shown, extra)


def _page_size(args: dict) -> int:
    return min(args["page_size"], int(current_app.config["API_PAGE_SIZE_MAX"]))


def _page(items, total: int, size: int, args: dict, shown: Callable | None, extra: dict) -> dict:
    return {
        "items": [shown(item) for item in items] if shown else list(items),
        "page": args["page"],
        "page_size": size,
        "total": total,
        **extra,
    }


def paged(item_schema: type[Schema], name: str, **more: fields.Field) -> type[Schema]:
    """A page schema whose `items` are `item_schema`, plus any extra fields."""
    items = fields.List(fields.Nested(item_schema), required=True)
    return PageSchema.from_dict({"items": items, **more}, name=name)
